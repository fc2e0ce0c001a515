"""Knowledge editor (``/knowledge``): list and search a base's articles, edit with a live
preview, compare versions, publish a version from a chosen instant (``valid_from``).

Every read and write is the knowledge service the ``/api/v1/kb`` routes call, with the same
tenant rules: editors write their client's base, the client's viewers read its history,
the admin chooses any base.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.clock import PARIS
from renfort.domain.errors import RenfortError
from renfort.services import knowledge_access
from renfort.services.briefings import BriefingService
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal, Role
from renfort.web.listing import paged
from renfort.web.refusals import refusal
from renfort.web.session import WebPrincipal
from renfort.web.support import allow, check_origin, error_text, page
from renfort.web.templating import message, render

router = APIRouter(prefix="/knowledge", dependencies=[Depends(check_origin)])
CONTENT_FIELDS = ("question", "alternatives", "answer", "category", "source", "source_url",
                  "source_date", "audience", "tags")


def _base(rt: Runtime, who: Principal, client: str | None) -> str:
    """The base shown: the one asked for (admin), else the user's client's."""
    allow(who, "knowledge")
    if client and who.role is Role.ADMIN:
        return client
    with rt.engine.connect() as conn:
        return knowledge_access.default_base(conn, who)


def _can_edit(who: Principal) -> bool:
    return who.role in (Role.ADMIN, Role.KNOWLEDGE_EDITOR)


def _clients(rt: Runtime, who: Principal) -> list[dict[str, Any]]:
    return Catalog(rt.engine).list(KINDS["clients"], who) if who.role is Role.ADMIN else []


def _content(form: dict[str, str]) -> dict[str, Any]:
    """Form fields → the service's content (lists from one item per line)."""
    def lines(name: str) -> list[str]:
        return [x.strip() for x in form.get(name, "").splitlines() if x.strip()]

    return {"question": form.get("question", "").strip(),
            "alternatives": lines("alternatives"),
            "answer": form.get("answer", "").strip(),
            "category": form.get("category", "").strip(),
            "source": form.get("source", "").strip(),
            "source_url": form.get("source_url", "").strip() or None,
            "source_date": form.get("source_date", "").strip(),
            "audience": form.get("audience", "public"),
            "tags": [t.strip() for t in form.get("tags", "").split(",") if t.strip()]}


def _form_of(version: dict[str, Any] | None) -> dict[str, str]:
    if version is None:
        return {"audience": "public", "source_date": ""}
    return {"question": version["question"], "alternatives": "\n".join(version["alternatives"]),
            "answer": version["answer"], "category": version["category"],
            "source": version["source"], "source_url": version.get("source_url") or "",
            "source_date": version["source_date"], "audience": version["audience"],
            "tags": ", ".join(version["tags"])}


def _instant(text: str) -> datetime | None:
    """A ``datetime-local`` value, read as Europe/Paris wall-clock time."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=PARIS)
    except ValueError:
        raise refusal(message("kb.bad_instant"), {"field": "valid_from"}) from None


@router.get("")
async def articles(request: Request, rt: RuntimeDep, who: WebPrincipal,
                   client: str | None = None, q: str = "",
                   page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1
                   ) -> HTMLResponse:
    """A base's articles, searched (id, question, category) and paged on the server."""
    base = await asyncio.to_thread(_base, rt, who, client)
    items = await asyncio.to_thread(rt.knowledge.list_articles, who, base)
    rows = []
    for item in items:
        shown = item["in_force"] or {}
        rows.append({"id": item["id"], "status": item["status"],
                     "question": shown.get("question"), "category": shown.get("category"),
                     "valid_from": shown.get("valid_from"),
                     "latest": item.get("latest_version"), "in_force": shown.get("version")})
    found = paged(rows, q, page_number, lambda r: " ".join(
        str(r[k] or "") for k in ("id", "question", "category")))
    clients = await asyncio.to_thread(_clients, rt, who)
    return page(request, "knowledge/list.html", who, "knowledge",
                {"pg": found, "client": base, "clients": clients,
                 "can_edit": _can_edit(who)})


@router.get("/new")
def new_article(request: Request, rt: RuntimeDep, who: WebPrincipal,
                client: str | None = None) -> HTMLResponse:
    base = _base(rt, who, client)
    return page(request, "knowledge/article.html", who, "knowledge",
                {"client": base, "article": None, "versions": [], "form": _form_of(None),
                 "can_edit": _can_edit(who)})


@router.post("/new")
async def create_article(request: Request, rt: RuntimeDep, who: WebPrincipal,
                         client: str | None = None) -> Response:
    base = await asyncio.to_thread(_base, rt, who, client)
    async with request.form() as raw:
        form = {k: str(v) for k, v in raw.items()}
    ref = form.get("ref", "").strip()
    try:
        await asyncio.to_thread(rt.knowledge.create, who, base, ref, _content(form))
    except RenfortError as error:
        return page(request, "knowledge/article.html", who, "knowledge",
                    {"client": base, "article": None, "versions": [], "form": form,
                     "error": error_text(error), "can_edit": _can_edit(who)})
    return RedirectResponse(f"/knowledge/a/{quote(ref)}?client={quote(base)}&saved=1",
                            status_code=303)


def _article_context(rt: Runtime, who: Principal, base: str, ref: str) -> dict[str, Any]:
    article = rt.knowledge.get(who, base, ref)
    versions = rt.knowledge.history(who, base, ref) if knowledge_access.sees_history(who) \
        else []
    latest = versions[-1] if versions else article["in_force"]
    return {"article": article, "versions": versions, "form": _form_of(latest),
            "latest": latest}


@router.get("/a/{ref}")
async def article(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                  client: str | None = None, saved: int = 0,
                  published: int = 0) -> HTMLResponse:
    base = await asyncio.to_thread(_base, rt, who, client)
    try:
        context = await asyncio.to_thread(_article_context, rt, who, base, ref)
    except RenfortError as error:
        return page(request, "knowledge/list.html", who, "knowledge",
                    {"rows": [], "total": 0, "q": "", "client": base, "clients": [],
                     "error": error_text(error), "can_edit": _can_edit(who)})
    notice = message("kb.saved") if saved else message("kb.published") if published else None
    return page(request, "knowledge/article.html", who, "knowledge",
                {**context, "client": base, "notice": notice, "can_edit": _can_edit(who),
                 "now_local": datetime.fromtimestamp(rt.clock.now(), PARIS)
                 .strftime("%Y-%m-%dT%H:%M")})


@router.post("/a/{ref}")
async def edit_article(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                       client: str | None = None) -> Response:
    """Save the form as a new draft version."""
    base = await asyncio.to_thread(_base, rt, who, client)
    async with request.form() as raw:
        form = {k: str(v) for k, v in raw.items()}
    try:
        await asyncio.to_thread(rt.knowledge.edit, who, base, ref, _content(form))
    except RenfortError as error:
        context = await asyncio.to_thread(_article_context, rt, who, base, ref)
        return page(request, "knowledge/article.html", who, "knowledge",
                    {**context, "form": form, "client": base, "error": error_text(error),
                     "can_edit": _can_edit(who)})
    return RedirectResponse(f"/knowledge/a/{quote(ref)}?client={quote(base)}&saved=1",
                            status_code=303)


@router.post("/a/{ref}/publish")
async def publish(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
                  version: Annotated[int, Form()],
                  valid_from: Annotated[str, Form()] = "",
                  valid_to: Annotated[str, Form()] = "",
                  briefing_required: Annotated[str, Form()] = "",
                  client: str | None = None) -> Response:
    base = await asyncio.to_thread(_base, rt, who, client)
    try:
        start = _instant(valid_from)
        if start is not None and 0 <= rt.clock.now() - start.timestamp() < 120:
            start = None  # "now", to the minute the field shows
        await asyncio.to_thread(rt.knowledge.publish, who, base, ref, version,
                                valid_from=start, valid_to=_instant(valid_to))
        if briefing_required:
            await BriefingService(rt.engine, rt.clock, rt.desk).require(who, base, ref, version)
    except RenfortError as error:
        context = await asyncio.to_thread(_article_context, rt, who, base, ref)
        return page(request, "knowledge/article.html", who, "knowledge",
                    {**context, "client": base, "error": error_text(error),
                     "can_edit": _can_edit(who)})
    return RedirectResponse(f"/knowledge/a/{quote(ref)}?client={quote(base)}&published=1",
                            status_code=303)


@router.get("/a/{ref}/diff")
async def diff(ref: str, request: Request, rt: RuntimeDep, who: WebPrincipal,
               old: int, new: int, client: str | None = None) -> HTMLResponse:
    base = await asyncio.to_thread(_base, rt, who, client)
    try:
        result = await asyncio.to_thread(rt.knowledge.diff, who, base, ref, old, new)
        lines = result["diff"].splitlines()
        error = None
    except RenfortError as failure:
        lines, error = [], error_text(failure)
    return render(request, "knowledge/diff.html", {"lines": lines, "error": error,
                                                   "old": old, "new": new})


@router.post("/preview")
async def preview(request: Request, who: WebPrincipal) -> HTMLResponse:
    """The answer as agents and citizens will read it, from the form being edited."""
    allow(who, "knowledge")
    async with request.form() as raw:
        form = {k: str(v) for k, v in raw.items()}
    return render(request, "knowledge/preview.html", {"c": _content(form)})
