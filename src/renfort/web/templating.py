"""Jinja2 environment, display filters (Europe/Paris times, durations, percentages) and the
one function that turns a template into an HTML response with its security headers."""

from __future__ import annotations

import math
from datetime import datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from renfort.domain.clock import PARIS, to_datetime
from renfort.web.i18n import DEFAULT_LOCALE, gettext, translator

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


def paris_time(value: float | str | datetime | None, fmt: str = "%H:%M:%S") -> str:
    """An instant (POSIX seconds, ISO text or datetime) as Europe/Paris wall-clock text."""
    moment = _moment(value)
    return moment.strftime(fmt) if moment else "—"


def paris_datetime(value: float | str | datetime | None) -> str:
    return paris_time(value, "%d/%m/%Y %H:%M")


def paris_date(value: float | str | datetime | None) -> str:
    return paris_time(value, "%d/%m/%Y")


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
    value = _finite(value)
    if value is None:
        return "—"
    text = f"{value * 100:.{digits}f}".replace(".", ",")
    return f"{text} %"


def number(value: float | None, digits: int = 0) -> str:
    value = _finite(value)
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("renfort.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(time=paris_time, datetime=paris_datetime, date=paris_date,
                       duration=duration, short_duration=short_duration,
                       percent=percent, number=number)
    from renfort.web import notes  # notes reads the catalog through this module
    from renfort.web.linkify import linkify

    env.filters.update(note=notes.present_note, reason=notes.present_reason, linkify=linkify)
    return env


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render ``template`` with the catalog's ``_`` and the page context."""
    locale = DEFAULT_LOCALE
    values: dict[str, Any] = {"request": request, "_": translator(locale), "locale": locale}
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code,
                        headers={**SECURITY_HEADERS, **(headers or {})})


def message(key: str, **values: object) -> str:
    return gettext(key, DEFAULT_LOCALE, **values)
