"""The knowledge panel of the agent desktop, tied to the conversation.

The base is never chosen by the browser: it is the base of the client of the contact the
agent holds (a bank's agent searching while on a bank call reads the bank's articles,
never the public hotline's), or, with no contact open, the bases of the clients whose
queues the agent is skilled for. Suggestions come from the customer's last messages; each
answer goes into the reply box with its official source and date.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from renfort.api.deps import RuntimeDep
from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError
from renfort.services import contacts_read
from renfort.services import knowledge_access as kb_access
from renfort.services.catalog import KINDS, Catalog
from renfort.services.principals import Principal
from renfort.web.pages.agent import _agent
from renfort.web.session import WebPrincipal
from renfort.web.support import check_origin, error_text
from renfort.web.templating import render

router = APIRouter(prefix="/agent", dependencies=[Depends(check_origin)])
SUGGESTION_MESSAGES = 3
"""The customer's latest messages read for suggestions: the question usually sits in the
last few, and older ones drift to other subjects."""
SUGGESTIONS = 3
RESULTS = 5


def contact_base(rt: Runtime, who: Principal, contact_id: str) -> tuple[str, list[str]]:
    """The client id of a contact the agent may see, and its customer's last messages."""
    with rt.engine.connect() as conn:
        contact = contacts_read.visible_contact(conn, who, contact_id)
        said = [m["body"] for m in contacts_read.messages(conn, who, contact_id)
                if m["author"] == "customer"]
    return str(contact["client_id"]), said[-SUGGESTION_MESSAGES:]


def skilled_bases(rt: Runtime, who: Principal, agent_id: str) -> list[str]:
    """Client ids of the queues the agent is skilled for, that the agent may read."""
    catalog = Catalog(rt.engine)
    skills = set(catalog.get(KINDS["agents"], who, agent_id)["skills"])
    clients = {q["client_id"] for q in catalog.list(KINDS["queues"], who)
               if q["skill"] in skills}
    with rt.engine.connect() as conn:
        readable = kb_access.readable_clients(conn, who)
    return sorted(c for c in clients if readable is None or c in readable)


def _search(rt: Runtime, who: Principal, bases: list[str], text: str, k: int
            ) -> list[dict[str, Any]]:
    hits: list[dict[str, Any]] = []
    for base in bases:
        hits += rt.knowledge.search(base, text, k=k, who=who).as_list()
    hits.sort(key=lambda h: -float(h["score"]))
    return hits[:k]


def _bases(rt: Runtime, who: Principal, agent_id: str, contact: str) -> list[str]:
    if contact:
        return [contact_base(rt, who, contact)[0]]
    return skilled_bases(rt, who, agent_id)


@router.get("/knowledge")
async def knowledge(request: Request, rt: RuntimeDep, who: WebPrincipal,
                    q: Annotated[str, Query(max_length=300)] = "",
                    contact: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    """Search the base of the contact's client (see the module's docstring)."""
    agent_id = _agent(who)
    hits: list[dict[str, Any]] = []
    error = None
    if q.strip():
        try:
            hits = await asyncio.to_thread(
                lambda: _search(rt, who, _bases(rt, who, agent_id, contact), q.strip(),
                                RESULTS))
        except RenfortError as failure:
            error = error_text(failure)
    return render(request, "agent/knowledge.html",
                  {"q": q, "hits": hits, "error": error, "target": "reply-body",
                   "results_id": "kb-results"})


@router.get("/knowledge/suggestions")
async def suggestions(request: Request, rt: RuntimeDep, who: WebPrincipal,
                      contact: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    """Articles of the contact's client's base matching what the customer last wrote."""
    _agent(who)

    def find() -> tuple[list[dict[str, Any]], bool]:
        base, said = contact_base(rt, who, contact)
        text = " ".join(said).strip()[:2000]
        return (_search(rt, who, [base], text, SUGGESTIONS) if text else []), bool(text)

    error = None
    hits: list[dict[str, Any]] = []
    heard = False
    try:
        hits, heard = await asyncio.to_thread(find)
    except RenfortError as failure:
        error = error_text(failure)
    return render(request, "agent/kb_suggestions.html",
                  {"hits": hits, "heard": heard, "error": error, "contact_id": contact,
                   "target": "reply-body"})
