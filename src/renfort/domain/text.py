"""What a stored text may hold: checked once, at the edge and again by the desk's commands.

PostgreSQL refuses a NUL byte in a text column, and control characters in a name or a
reference only ever come from a broken or hostile client. Refusing them before anything is
stored is what keeps one bad input from failing the good ones committed with it.
"""

from __future__ import annotations

import re

from renfort.domain.errors import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters refused everywhere (tab, line feed and carriage return are text)."""
_LINE_BREAK = re.compile(r"[\r\n\t]")


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """Why ``value`` cannot be stored, or ``None`` when it can."""
    if "\x00" in value:
        return "contains a NUL byte"
    if _CONTROL.search(value):
        return "contains a control character"
    if not multiline and _LINE_BREAK.search(value):
        return "must be on one line"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return "contains an unpaired surrogate"
    return None


def clean_text(value: str, field: str, *, max_length: int, min_length: int = 1,
               multiline: bool = False) -> str:
    """``value`` stripped, checked for length and storable characters.

    Raises :class:`ValidationError` naming ``field``.
    """
    if not isinstance(value, str):
        raise ValidationError(f"{field}: a text is expected", {"field": field},
                              reason="text-expected")
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValidationError(f"{field}: {problem}", {"field": field}, reason="text-characters")
    value = value.strip()
    if not min_length <= len(value) <= max_length:
        raise ValidationError(f"{field}: {min_length}–{max_length} characters",
                              {"field": field},
                              reason="text-length", values={"min": min_length, "max": max_length})
    return value
