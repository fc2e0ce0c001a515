"""Jinja2 environment, display filters (Europe/Paris times, durations, percentages, plural
forms, enum labels; French formats from Babel) and the one function that turns a template
into an HTML response with its security headers."""

from __future__ import annotations

import math
from datetime import datetime
from functools import cache
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from renfort.domain.clock import PARIS, to_datetime
from renfort.web.i18n import DEFAULT_LOCALE, gettext, ngettext, plural_translator, translator

BABEL_LOCALE = Locale.parse("fr_FR")


def label(value: object, kind: str) -> str:
    """An enum value as the catalogue names it (``enum.{kind}.{value}``): ``with_waiver`` →
    « Avec dérogation (mode dégradé) ». An unknown value shows as it is, so a gap is seen."""
    if value is None or value == "":
        return "—"
    key = f"enum.{kind}.{value}"
    text = gettext(key)
    return str(value) if text == key else text


SECURITY_HEADERS = {
    # No inline script or style anywhere: every script and sheet is a file under /static.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _moment(value: float | str | datetime | None) -> datetime | None:
    """The instant in Paris time; ``None`` for nothing, or for a value no calendar can show
    (a bad stored date shows as "—" rather than breaking the page)."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            moment = datetime.fromisoformat(value)
        else:
            moment = to_datetime(float(value))
        return moment.astimezone(PARIS)
    except (ValueError, OverflowError, OSError, TypeError):
        return None


def _finite(value: float | None) -> float | None:
    """``value`` as a float if it is a finite number, else ``None`` (shown as "—")."""
    try:
        number = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


def paris_time(value: float | str | datetime | None, fmt: str = "HH:mm:ss") -> str:
    """An instant (POSIX seconds, ISO text or datetime) as Europe/Paris wall-clock text, in
    a CLDR pattern (``HH:mm``, ``dd/MM/yyyy``…); strftime patterns (``%H:%M``) still work."""
    moment = _moment(value)
    if moment is None:
        return "—"
    if "%" in fmt:
        return moment.strftime(fmt)
    return format_datetime(moment, fmt, tzinfo=PARIS, locale=BABEL_LOCALE)


def paris_datetime(value: float | str | datetime | None) -> str:
    return paris_time(value, "dd/MM/yyyy HH:mm")


def paris_date(value: float | str | datetime | None) -> str:
    return paris_time(value, "dd/MM/yyyy")


def long_date(value: float | str | datetime | None) -> str:
    """``mardi 17 mars 2020``."""
    return paris_time(value, "EEEE d MMMM y")


def duration(seconds: float | None) -> str:
    """Seconds as ``45 s``, ``3 min 05 s`` or ``2 h 10 min``."""
    seconds = _finite(seconds)
    if seconds is None:
        return "—"
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def short_duration(seconds: float | None) -> str:
    """A target duration in its natural unit: ``30 s``, ``60 s``, ``30 min``, ``24 h``."""
    seconds = _finite(seconds)
    if seconds is None:
        return "—"
    total = round(seconds)
    if total <= 120 or total % 60:
        return f"{total} s"
    if total < 7200 or total % 3600:
        return f"{total // 60} min"
    return f"{total // 3600} h"


def percent(value: float | None, digits: int = 0) -> str:
    """A share as French writes it: ``80 %``, ``5,2 %`` (Babel, fr_FR)."""
    value = _finite(value)
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "\u00a0%"
    return format_percent(value, pattern, locale=BABEL_LOCALE)


def number(value: float | None, digits: int = 0) -> str:
    """``12 345,7`` (Babel, fr_FR: a narrow space between thousands, a decimal comma)."""
    value = _finite(value)
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, pattern, locale=BABEL_LOCALE)


def plural(count: float | None, one: str, other: str) -> str:
    """``1 contact``, ``0 contact``, ``3 contacts``: the count with the word in the form
    French gives it (Babel's plural rule: 0 and 1 are singular in French)."""
    value = _finite(count)
    if value is None:
        return f"— {other}"
    form = BABEL_LOCALE.plural_form(abs(value))
    digits = 0 if float(value).is_integer() else 1
    return f"{number(value, digits)} {one if form == 'one' else other}"


def language(code: str | None) -> str:
    """A language code as its French name: ``en`` → ``anglais``."""
    if not code:
        return "—"
    return str(BABEL_LOCALE.languages.get(code, code))


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("renfort.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The i18n extension's globals (``_``, ``gettext``, ``ngettext``) read our catalogue;
    # ``render`` also binds ``_`` and ``_n`` to the request's locale.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=translator(DEFAULT_LOCALE), ngettext=plural_translator(DEFAULT_LOCALE),
        newstyle=False)
    env.filters.update(time=paris_time, datetime=paris_datetime, date=paris_date,
                       long_date=long_date, duration=duration, short_duration=short_duration,
                       percent=percent, number=number, plural=plural, language=language,
                       label=label)
    from renfort.web import notes  # notes reads the catalog through this module
    from renfort.web.linkify import linkify

    env.filters.update(note=notes.present_note, reason=notes.present_reason, linkify=linkify)
    return env


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render ``template`` with the catalog's ``_`` and the page context."""
    locale = DEFAULT_LOCALE
    values: dict[str, Any] = {"request": request, "_": translator(locale),
                              "_n": plural_translator(locale), "locale": locale}
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code,
                        headers={**SECURITY_HEADERS, **(headers or {})})


def message(key: str, **values: object) -> str:
    return gettext(key, DEFAULT_LOCALE, **values)


def message_n(key: str, count: object, **values: object) -> str:
    """``message`` in the plural form ``count`` calls for."""
    return ngettext(key, count, DEFAULT_LOCALE, **values)
