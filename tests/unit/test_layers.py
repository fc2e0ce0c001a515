"""The pure packages never import adapters: the dependency rule of DESIGN.md, checked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "renfort"
PURE = ("domain", "routing", "queueing", "knowledge", "simulation", "sites", "planning",
        "reporting")
ADAPTERS = ("store", "services", "api", "web", "cli", "bootstrap", "config")
FORBIDDEN_LIBRARIES = ("sqlalchemy", "fastapi", "starlette", "typer", "httpx", "uvicorn")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", [p for p in PURE if (SRC / p).is_dir()])
def test_pure_packages_import_no_adapter(package: str) -> None:
    offenders = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "renfort" and len(parts) > 1 and parts[1] in ADAPTERS:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
            if parts[0] in FORBIDDEN_LIBRARIES:
                offenders.append(f"{path.relative_to(SRC)} imports {name}")
    assert offenders == []


def test_domain_depends_on_nothing_else_of_renfort() -> None:
    for path in sorted((SRC / "domain").rglob("*.py")):
        for name in _imports(path):
            if name.startswith("renfort."):
                assert name.startswith("renfort.domain"), f"{path.name} imports {name}"
