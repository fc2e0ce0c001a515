"""Redirect directory (``/knowledge/redirects``): where each client sends what the line must
not answer — the four entries in force with their numbers as tap-to-call links, each one's
version history, and a form that publishes a new version from a chosen instant.

Reads and writes are the :class:`~renfort.services.safety.RedirectDirectory` use cases the
``/api/v1/kb/{client}/redirects`` routes call, with the same tenant rules: the client's
knowledge editors and admins publish, its viewers read, a base one may not read is a 404.
A refused form is shown again as typed, with every problem in French; nothing is stored.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.clock import PARIS
from renfort.domain.errors import (
    NotFoundError,
    PermissionDeniedError,
    RenfortError,
    ValidationError,
)
from renfort.knowledge import redirects as r
from renfort.services import knowledge_access
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal, Role
from renfort.web.refusals import refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import message, render

router = APIRouter(prefix="/knowledge/redirects", dependencies=[Depends(check_origin)])
NUMBER_ROWS = r.MAX_NUMBERS
NOW_WINDOW_SECONDS = 120
"""A ``valid_from`` this close behind the clock is "now", to the minute the field shows."""


def _client(rt: Runtime, who: Principal, client: str | None) -> str:
    """The base asked for, else the user's own (the hotline's for an admin). Access is the
    service's to check: a base the user may not read is a 404, never silently another."""
    allow(who, "knowledge")
    if client:
        return client
    with rt.engine.connect() as conn:
        return knowledge_access.default_base(conn, who)


def _clients(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    return Catalog(rt.engine).list(KINDS["clients"], who) if who.role is Role.ADMIN else []


def _entry(overview: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in overview["entries"] if e["key"] == key)


def _form_of(entry: dict[str, Any]) -> dict[str, Any]:
    """The form, filled with an entry (the version in force), with room for 5 numbers."""
    numbers = [{"label": n["label"], "number": n["number"], "kind": n["kind"]}
               for n in entry["numbers"]]
    return {"label": entry["label"], "hours": entry["hours"], "message": entry["message"],
            "source": entry["source"], "valid_from": "", "numbers": _padded(numbers)}


def _padded(numbers: list[dict[str, str]]) -> list[dict[str, str]]:
    blank = {"label": "", "number": "", "kind": "tel"}
    return numbers + [dict(blank) for _ in range(NUMBER_ROWS - len(numbers))]


def _read_form(raw: Any) -> dict[str, Any]:
    """The posted fields as typed: text fields, the number rows (blank rows dropped later)."""
    numbers = [{"label": str(raw.get(f"number_label_{i}") or ""),
                "number": str(raw.get(f"number_{i}") or ""),
                "kind": str(raw.get(f"number_kind_{i}") or "tel")}
               for i in range(NUMBER_ROWS)]
    return {"label": str(raw.get("label") or ""), "hours": str(raw.get("hours") or ""),
            "message": str(raw.get("message") or ""), "source": str(raw.get("source") or ""),
            "valid_from": str(raw.get("valid_from") or ""), "numbers": numbers}


def _data(form: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """The service's exchange format from the form, and which form row each number is."""
    rows = [(i, n) for i, n in enumerate(form["numbers"])
            if n["label"].strip() or n["number"].strip()]
    return ({"label": form["label"], "hours": form["hours"], "message": form["message"],
             "source": form["source"],
             "numbers": [{"label": n["label"], "number": n["number"], "kind": n["kind"]}
                         for _, n in rows]}, [i for i, _ in rows])


def _instant(text: str, now: float) -> datetime | None:
    """A ``datetime-local`` value read as Paris time; empty or about now is "now"."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip()).replace(tzinfo=PARIS)
    except ValueError:
        raise refusal(message("kb.bad_instant"),
                      {"field": "valid_from", "rule": "instant"}) from None
    if 0 <= now - moment.timestamp() < NOW_WINDOW_SECONDS:
        return None
    return moment


def french(problem: r.Problem | dict[str, Any], rows: list[int] | None = None) -> str:
    """One problem of a proposed entry, in the catalog's words. ``rows`` maps the numbers
    the service saw to the form's rows (blank rows are not sent)."""
    details = problem.details() if isinstance(problem, r.Problem) else problem
    field, rule, index = details.get("field", ""), details.get("rule", ""), \
        details.get("index")
    text = message(f"redirects.error.{rule}", field=message(f"redirects.field.{field}"),
                   min=details.get("min", 0), max=details.get("max", 0))
    if index is not None:
        shown = (rows[index] if rows and index < len(rows) else index) + 1
        text = message("redirects.error.in_number", n=shown, text=text)
    return text


def _field_of(details: dict[str, Any], rows: list[int]) -> str:
    """Where a problem shows in the form: a field name, or ``numbers.<row>``."""
    index = details.get("index")
    if index is None:
        return str(details.get("field", ""))
    return f"numbers.{rows[index] if index < len(rows) else index}"


def _problems(error: ValidationError, rows: list[int]) -> tuple[list[str], dict[str, str]]:
    """Every problem of a refused entry in French: the list, and each by form field."""
    found = r.problems_of(error)
    texts: list[str] = []
    by_field: dict[str, str] = {}
    for details in found:
        if not details.get("rule"):
            continue
        text = french(details, rows)
        texts.append(text)
        by_field.setdefault(_field_of(details, rows), text)
    return texts, by_field


@router.get("")
async def directory(request: Request, rt: RuntimeDep, who: WebPrincipal,
                    client: str | None = None) -> HTMLResponse:
    base = await asyncio.to_thread(_client, rt, who, client)
    try:
        overview = await asyncio.to_thread(rt.directory.overview, who, base)
    except NotFoundError:
        return page(request, "not_found.html", who, "knowledge", status_code=404)
    clients = await asyncio.to_thread(_clients, rt, who)
    return page(request, "knowledge/redirects.html", who, "knowledge",
                {"d": overview, "client": overview["client"]["slug"], "clients": clients,
                 "tab": "redirects"})


async def _entry_page(request: Request, rt: Runtime, who: Principal, base: str, key: str,
                      *, form: dict[str, Any] | None = None, notice: str | None = None,
                      problems: list[str] | None = None, errors: dict[str, str] | None = None,
                      error: str | None = None, status_code: int = 200) -> HTMLResponse:
    try:
        r.check_key(key)
        overview = await asyncio.to_thread(rt.directory.overview, who, base)
    except (NotFoundError, ValidationError):
        return page(request, "not_found.html", who, "knowledge", status_code=404)
    entry = _entry(overview, key)
    return page(request, "knowledge/redirect_entry.html", who, "knowledge",
                {"d": overview, "e": entry, "client": overview["client"]["slug"],
                 "form": form or _form_of(entry), "notice": notice,
                 "problems": problems or [], "errors": errors or {}, "error": error,
                 "tab": "redirects",
                 "now_local": datetime.fromtimestamp(rt.clock.now(), PARIS)
                 .strftime("%Y-%m-%dT%H:%M")}, status_code=status_code)


@router.get("/{key}")
async def entry_page(key: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                     client: str | None = None, published: int = 0) -> HTMLResponse:
    base = await asyncio.to_thread(_client, rt, who, client)
    notice = message("redirects.published") if published else None
    return await _entry_page(request, rt, who, base, key, notice=notice)


@router.post("/{key}")
async def publish(key: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                  client: str | None = None) -> Response:
    """Publish the form as a new version of the entry; refused input is shown again."""
    base = await asyncio.to_thread(_client, rt, who, client)
    async with request.form() as raw:
        form = _read_form(raw)
    data, rows = _data(form)
    try:
        r.check_key(key)
        start = _instant(form["valid_from"], rt.clock.now())
        await asyncio.to_thread(rt.directory.edit, who, base, key, data, start)
    except ValidationError as refused:
        if refused.details.get("rule") == "instant":  # the entry's problems too, at once
            found, _ = r.problems(key, data)
            refused = ValidationError(refused.message, {"problems": [
                *(p.details() for p in found), refused.details]})
        problems, errors = _problems(refused, rows)
        if not problems:
            problems = [error_text(refused)]
        # 200 like every refused form of the pages: the browser shows the page, no error
        return await _entry_page(request, rt, who, base, key, form=form, problems=problems,
                                 errors=errors)
    except (NotFoundError, PermissionDeniedError) as refused:
        status = 404 if isinstance(refused, NotFoundError) else 403
        return await _entry_page(request, rt, who, base, key, form=form,
                                 error=error_text(refused), status_code=status)
    except RenfortError as refused:
        return await _entry_page(request, rt, who, base, key, form=form,
                                 error=error_text(refused), status_code=409)
    return RedirectResponse(f"/knowledge/redirects/{quote(key)}?client={quote(base)}"
                            "&published=1", status_code=303)


@router.post("/{key}/preview")
async def preview(key: str, request: Request, who: WebPrincipal) -> HTMLResponse:
    """What a citizen would get from the form being edited, or what is wrong with it."""
    allow(who, "knowledge")
    async with request.form() as raw:
        form = _read_form(raw)
    data, rows = _data(form)
    try:
        found, entry = r.problems(key, data)
    except ValidationError:
        found, entry = [], None
    return render(request, "knowledge/redirect_preview.html",
                  {"entry": entry.as_dict() if entry else None,
                   "problems": [french(p, rows) for p in found]})
