"""Knowledge base: search, triage, articles with versions, and the public self-service chat.

Everything under ``/kb`` needs a login and stays within the caller's tenant (see
``services/knowledge_access.py``). ``/self-service`` is public: it only ever reads public
articles in force, and a conversation is reached by its unguessable id.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response, status
from pydantic import Field

from renfort.api.deps import PrincipalDep, PublicChatQuota, RuntimeDep
from renfort.api.schemas import Body, Day, Instant
from renfort.knowledge import policy
from renfort.knowledge.articles import HOTLINE_BASE
from renfort.services import knowledge_access as access
from renfort.services.briefings import BriefingService

router = APIRouter(tags=["knowledge"])
Client = Annotated[str, Query(max_length=80, description="client slug (default: yours, "
                                                          "else the hotline)")]
Number = Annotated[int, Path(ge=1, le=1_000_000, description="version number")]


class ContentIn(Body):
    question: str = Field(min_length=3, max_length=500)
    alternatives: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=50)
    answer: str = Field(min_length=1, max_length=20_000)
    category: str = Field(min_length=1, max_length=60)
    lang: Literal["fr", "en"] = "fr"
    source: str = Field(min_length=2, max_length=200)
    source_url: str | None = Field(default=None, max_length=500)
    source_date: Day
    audience: Literal["public", "agents_only"] = "public"
    tags: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list,
                                                             max_length=30)

    def data(self) -> dict[str, Any]:
        out = self.model_dump(exclude={"id", "publish", "valid_from", "valid_to"})
        out["source_date"] = self.source_date.isoformat()
        return out


class ArticleIn(ContentIn):
    id: str = Field(min_length=1, max_length=120)
    publish: bool = False
    valid_from: Instant | None = None
    valid_to: Instant | None = None


class PublishIn(Body):
    valid_from: Instant | None = None
    valid_to: Instant | None = None
    briefing_required: bool = Field(
        default=False, description="agents of the topic's queues must acknowledge the "
        "change before taking its contacts")


class TriageIn(Body):
    question: str = Field(min_length=1, max_length=2000)
    client: str | None = Field(default=None, max_length=80)


class ConversationIn(Body):
    message: str = Field(min_length=1, max_length=2000)
    client: str = Field(default=HOTLINE_BASE, max_length=80,
                        description="a client open to the public self-service chat")


class SayIn(Body):
    message: str = Field(min_length=1, max_length=2000)


# ---------------------------------------------------------------------- search and triage

@router.get("/kb/search")
def search(rt: RuntimeDep, who: PrincipalDep,
           q: Annotated[str, Query(min_length=1, max_length=2000)],
           k: Annotated[int, Query(ge=1, le=50)] = 5,
           client: Client | None = None,
           public_only: bool = False) -> dict[str, Any]:
    """The best articles in force for a question as typed, with the version that matched."""
    with rt.engine.connect() as conn:
        base = client or access.default_base(conn, who)
    found = rt.knowledge.search(base, q, k=k, public_only=public_only, who=who)
    return {"query": q, "lang": found.result.lang,
            "corrections": [{"typed": a, "read": b} for a, b in found.result.corrections],
            "results": found.as_list()}


@router.post("/kb/triage")
def triage(body: TriageIn, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Medical scope guard (agents run it on what they hear); the decision is stored with
    its reason, and comes with the client's redirect entry (numbers, message)."""
    with rt.engine.begin() as conn:
        client_id = access.readable_base(conn, who, body.client) if body.client else None
        decision = rt.knowledge.bases.triage_recorded(
            conn, body.question, origin="api", client_id=client_id, asked_by=who.username)
        base = client_id or access.client_id_of(conn, HOTLINE_BASE)
        entry = policy.redirect_for(decision, rt.directory.entries(base, conn))
    return {"label": str(decision.label), "reason": decision.reason, "rule": decision.rule,
            "redirected": decision.redirected, "probabilities": dict(decision.probabilities),
            "clause": decision.clause, "redirect": entry.as_dict() if entry else None}


# ---------------------------------------------------------------------- articles

@router.get("/kb/{client}/articles")
def list_articles(client: str, rt: RuntimeDep, who: PrincipalDep) -> list[dict[str, Any]]:
    """Articles of a base: those in force for readers; all, with history, for editors."""
    return rt.knowledge.list_articles(who, client)


@router.post("/kb/{client}/articles", status_code=status.HTTP_201_CREATED)
def create_article(client: str, body: ArticleIn, rt: RuntimeDep, who: PrincipalDep,
                   response: Response) -> dict[str, Any]:
    """A new article (version 1: a draft, or published at once with ``publish``)."""
    out = rt.knowledge.create(who, client, body.id, body.data(), publish=body.publish,
                              valid_from=body.valid_from, valid_to=body.valid_to)
    response.headers["Location"] = f"/api/v1/kb/{client}/articles/{body.id}"
    return out


@router.get("/kb/{client}/articles/{ref}")
def get_article(client: str, ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    return rt.knowledge.get(who, client, ref)


@router.put("/kb/{client}/articles/{ref}", status_code=status.HTTP_201_CREATED)
def edit_article(client: str, ref: str, body: ContentIn, rt: RuntimeDep,
                 who: PrincipalDep) -> dict[str, Any]:
    """Every edit makes a new draft version; publish it to put it in force."""
    return rt.knowledge.edit(who, client, ref, body.data())


@router.get("/kb/{client}/articles/{ref}/versions")
def versions(client: str, ref: str, rt: RuntimeDep,
             who: PrincipalDep) -> list[dict[str, Any]]:
    """The whole history (editors and the client's viewers)."""
    return rt.knowledge.history(who, client, ref)


@router.get("/kb/{client}/articles/{ref}/versions/{number}")
def version(client: str, ref: str, number: Number, rt: RuntimeDep,
            who: PrincipalDep) -> dict[str, Any]:
    return rt.knowledge.version(who, client, ref, number)


@router.get("/kb/{client}/articles/{ref}/diff")
def diff(client: str, ref: str, rt: RuntimeDep, who: PrincipalDep,
         old: Annotated[int, Query(alias="from", ge=1, le=1_000_000)],
         new: Annotated[int, Query(alias="to", ge=1, le=1_000_000)]) -> dict[str, Any]:
    """Unified diff between two versions."""
    return rt.knowledge.diff(who, client, ref, old, new)


@router.post("/kb/{client}/articles/{ref}/versions/{number}/publish")
async def publish(client: str, ref: str, number: Number, rt: RuntimeDep, who: PrincipalDep,
                  body: PublishIn | None = None) -> dict[str, Any]:
    """Put a draft in force from ``valid_from`` (default now); it supersedes the previous
    version at that instant, for agents and self-service alike. With ``briefing_required``
    the agents of the topic's queues get a briefing to acknowledge first."""
    window = body or PublishIn()
    published: dict[str, Any] = await asyncio.to_thread(
        rt.knowledge.publish, who, client, ref, number, valid_from=window.valid_from,
        valid_to=window.valid_to)
    if window.briefing_required:
        published["briefing"] = await BriefingService(rt.engine, rt.clock, rt.desk).require(
            who, client, ref, number)
    return published


@router.post("/kb/{client}/articles/{ref}/archive")
def archive(client: str, ref: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Withdraw the article from search and self-service (its history stays)."""
    return rt.knowledge.archive(who, client, ref)


@router.get("/kb/{client}/self-service/report")
def report(client: str, rt: RuntimeDep, who: PrincipalDep) -> dict[str, Any]:
    """Self-served, handed-off and redirected turns of the client's public chat."""
    return rt.self_service.report(who, client)


# ---------------------------------------------------------------------- public self-service

@router.post("/self-service/conversations", status_code=status.HTTP_201_CREATED,
             dependencies=[PublicChatQuota])
async def start_conversation(body: ConversationIn, rt: RuntimeDep) -> dict[str, Any]:
    """PUBLIC. A citizen's first message: an answer with its source and date, a redirect
    (medical, urgent, psychological), or a hand-off to an agent (the contact's id)."""
    return await rt.self_service.start(body.client, body.message)


@router.post("/self-service/conversations/{conversation_id}/messages",
             dependencies=[PublicChatQuota])
async def say(conversation_id: str, body: SayIn, rt: RuntimeDep) -> dict[str, Any]:
    """PUBLIC. The citizen's next message (after a hand-off it goes to the agent)."""
    return await rt.self_service.say(conversation_id, body.message)


@router.post("/self-service/conversations/{conversation_id}/agent",
             dependencies=[PublicChatQuota])
async def ask_agent(conversation_id: str, rt: RuntimeDep) -> dict[str, Any]:
    """PUBLIC. "Talk to an agent": hands the conversation so far to a human."""
    return await rt.self_service.ask_agent(conversation_id)


@router.get("/self-service/conversations/{conversation_id}")
async def transcript(conversation_id: str, rt: RuntimeDep) -> dict[str, Any]:
    """PUBLIC. The conversation so far."""
    return await asyncio.to_thread(rt.self_service.transcript, conversation_id)
