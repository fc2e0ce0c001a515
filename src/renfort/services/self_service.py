"""The citizens' self-service chat: answer, send elsewhere, or hand off to an agent.

Each message is triaged first (the decision is stored with its reason), then the policy of
:mod:`renfort.knowledge.policy` decides. A hand-off creates a chat Contact through the live
desk, in the right queue of the client, and posts the conversation so far as its first
messages, in the same committed command; later messages of the citizen go to that contact.
A medical question is never queued to a non-medical agent: if it comes after a hand-off
while the contact still waits, the contact is redirected. Every decided turn leaves an
outcome row (self-served, handed off, redirected) for reporting.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, update

from renfort.domain.clock import Clock, to_iso
from renfort.domain.contacts import WAITING_STATES
from renfort.domain.errors import NotFoundError, ValidationError
from renfort.domain.ids import new_id
from renfort.domain.text import clean_text
from renfort.knowledge import policy
from renfort.knowledge.articles import category_key
from renfort.knowledge.redirects import Entry, key_for
from renfort.knowledge.triage import Decision, Label
from renfort.services import commands as c
from renfort.services import knowledge_access as access
from renfort.services.desk import Desk
from renfort.services.desk_view import ContactView
from renfort.services.knowledge_search import KnowledgeBases
from renfort.services.principals import Principal
from renfort.services.safety import RedirectDirectory, SafetyFlags
from renfort.store import knowledge_tables as k
from renfort.store import tables as t

HANDOFF_QUEUES = {"deplacements": "travel", "attestations": "travel", "transports": "travel",
                  "voyages": "travel", "entreprises": "business", "travail": "business"}
"""Article category → word looked for in the slug of the client's chat queues."""
OPEN, HANDED_OFF = "open", "handed_off"
SELF_SERVICE_ORIGIN, HELD_ORIGIN = "self_service", "held_contact"
"""Origins of the assistant's flags: a citizen still with the assistant (or waiting), or one
an agent is already talking to (the agent was alerted on their desktop)."""
_NOTE_TITLES = {"medical_urgent": "URGENCE MÉDICALE", "suicide": "IDÉES SUICIDAIRES",
                "medical": "QUESTION MÉDICALE PERSONNELLE",
                "psychological": "DÉTRESSE PSYCHOLOGIQUE"}
Data = dict[str, Any]


@dataclass(frozen=True)
class _Conversation:
    id: str
    client_id: str
    customer_ref: str
    state: str
    contact_id: str | None


class SelfService:
    """Conversations of the public chat; one call per citizen message."""

    def __init__(self, engine: Engine, clock: Clock, bases: KnowledgeBases,
                 desk: Desk, directory: RedirectDirectory, flags: SafetyFlags) -> None:
        self._engine = engine
        self._clock = clock
        self._bases = bases
        self._desk = desk
        self._directory = directory
        self._flags = flags

    # ------------------------------------------------------------------ entry points

    async def start(self, client: str, message: str) -> Data:
        """Open a conversation with its first message, for a public client only.

        The citizen is anonymous: the contact an agent may receive carries a pseudonym drawn
        at random (``chat-`` and 10 hex digits), never a reference the caller chose, which
        an agent would take for a verified identity.
        """
        _check_message(message)

        def create() -> _Conversation:
            with self._engine.begin() as conn:
                client_id = access.public_client_id(conn, client)
                conversation_id = new_id()
                now = self._clock.now()
                ref = f"chat-{new_id()[:10]}"
                conn.execute(insert(k.kb_conversations).values(
                    id=conversation_id, client_id=client_id, customer_ref=ref, state=OPEN,
                    contact_id=None, started_at=now, updated_at=now))
                return _Conversation(conversation_id, client_id, ref, OPEN, None)

        conversation = await asyncio.to_thread(create)
        return await self._turn(conversation, message)

    async def say(self, conversation_id: str, message: str) -> Data:
        """The citizen's next message."""
        _check_message(message)
        conversation = await asyncio.to_thread(self._load, conversation_id)
        return await self._turn(conversation, message)

    async def ask_agent(self, conversation_id: str) -> Data:
        """The citizen pressed "talk to an agent"."""
        conversation = await asyncio.to_thread(self._load, conversation_id)
        if conversation.state == HANDED_OFF and self._live(conversation) is not None:
            return {"conversation_id": conversation.id, "action": "handoff",
                    "contact_id": conversation.contact_id,
                    "message": "Un conseiller va vous répondre."}
        plan = policy.Plan("handoff", "la personne a demandé un conseiller")
        return await self._handoff(conversation, plan, None, None)

    def transcript(self, conversation_id: str) -> Data:
        conversation = self._load(conversation_id)
        with self._engine.connect() as conn:
            turns = conn.execute(select(k.kb_turns)
                                 .where(k.kb_turns.c.conversation_id == conversation_id)
                                 .order_by(k.kb_turns.c.id)).mappings().all()
        return {"conversation_id": conversation.id, "state": conversation.state,
                "contact_id": conversation.contact_id,
                "turns": [{"author": r["author"], "body": r["body"], "at": to_iso(r["at"])}
                          for r in turns]}

    def report(self, who: Principal, client: str) -> Data:
        """Counts of outcomes and triage labels of a client's self-service."""
        with self._engine.connect() as conn:
            client_id = access.readable_base(conn, who, client)
            rows = conn.execute(
                select(k.kb_outcomes.c.outcome, k.kb_outcomes.c.triage_label, func.count())
                .where(k.kb_outcomes.c.client_id == client_id)
                .group_by(k.kb_outcomes.c.outcome, k.kb_outcomes.c.triage_label)).all()
        outcomes = {str(o): 0 for o in policy.Outcome}
        labels: dict[str, int] = {}
        for outcome, label, count in rows:
            outcomes[outcome] = outcomes.get(outcome, 0) + int(count)
            labels[label] = labels.get(label, 0) + int(count)
        return {"outcomes": outcomes, "triage": labels, "total": sum(outcomes.values())}

    # ------------------------------------------------------------------ one turn

    def _load(self, conversation_id: str) -> _Conversation:
        with self._engine.connect() as conn:
            row = conn.execute(select(k.kb_conversations)
                               .where(k.kb_conversations.c.id == conversation_id)
                               ).mappings().first()
        if row is None:
            raise NotFoundError("unknown conversation", {"conversation": conversation_id},
                                reason="conversation-unknown")
        return _Conversation(row["id"], row["client_id"], row["customer_ref"], row["state"],
                             row["contact_id"])

    def _live(self, conversation: _Conversation) -> ContactView | None:
        if conversation.contact_id is None:
            return None
        return self._desk.live_contact(conversation.contact_id)

    async def _turn(self, conversation: _Conversation, message: str) -> Data:
        decision = await asyncio.to_thread(self._triage, conversation, message)
        contact = self._live(conversation) if conversation.state == HANDED_OFF else None
        if contact is not None:
            return await self._relay(conversation, contact, message, decision)
        if not decision.redirected and policy.is_greeting(message):
            # nothing to answer or pass on yet: greet back, wait for the question
            await asyncio.to_thread(self._append, conversation, [
                ("customer", message, None),
                ("assistant", policy.GREETING_REPLY, {"action": "greet"})])
            return {"conversation_id": conversation.id, "action": "greet",
                    "message": policy.GREETING_REPLY,
                    "triage": {"label": str(decision.label)}}
        found = None
        if not decision.redirected:
            found = await asyncio.to_thread(self._bases.search, conversation.client_id, message,
                                            k=3, public_only=True)
        entries = await asyncio.to_thread(self._directory.entries, conversation.client_id)
        plan = policy.decide(message, decision, found.result if found else None,
                             entries=entries)
        if plan.action == "handoff":
            return await self._handoff(conversation, plan, decision, message)
        if plan.action == "redirect":
            assert plan.redirect is not None
            reply: Data = redirect_reply(plan.redirect)
        else:
            assert found is not None
            version = found.versions[0]
            content = version.content
            text = policy.answer_text(version, decision.label is Label.HEALTH_INFO)
            reply = {"action": "answer", "message": text, "confidence": plan.confidence,
                     "offer_agent": True,
                     "article": {"id": version.ref, "version": version.number,
                                 "question": content.question, "source": content.source_body,
                                 "source_url": content.source_url,
                                 "source_date": content.source_date.isoformat()}}
        await asyncio.to_thread(self._record, conversation, message, reply, plan, decision,
                                None, None, None)
        return {"conversation_id": conversation.id, **reply,
                "triage": {"label": str(decision.label)}}

    def _triage(self, conversation: _Conversation, message: str) -> Decision:
        with self._engine.begin() as conn:
            return self._bases.triage_recorded(conn, message, origin="self_service",
                                               client_id=conversation.client_id,
                                               conversation_id=conversation.id)

    async def _relay(self, conversation: _Conversation, contact: ContactView, message: str,
                     decision: Decision) -> Data:
        """After a hand-off: to the agent, unless it is medical (then redirected)."""
        if decision.redirected:
            entries = await asyncio.to_thread(self._directory.entries, conversation.client_id)
            redirect = policy.redirect_for(decision, entries)
            assert redirect is not None
            if contact.state in WAITING_STATES:
                await self._desk.execute(c.RedirectMedical(
                    contact.id, "assistant", None, redirect.key, redirect.target,
                    redirect.numbers[0].number, str(decision.label), decision.rule, message,
                    False))
            else:
                await self._desk.execute(c.TriageNote(
                    contact.id, redirect.key, redirect.target, str(decision.label),
                    decision.rule, message, agent_note(redirect), redirect.label,
                    tuple((n.label, n.number, n.kind) for n in redirect.numbers)))
            plan = policy.Plan("redirect", f"triage {decision.label}", redirect=redirect)
            reply: Data = redirect_reply(redirect)
            held = contact.state not in WAITING_STATES
            await asyncio.to_thread(self._record, conversation, message, reply, plan, decision,
                                    contact.id, contact.queue_id, redirect.target,
                                    HELD_ORIGIN if held else SELF_SERVICE_ORIGIN)
            return {"conversation_id": conversation.id, **reply,
                    "triage": {"label": str(decision.label)}}
        await self._desk.execute(c.PostMessage(contact.id, "customer", None, message))
        await asyncio.to_thread(self._append, conversation, [("customer", message, None)])
        return {"conversation_id": conversation.id, "action": "handoff",
                "contact_id": contact.id, "message": "Message transmis au conseiller.",
                "triage": {"label": str(decision.label)}}

    async def _handoff(self, conversation: _Conversation, plan: policy.Plan,
                       decision: Decision | None, message: str | None) -> Data:
        queue = await asyncio.to_thread(self._queue_for, conversation, plan)
        history = await asyncio.to_thread(self._history, conversation)
        if message is not None:
            history.append(("customer", message))
        note = f"Transmis par l'assistant en ligne : {plan.reason}."

        contact: ContactView = await self._desk.execute(c.HandOffChat(
            queue, conversation.customer_ref,
            tuple(("customer" if author == "customer" else "system", body)
                  for author, body in history), note))
        slug = self._desk.queue(contact.queue_id).slug
        reply: Data = {"action": "handoff", "contact_id": contact.id, "queue": slug,
                       "message": "Un conseiller va prendre la suite de cette conversation."}
        label = decision or Decision(Label.NON_MEDICAL, "asked for an agent", None)
        await asyncio.to_thread(self._record, conversation, message, reply, plan, label,
                                contact.id, contact.queue_id, None)
        return {"conversation_id": conversation.id, **reply,
                "triage": {"label": str(label.label)}}

    def _queue_for(self, conversation: _Conversation, plan: policy.Plan) -> str:
        """The client's chat queue for this topic (hotline: travel, business or general)."""
        with self._engine.connect() as conn:
            # Only the public chat queues of a client that is still public.
            rows = conn.execute(select(t.queues.c.id, t.queues.c.slug, t.queues.c.channels)
                                .join(t.clients, t.clients.c.id == t.queues.c.client_id)
                                .where(t.queues.c.client_id == conversation.client_id)
                                .where(t.queues.c.public.is_(True))
                                .where(t.clients.c.public.is_(True))
                                .order_by(t.queues.c.slug)).all()
            category = None
            if plan.ref is not None:
                category = self._category(conversation.client_id, plan.ref)
        chat = [(qid, slug) for qid, slug, channels in rows if "chat" in channels]
        if not chat:
            raise ValidationError("this client has no public chat queue for a hand-off",
                                  {"field": "client"}, reason="no-public-queue")
        wanted = HANDOFF_QUEUES.get(category_key(category or ""), "general")
        for qid, slug in chat:
            if wanted in slug:
                return str(qid)
        general = [qid for qid, slug in chat if "general" in slug]
        return str(general[0] if general else chat[0][0])

    def _category(self, client_id: str, ref: str) -> str | None:
        with self._engine.connect() as conn:
            return conn.execute(
                select(k.kb_versions.c.category)
                .join(k.kb_articles, k.kb_articles.c.id == k.kb_versions.c.article_id)
                .where(k.kb_articles.c.client_id == client_id)
                .where(k.kb_articles.c.ref == ref)
                .order_by(k.kb_versions.c.number.desc()).limit(1)).scalar_one_or_none()

    def _history(self, conversation: _Conversation) -> list[tuple[str, str]]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(k.kb_turns.c.author, k.kb_turns.c.body)
                                .where(k.kb_turns.c.conversation_id == conversation.id)
                                .order_by(k.kb_turns.c.id)).all()
        return [(str(a), str(b)) for a, b in rows]

    def _append(self, conversation: _Conversation,
                turns: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        now = self._clock.now()
        with self._engine.begin() as conn:
            conn.execute(insert(k.kb_turns), [
                {"conversation_id": conversation.id, "at": now, "author": author,
                 "body": body, "data": data} for author, body, data in turns])
            conn.execute(update(k.kb_conversations)
                         .where(k.kb_conversations.c.id == conversation.id)
                         .values(updated_at=now))

    def _record(self, conversation: _Conversation, message: str | None, reply: Data,
                plan: policy.Plan, decision: Decision, contact_id: str | None,
                queue_id: str | None, target: str | None,
                origin: str = "self_service") -> None:
        now = self._clock.now()
        turns: list[Data] = []
        if message is not None:
            turns.append({"conversation_id": conversation.id, "at": now,
                          "author": "customer", "body": message, "data": None})
        turns.append({"conversation_id": conversation.id, "at": now, "author": "assistant",
                      "body": reply["message"],
                      "data": {"action": reply["action"], "reason": plan.reason}})
        values: Data = {"updated_at": now}
        if plan.action == "handoff" and contact_id is not None:
            values.update(state=HANDED_OFF, contact_id=contact_id)
        elif conversation.state == HANDED_OFF and plan.action != "redirect":
            values.update(state=OPEN)
        flagged = None
        with self._engine.begin() as conn:
            conn.execute(insert(k.kb_turns), turns)
            conn.execute(update(k.kb_conversations)
                         .where(k.kb_conversations.c.id == conversation.id).values(**values))
            key = key_for(str(decision.label), decision.rule)
            if plan.action == "redirect" and key is not None:
                flagged = self._flags.raise_flag(
                    conn, client_id=conversation.client_id, origin=origin,
                    raised_by="assistant", key=key, label=str(decision.label),
                    rule=decision.rule, text=message or "", conversation_id=conversation.id,
                    contact_id=contact_id)
            conn.execute(insert(k.kb_outcomes).values(
                conversation_id=conversation.id, client_id=conversation.client_id, at=now,
                outcome=str(plan.outcome), triage_label=str(decision.label),
                article_ref=plan.ref, version=plan.number,
                confidence=plan.confidence or None, contact_id=contact_id,
                queue_id=queue_id, target=plan.redirect.target if plan.redirect else target))
        if flagged is not None:
            self._flags.publish(flagged)


def redirect_reply(entry: Entry) -> Data:
    """A redirect as the citizen gets it: the entry's message (for danger, it starts with
    the number to call and says nothing else), and the numbers as tap-to-call links."""
    return {"action": "redirect", "message": entry.message,
            "redirect": {"target": entry.target, "key": entry.key, "label": entry.label,
                         "urgent": entry.urgent, "hours": entry.hours,
                         "numbers": [n.as_dict() for n in entry.numbers],
                         "version": entry.version}}


def agent_note(entry: Entry) -> str:
    """The line the agent reads in the conversation when the citizen they are talking to
    wrote something the line must not answer (their desktop also shows an alert)."""
    given = ", ".join(f"{n.label} : {n.number}" for n in entry.numbers)
    return (f"⚠ {_NOTE_TITLES.get(entry.key, 'ORIENTATION')} — la personne vient d'écrire un "
            f"message qui ne relève pas de cette ligne. L'assistant lui a donné : {given} "
            f"({entry.label}). Orientez-la sans attendre : bouton « Orienter » de l'alerte.")


def _check_message(message: str) -> None:
    clean_text(message, "message", max_length=2000, multiline=True)
