"""The message catalog: every word the pages show comes from here, by key.

French is the default and the only complete catalog (:mod:`renfort.web.messages_fr`); a
new language is one more module with the same keys, registered in :data:`CATALOGS`. A key
missing from a catalog falls back to French, then to the key itself, so a gap is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from babel import Locale

from renfort.web.messages_fr import MESSAGES as _BASE
from renfort.web.messages_fr import SINGULARS as FRENCH_SINGULARS
from renfort.web.messages_fr_errors import MESSAGES as _ERRORS
from renfort.web.messages_fr_operations import MESSAGES as _OPERATIONS
from renfort.web.messages_live_fr import MESSAGES as _LIVE

FRENCH: Mapping[str, str] = {**_BASE, **_LIVE, **_OPERATIONS, **_ERRORS}

DEFAULT_LOCALE = "fr"
CATALOGS: Mapping[str, Mapping[str, str]] = {"fr": FRENCH}
SINGULAR_FORMS: Mapping[str, Mapping[str, tuple[str, str]]] = {"fr": FRENCH_SINGULARS}
"""Per locale, the messages that have a singular form: key → (the placeholder that
counts, the singular text); the catalog holds the plural one."""


def _count(value: object) -> float | None:
    """The number a placeholder holds (a number, or a number already formatted)."""
    if isinstance(value, int | float):
        return float(value)
    text = "".join(str(value).split()).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def gettext(key: str, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The message ``key`` in ``locale``, with ``{name}`` placeholders filled from ``values``;
    the singular form when the counting placeholder is one (in French, 0 and 1 are)."""
    text = CATALOGS.get(locale, FRENCH).get(key) or FRENCH.get(key) or key
    singular = SINGULAR_FORMS.get(locale, FRENCH_SINGULARS).get(key)
    if singular is not None and singular[0] in values:
        count = _count(values[singular[0]])
        if count is not None and Locale.parse(locale).plural_form(abs(count)) == "one":
            text = singular[1]
    return text.format(**values) if values else text


def translator(locale: str = DEFAULT_LOCALE) -> Callable[..., str]:
    """``_("key", name=value)`` bound to one locale, for templates and handlers."""

    def translate(key: str, **values: object) -> str:
        return gettext(key, locale, **values)

    return translate


def has(key: str) -> bool:
    return key in FRENCH
