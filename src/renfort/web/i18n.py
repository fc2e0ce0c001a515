"""The message catalog: every word the pages show comes from here, by key.

French is the default and the only complete catalog (:mod:`renfort.web.messages_fr`); a
new language is one more module with the same keys, registered in :data:`CATALOGS`. A key
missing from a catalog falls back to French, then to the key itself, so a gap is visible.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from renfort.web.messages_fr import MESSAGES as _BASE
from renfort.web.messages_fr_operations import MESSAGES as _OPERATIONS

FRENCH: Mapping[str, str] = {**_BASE, **_OPERATIONS}
DEFAULT_LOCALE = "fr"
CATALOGS: Mapping[str, Mapping[str, str]] = {"fr": FRENCH}


def gettext(key: str, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The message ``key`` in ``locale``, with ``{name}`` placeholders filled from ``values``."""
    text = CATALOGS.get(locale, FRENCH).get(key) or FRENCH.get(key) or key
    return text.format(**values) if values else text


def translator(locale: str = DEFAULT_LOCALE) -> Callable[..., str]:
    """``_("key", name=value)`` bound to one locale, for templates and handlers."""

    def translate(key: str, **values: object) -> str:
        return gettext(key, locale, **values)

    return translate


def has(key: str) -> bool:
    return key in FRENCH
