"""The message catalogue: every word the pages show comes from a gettext catalogue, by key.

The catalogues live in ``locale/<lang>/LC_MESSAGES/messages.po`` (compiled to ``.mo`` by
``make install``). Message ids are symbolic keys grouped by page (``agent.*``, ``wall.*``…)
and shared vocabulary (``status.*``, ``channel.*``…); French is the reference and the only
complete catalogue. ``make messages`` extracts the keys (pybabel, ``babel.cfg``) and merges
them into each catalogue; a new language is ``pybabel init -l xx`` and a translation of the
French text. A key missing from a catalogue falls back to French, then to the key itself,
so a gap is visible on the page (and the page walk test fails on it).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from functools import cache
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DEFAULT_LOCALE = "fr"


def catalogue_path(locale: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(locale: str = DEFAULT_LOCALE) -> GNUTranslations | None:
    """The compiled catalogue of ``locale``; ``None`` if there is none for it. A missing or
    stale ``.mo`` (a checkout where ``make install`` has not compiled the ``.po`` since it
    changed) is compiled in memory from the ``.po``, and said in the log."""
    po, mo = catalogue_path(locale), catalogue_path(locale, ".mo")
    if not po.exists():
        return None
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return GNUTranslations(handle)
    log.warning("catalogue %s is not compiled (or older than its .po): compiling it in "
                "memory; run `make install` to compile it once", po)
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=locale, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return GNUTranslations(buffer)


def _text(key: str, locale: str, count: int | None) -> str | None:
    """The catalogue's text for ``key`` (its plural form for ``count`` when it has one)."""
    catalogue = translations(locale)
    if catalogue is None:
        return None
    if count is not None:
        text = catalogue.ngettext(key, key, count)
        if text != key:
            return text
    text = catalogue.gettext(key)
    if text == key:
        # Not a singular entry: a plural one asked without a count takes its plural form.
        text = catalogue.ngettext(key, key, 2)
    return None if text == key else text


def _count(value: object) -> int | None:
    """The whole number a count holds (a number, or a number already formatted: ``1 200``);
    French takes the singular for 0 and 1, and for 1.5 as CLDR does (its integer part)."""
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float("".join(str(value).split()).replace(",", "."))
        except ValueError:
            return None
    return int(abs(number)) if math.isfinite(number) else None


def ngettext(key: str, count: object, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The message ``key`` in the plural form ``count`` calls for, ``{name}`` placeholders
    filled from ``values``. A key with no plural entry gives its one text."""
    number = _count(count)
    text = (_text(key, locale, number) or _text(key, DEFAULT_LOCALE, number) or key)
    return text.format(**values) if values else text


def gettext(key: str, locale: str = DEFAULT_LOCALE, **values: object) -> str:
    """The message ``key`` in ``locale``, with ``{name}`` placeholders filled from ``values``."""
    text = _text(key, locale, None) or _text(key, DEFAULT_LOCALE, None) or key
    return text.format(**values) if values else text


def translator(locale: str = DEFAULT_LOCALE) -> Callable[..., str]:
    """``_("key", name=value)`` bound to one locale, for templates and handlers."""

    def translate(key: str, **values: object) -> str:
        return gettext(key, locale, **values)

    return translate


def plural_translator(locale: str = DEFAULT_LOCALE) -> Callable[..., str]:
    """``_n("key", count, name=value)`` bound to one locale."""

    def translate(key: str, count: object, **values: object) -> str:
        return ngettext(key, count, locale, **values)

    return translate


def has(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    return _text(key, locale, None) is not None
