"""Every reason code a refusal can carry has its French sentence: the source is scanned for
``reason="…"`` on the errors raised (and the codes the pages derive from pydantic), so a
code added without its translation fails here, not on a user's screen."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from renfort.domain.errors import ConflictError, NotFoundError, ValidationError
from renfort.web import refusals
from renfort.web.catalogue_keys import raised_reasons
from renfort.web.i18n import gettext, has

SOURCE = Path(refusals.__file__).resolve().parents[1]

def test_every_reason_raised_has_a_french_sentence() -> None:
    found = raised_reasons()
    assert len(found) > 250  # the scan sees the codes
    derived = {*refusals.KIND_OF.values(), *(r for r, _ in refusals.LIMITS.values()),
               "field-invalid", "field-positive", "page-text"}
    missing = {code: where for code, where in found.items()
               if not has(f"error.reason.{code}")}
    missing.update({code: ["refusals.py"] for code in derived
                    if not has(f"error.reason.{code}")})
    assert missing == {}


def test_every_sentence_names_its_placeholders() -> None:
    codes = set(raised_reasons()) | set(refusals.KIND_OF.values()) | {
        r for r, _ in refusals.LIMITS.values()} | {"field-invalid", "field-positive"}
    for code in codes:
        text = gettext(f"error.reason.{code}")
        names = {n for _, n, _, _ in string.Formatter().parse(text) if n}
        assert all(n.isidentifier() for n in names), (code, text)
        assert not text[:1].islower(), (code, text)  # a sentence, after the title's dash


def _literal_keys(node: ast.expr | None) -> set[str] | None:
    """The keys of a dict literal; None when they cannot be read statically."""
    if node is None:
        return set()
    if not isinstance(node, ast.Dict):
        return None
    keys = set()
    for key in node.keys:
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys.add(key.value)
    return keys


def test_every_raise_site_gives_the_values_its_sentence_needs() -> None:
    """``reason="seat-taken"`` with no ``seat`` in the details would show the bare title:
    each raise site's details and values hold the sentence's placeholders."""
    lacking = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            named = {k.arg: k.value for k in node.keywords}
            reason = named.get("reason")
            if not isinstance(reason, ast.Constant):
                continue
            text = gettext(f"error.reason.{reason.value}")
            wanted = {n for _, n, _, _ in string.Formatter().parse(text) if n}
            details = _literal_keys(node.args[1] if len(node.args) > 1 else
                                    named.get("details"))
            values = _literal_keys(named.get("values"))
            if details is None or values is None:  # built at run time: not checked here
                continue
            if wanted - details - values - {"field_label"}:
                lacking.append(f"{path.relative_to(SOURCE)}:{node.lineno} {reason.value}")
    assert lacking == []


def test_a_reason_is_filled_from_details_and_values() -> None:
    taken = ConflictError("seat A-12 is taken", {"seat": "A-12", "reason": "taken"},
                          reason="seat-taken")
    assert refusals.error_text(taken) == ("Impossible dans l'état actuel — La place A-12 est "
                                          "déjà occupée.")
    length = ValidationError("label: 1–100 characters", {"field": "label"},
                             reason="text-length", values={"min": 1, "max": 100})
    assert refusals.error_text(length) == "Saisie invalide — « Libellé » : de 1 à 100 caractères."
    assert refusals.error_text(NotFoundError("no such thing", {})) == "Introuvable"


def test_pydantic_errors_say_the_field_in_french() -> None:
    refused = refusals.invalid_input([{"loc": ("body", "aht_seconds"), "type": "greater_than",
                                       "msg": "Input should be greater than 0",
                                       "ctx": {"gt": 0}}])
    assert refusals.error_text(refused) == ("Saisie invalide — « Durée de traitement (s) » : "
                                            "un nombre positif est attendu.")
    assert refused.message == "aht_seconds: Input should be greater than 0"  # for the log
    odd = refusals.invalid_input([{"loc": ("query", "mystery"), "type": "weird", "msg": "?"}])
    assert refusals.error_text(odd) == "Saisie invalide — « ce champ » : valeur non valide."
