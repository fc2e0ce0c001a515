"""The literal text a regular expression's matches must start with: a cheap pre-check.

:func:`renfort.knowledge.text.fold` runs some forty word patterns over every text it is
given; on a 2,000-character answer each pass scans the whole text, and almost none of them
ever matches an article. ``needle in text`` is a fast C search, so a pattern whose every
match starts with one of a few known strings is only run on the texts that contain one of
them. The strings are read from the pattern itself (by Python's own regex parser), so the
check can never drift from the pattern: it is an exact shortcut, not a heuristic.
"""

from __future__ import annotations

# Python's own regex parser (private since 3.11, where sre_parse became a deprecated alias).
from re import _constants as _sre  # type: ignore[attr-defined]
from re import _parser as _parse  # type: ignore[attr-defined]
from typing import Any

MAX_NEEDLES = 64


def _starts(items: Any) -> tuple[set[str], bool]:
    """Strings one of which begins every match of ``items``, and whether they are the whole
    match (so what follows may extend them)."""
    found = {""}
    for op, arg in items:
        if op == _sre.AT:
            continue  # \b, ^, $: zero-width
        if op == _sre.LITERAL:
            found = {s + chr(arg) for s in found}
            continue
        if op == _sre.SUBPATTERN:
            inner, complete = _starts(arg[-1])
        elif op == _sre.BRANCH:
            inner, complete = set(), True
            for branch in arg[1]:
                more, whole = _starts(branch)
                inner |= more
                complete = complete and whole
        else:
            return found, False
        if len(found) * len(inner) > MAX_NEEDLES:
            return found, False
        found = {s + t for s in found for t in inner}
        if not complete:
            return found, False
    return found, True


def leading_literals(pattern: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` contains, or None when some match
    may start with anything (then the pattern must always run)."""
    found, _ = _starts(_parse.parse(pattern).data)
    if "" in found:
        return None
    # "chu" already finds every text "chuis" is in.
    return tuple(sorted(n for n in found if not any(o != n and o in n for o in found)))
