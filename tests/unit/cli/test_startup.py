"""What a command imports: ``renfort --help`` and ``renfort kb search`` stay light.

SciPy, OR-Tools, statsforecast and the simulator take seconds to import; they are loaded
by the commands that use them, not by every start of the CLI. Each command runs in a fresh
interpreter (a test process has imported everything already) and reports ``sys.modules``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from renfort.config import Settings

# Runs the CLI as the ``renfort`` script does, then prints the modules it imported.
RUN = """
import json, sys
from renfort.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""
HEAVY = ("scipy", "ortools", "statsforecast", "sklearn", "pandas", "renfort.simulation",
         "renfort.planning", "renfort.queueing")


def _modules(*args: str, code: str = RUN, data_dir: Path | None = None) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "RENFORT_DATABASE_URL"}
    if data_dir is not None:
        env["RENFORT_DATA_DIR"] = str(data_dir)
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                            text=True, check=True, env=env)
    return set(json.loads(result.stdout.rsplit("\nMODULES ", 1)[1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_imports_nothing_heavy() -> None:
    modules = _modules("--help")
    assert "renfort.cli.main" in modules
    assert _heavy(modules) == []
    # Not even NumPy, the settings or the store: help needs none of them.
    assert {"numpy", "sqlalchemy", "pydantic_settings", "renfort.bootstrap"} & modules == set()


def test_kb_search_does_not_import_the_simulator_or_scipy(demo_settings: Settings) -> None:
    modules = _modules("kb", "search", "attestation de déplacement", "--json",
                       data_dir=demo_settings.data_dir)
    assert "renfort.knowledge.search" in modules  # it did search
    assert _heavy(modules) == []
    # Migrations (Alembic, Mako) and the PostgreSQL driver are for the commands that use them.
    assert {"alembic", "mako", "psycopg"} & modules == set()


def test_the_check_sees_a_heavy_import() -> None:
    """The probe itself works: a command that does load SciPy is caught."""
    probe = RUN.replace("from renfort.cli.main import app",
                        "from renfort.cli.main import app\nimport scipy.spatial")
    assert "scipy" in _heavy(_modules("--help", code=probe))

