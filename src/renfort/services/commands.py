"""The desk's commands: every change to contacts or agents' presence, as data.

A command is a frozen dataclass that checks its own fields when it is built (lengths,
characters the store can hold), so a bad input is refused before it reaches the desk and
can never fail the commit of the commands batched with it. Commands carry no behaviour:
:class:`renfort.services.desk_handlers.Handlers` runs them against the desk's memory.
They travel as plain JSON (:func:`to_wire` / :func:`from_wire`), which is what lets a
process that does not own the router hand one to the process that does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from renfort.domain.errors import ValidationError
from renfort.domain.model import Channel
from renfort.domain.text import clean_text

ID_MAX = 80
Author = Literal["customer", "agent", "system"]


def _id(value: str, field: str) -> str:
    return clean_text(value, field, max_length=ID_MAX)


def _opt(value: str | None, field: str, max_length: int) -> str | None:
    return None if value is None else clean_text(value, field, max_length=max_length)


def _set(command: Command, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(command, name, value)


def _channel(value: Channel | str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise ValidationError(f"unknown channel {value!r}", {"field": "channel"}) from None


@dataclass(frozen=True, slots=True)
class Command:
    kind: ClassVar[str] = ""
    mutates: ClassVar[bool] = True
    """False for the few commands that only read the router (they write nothing)."""


# ---------------------------------------------------------------------- contacts in


@dataclass(frozen=True, slots=True)
class ReceiveContact(Command):
    """A contact arrives from a channel; queued at once, offered if an agent is free."""

    kind: ClassVar[str] = "receive_contact"
    queue: str
    channel: Channel
    customer_ref: str
    external_ref: str | None = None
    message: str | None = None
    """The first chat line or the e-mail body, posted with the contact."""
    priority: int | None = None

    def __post_init__(self) -> None:
        _set(self, queue=_id(self.queue, "queue"), channel=_channel(self.channel),
             customer_ref=clean_text(self.customer_ref, "customer_ref", max_length=200),
             external_ref=_opt(self.external_ref, "external_ref", 200),
             message=None if self.message is None else clean_text(
                 self.message, "message", max_length=5000, multiline=True))
        if self.priority is not None and not 1 <= self.priority <= 9:
            raise ValidationError("priority must be between 1 and 9", {"field": "priority"})


@dataclass(frozen=True, slots=True)
class HandOffChat(Command):
    """The self-service hands a conversation to an agent: a chat contact with the
    conversation so far as its first messages, in one command."""

    kind: ClassVar[str] = "hand_off_chat"
    queue: str
    customer_ref: str
    history: tuple[tuple[str, str], ...]
    """``(author, body)`` with author ``customer`` or ``system``."""
    note: str

    def __post_init__(self) -> None:
        history = []
        for author, body in self.history:
            if author not in ("customer", "system"):
                raise ValidationError("history: unknown author", {"field": "history"})
            history.append((author, clean_text(body[:5000], "history", max_length=5000,
                                               multiline=True)))
        _set(self, queue=_id(self.queue, "queue"),
             customer_ref=clean_text(self.customer_ref, "customer_ref", max_length=200),
             history=tuple(history),
             note=clean_text(self.note[:5000], "note", max_length=5000, multiline=True))


@dataclass(frozen=True, slots=True)
class Abandon(Command):
    """The customer left before being answered."""

    kind: ClassVar[str] = "abandon"
    contact_id: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"))


@dataclass(frozen=True, slots=True)
class Redirect(Command):
    """The customer was sent elsewhere (the medical line…) before any agent."""

    kind: ClassVar[str] = "redirect"
    contact_id: str
    target: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             target=clean_text(self.target, "target", max_length=100))


@dataclass(frozen=True, slots=True)
class RedirectMedical(Command):
    """Send a contact to a medical line from the redirect directory: waiting, or held by
    ``agent_id`` (accepted or in wrap-up). Audited on the contact: who, where, on what triage
    label and rule, what was heard. A call with ``transfer`` asks the telephony for a warm
    transfer to ``number``."""

    kind: ClassVar[str] = "redirect_medical"
    contact_id: str
    by: str
    agent_id: str | None
    key: str
    target: str
    number: str | None
    label: str
    rule: str | None
    text: str
    transfer: bool

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             by=clean_text(self.by, "by", max_length=200),
             agent_id=_opt(self.agent_id, "agent", ID_MAX),
             key=clean_text(self.key, "key", max_length=40),
             target=clean_text(self.target, "target", max_length=100),
             number=_opt(self.number, "number", 40),
             label=clean_text(self.label, "label", max_length=40),
             rule=_opt(self.rule, "rule", 80),
             text=clean_text(self.text[:2000], "text", max_length=2000, multiline=True))


@dataclass(frozen=True, slots=True)
class TriageNote(Command):
    """A medical signal on a contact an agent already holds: the citizen's message and a
    note reach the conversation, the agent is alerted on their desktop, and the contact's
    history keeps the notice with what the citizen was given (the directory entry's
    ``entry_label`` and ``numbers``, each ``(label, number, kind)``)."""

    kind: ClassVar[str] = "triage_note"
    contact_id: str
    key: str
    target: str
    label: str
    rule: str | None
    text: str
    note: str
    entry_label: str = ""
    numbers: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if len(self.numbers) > 5:
            raise ValidationError("numbers: at most 5", {"field": "numbers"})
        numbers = []
        for item in self.numbers:
            if len(item) != 3 or item[2] not in ("tel", "sms"):
                raise ValidationError("each number is (label, number, tel|sms)",
                                      {"field": "numbers"})
            numbers.append((clean_text(item[0], "numbers", max_length=120),
                            clean_text(item[1], "numbers", max_length=20), item[2]))
        _set(self, contact_id=_id(self.contact_id, "contact"),
             key=clean_text(self.key, "key", max_length=40),
             target=clean_text(self.target, "target", max_length=100),
             label=clean_text(self.label, "label", max_length=40),
             rule=_opt(self.rule, "rule", 80),
             text=clean_text(self.text[:2000], "text", max_length=2000, multiline=True),
             note=clean_text(self.note[:5000], "note", max_length=5000, multiline=True),
             entry_label=clean_text(self.entry_label[:120], "entry_label", max_length=120,
                                    min_length=0),
             numbers=tuple(numbers))


@dataclass(frozen=True, slots=True)
class RequestCallback(Command):
    """The caller leaves a number and hangs up; the contact keeps its place."""

    kind: ClassVar[str] = "request_callback"
    contact_id: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"))


# ---------------------------------------------------------------------- agents on contacts


@dataclass(frozen=True, slots=True)
class _AgentOnContact(Command):
    contact_id: str
    agent_id: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             agent_id=_id(self.agent_id, "agent"))


@dataclass(frozen=True, slots=True)
class Accept(_AgentOnContact):
    kind: ClassVar[str] = "accept"


@dataclass(frozen=True, slots=True)
class Decline(_AgentOnContact):
    kind: ClassVar[str] = "decline"


@dataclass(frozen=True, slots=True)
class End(Command):
    """The conversation is over; ``agent_id`` None when the channel says so (hang-up)."""

    kind: ClassVar[str] = "end"
    contact_id: str
    agent_id: str | None = None

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             agent_id=_opt(self.agent_id, "agent", ID_MAX))


@dataclass(frozen=True, slots=True)
class WrapUp(Command):
    kind: ClassVar[str] = "wrap_up"
    contact_id: str
    agent_id: str
    disposition: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             agent_id=_id(self.agent_id, "agent"),
             disposition=clean_text(self.disposition, "disposition", max_length=100))


@dataclass(frozen=True, slots=True)
class Transfer(Command):
    kind: ClassVar[str] = "transfer"
    contact_id: str
    agent_id: str
    queue: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             agent_id=_id(self.agent_id, "agent"), queue=_id(self.queue, "queue"))


@dataclass(frozen=True, slots=True)
class PostMessage(Command):
    kind: ClassVar[str] = "post_message"
    contact_id: str
    author: Author
    author_id: str | None
    body: str

    def __post_init__(self) -> None:
        if self.author not in ("customer", "agent", "system"):
            raise ValidationError("unknown author", {"field": "author"})
        _set(self, contact_id=_id(self.contact_id, "contact"),
             author_id=_opt(self.author_id, "author_id", ID_MAX),
             body=clean_text(self.body, "body", max_length=5000, multiline=True))


# ---------------------------------------------------------------------- presence


@dataclass(frozen=True, slots=True)
class _AgentCommand(Command):
    agent_id: str

    def __post_init__(self) -> None:
        _set(self, agent_id=_id(self.agent_id, "agent"))


@dataclass(frozen=True, slots=True)
class LogIn(_AgentCommand):
    kind: ClassVar[str] = "log_in"


@dataclass(frozen=True, slots=True)
class LogOut(_AgentCommand):
    kind: ClassVar[str] = "log_out"


@dataclass(frozen=True, slots=True)
class SetAvailable(_AgentCommand):
    kind: ClassVar[str] = "set_available"


@dataclass(frozen=True, slots=True)
class SetBreak(Command):
    kind: ClassVar[str] = "set_break"
    agent_id: str
    reason: str

    def __post_init__(self) -> None:
        _set(self, agent_id=_id(self.agent_id, "agent"),
             reason=clean_text(self.reason, "reason", max_length=200))


# ---------------------------------------------------------------------- telephony


@dataclass(frozen=True, slots=True)
class _Call(Command):
    call_id: str
    client_id: str | None
    """The integration's client, when its key is bound to one: other calls are unknown."""

    def __post_init__(self) -> None:
        _set(self, call_id=clean_text(self.call_id, "call_id", max_length=200),
             client_id=_opt(self.client_id, "client", ID_MAX))


@dataclass(frozen=True, slots=True)
class CallArrived(Command):
    kind: ClassVar[str] = "call_arrived"
    call_id: str
    client_id: str | None
    queue: str
    caller: str

    def __post_init__(self) -> None:
        _set(self, call_id=clean_text(self.call_id, "call_id", max_length=200),
             client_id=_opt(self.client_id, "client", ID_MAX), queue=_id(self.queue, "queue"),
             caller=clean_text(self.caller, "caller", max_length=200))


@dataclass(frozen=True, slots=True)
class CallAnswered(_Call):
    kind: ClassVar[str] = "call_answered"
    agent: str | None = None

    def __post_init__(self) -> None:
        _Call.__post_init__(self)
        _set(self, agent=_opt(self.agent, "agent", ID_MAX))


@dataclass(frozen=True, slots=True)
class CallHungUp(_Call):
    kind: ClassVar[str] = "call_hung_up"


# ---------------------------------------------------------------------- callbacks


@dataclass(frozen=True, slots=True)
class ScheduleCallback(Command):
    """A citizen asks to be called back at ``number``, as soon as possible or within a
    window (instants in seconds); on ``queue``, or the client's callback queue."""

    kind: ClassVar[str] = "schedule_callback"
    client_id: str | None
    queue: str | None
    number: str
    origin: str
    source_ref: str | None = None
    window_start: float | None = None
    window_end: float | None = None

    def __post_init__(self) -> None:
        if self.origin not in ("chat", "phone", "staff"):
            raise ValidationError("unknown origin", {"field": "origin"})
        for name in ("window_start", "window_end"):
            value = getattr(self, name)
            if value is not None and not 946_684_800.0 <= float(value) <= 4_133_980_799.0:
                raise ValidationError(f"{name}: an instant between 2000 and 2100",
                                      {"field": name})
        _set(self, client_id=_opt(self.client_id, "client", ID_MAX),
             queue=_opt(self.queue, "queue", ID_MAX),
             number=clean_text(self.number, "number", max_length=40),
             source_ref=_opt(self.source_ref, "source_ref", 200))


@dataclass(frozen=True, slots=True)
class CallbackFailed(Command):
    """The telephony reports that a callback's call was not answered (or was busy)."""

    kind: ClassVar[str] = "callback_failed"
    call_id: str
    client_id: str | None
    outcome: str

    def __post_init__(self) -> None:
        if self.outcome not in ("no_answer", "busy"):
            raise ValidationError("outcome: no_answer or busy", {"field": "event"})
        _set(self, call_id=clean_text(self.call_id, "call_id", max_length=200),
             client_id=_opt(self.client_id, "client", ID_MAX))


# ---------------------------------------------------------------------- the desk itself


@dataclass(frozen=True, slots=True)
class ReloadConfig(Command):
    """Queues, contracts, waivers, agents or home set-ups changed in the store."""

    kind: ClassVar[str] = "reload_config"


@dataclass(frozen=True, slots=True)
class Tick(Command):
    """Time alone changed something: offers to expire, waivers starting or ending."""

    kind: ClassVar[str] = "tick"


@dataclass(frozen=True, slots=True)
class Announce(Command):
    """Live events that are not the desk's own (a check-in, a safety flag): numbered and sent
    to every process with the desk's. ``events`` in their wire form."""

    kind: ClassVar[str] = "announce"
    mutates: ClassVar[bool] = False
    events: tuple[dict[str, Any], ...]

    def __post_init__(self) -> None:
        _set(self, events=tuple(dict(e) for e in self.events))


@dataclass(frozen=True, slots=True)
class Explain(Command):
    """Why an agent is or is not eligible for a live contact now (a read)."""

    kind: ClassVar[str] = "explain"
    mutates: ClassVar[bool] = False
    contact_id: str
    agent_id: str

    def __post_init__(self) -> None:
        _set(self, contact_id=_id(self.contact_id, "contact"),
             agent_id=_id(self.agent_id, "agent"))


COMMANDS: dict[str, type[Command]] = {
    cls.kind: cls for cls in (
        ReceiveContact, HandOffChat, Abandon, Redirect, RedirectMedical, TriageNote,
        RequestCallback, Accept, Decline, End,
        WrapUp, Transfer, PostMessage, LogIn, LogOut, SetAvailable, SetBreak, CallArrived,
        CallAnswered, CallHungUp, ScheduleCallback, CallbackFailed, ReloadConfig, Tick,
        Announce, Explain)
}


def to_wire(command: Command) -> dict[str, Any]:
    """The command as JSON-ready data, ``kind`` first."""
    data: dict[str, Any] = {"kind": command.kind}
    for field in dataclasses.fields(command):
        value = getattr(command, field.name)
        if isinstance(value, tuple):
            value = [list(v) if isinstance(v, tuple) else v for v in value]
        data[field.name] = str(value) if isinstance(value, Channel) else value
    return data


def from_wire(data: dict[str, Any]) -> Command:
    """The command :func:`to_wire` wrote; its fields are checked again."""
    cls = COMMANDS.get(str(data.get("kind")))
    if cls is None:
        raise ValidationError("unknown command", {"field": "kind"})
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    try:
        for name in ("history", "numbers"):
            if isinstance(values.get(name), list):
                values[name] = tuple(tuple(item) for item in values[name])
        return cls(**values)
    except TypeError as error:
        raise ValidationError(f"malformed {cls.kind} command", {"field": "kind"}) from error
