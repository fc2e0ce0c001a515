"""Request bodies. Pydantic checks shapes and bounds; the domain checks the rules.

Every field is bounded here, at the edge (lengths, identifiers' characters, instants
between 2000 and 2100, finite numbers): a value accepted once is read back by other
tenants' pages and reports, and a refused request must change nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from renfort.domain import bounds
from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace
from renfort.domain.text import text_problem
from renfort.services.principals import Role


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema with its ``$defs`` inlined, for ``openapi_extra``: there a
    ``#/$defs/…`` reference would point at the root of the OpenAPI document and dangle."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    result: dict[str, Any] = inline(schema)
    return result


def _storable(value: Any, where: str) -> None:
    """Refuse, at the edge, text the store cannot hold (a NUL byte, control characters)."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is not None:
            raise ValueError(f"{where}: {problem}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, where)
            _storable(item, where)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _storable(item, where)


def _in_range(moment: datetime) -> datetime:
    problem = bounds.instant_problem(moment)
    if problem:
        raise ValueError(problem)
    return moment


def _day_in_range(day: date) -> date:
    problem = bounds.day_problem(day)
    if problem:
        raise ValueError(problem)
    return day


Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
"""A timezone-aware instant between 2000-01-01 and 2100-12-31."""
AnyInstant = Annotated[datetime, AfterValidator(_in_range)]
"""The same, naive accepted (read as UTC): what telephony platforms send."""
Day = Annotated[date, AfterValidator(_day_in_range)]
EntityId = Annotated[str, StringConstraints(pattern=bounds.ID_PATTERN)]
"""An identifier the caller chooses for a new entity."""
Ref = Annotated[str, StringConstraints(min_length=1, max_length=bounds.MAX_ID,
                                       pattern=bounds.ID_PATTERN)]
"""An entity named by its id or its slug."""
Slug = Annotated[str, StringConstraints(pattern=bounds.SLUG_PATTERN)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Skill = Annotated[str, StringConstraints(pattern=bounds.SKILL_PATTERN)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]
Username = Annotated[str, StringConstraints(pattern=bounds.USERNAME_PATTERN)]
Delay = Annotated[float, Field(gt=0, le=bounds.MAX_DURATION_SECONDS)]
"""Seconds, finite, up to 30 days."""
Threshold = Annotated[float, Field(ge=0, le=bounds.MAX_DURATION_SECONDS)]
QueueRefs = Annotated[list[Ref], Field(min_length=1,
                                        max_length=bounds.MAX_QUEUES_PER_REFERENCE)]


class Body(BaseModel):
    # No infinity or NaN anywhere (JSON's 1e999 parses as infinity).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="after")
    def _only_storable_text(self) -> Body:
        for name in type(self).model_fields:
            _storable(getattr(self, name), name)
        return self


class OutsourcerIn(Body):
    id: EntityId | None = None
    slug: Slug
    name: Name


class ClientIn(Body):
    id: EntityId | None = None
    slug: Slug
    name: Name
    sector: Sector
    priority: int | None = Field(default=None, ge=1, le=9)
    public: bool = Field(default=False, description="open to the anonymous self-service chat")


class QueueIn(Body):
    id: EntityId | None = None
    slug: Slug
    client: Ref
    name: Name
    channels: list[Channel] = Field(min_length=1, max_length=len(Channel))
    skill: Skill
    sl_target: float = Field(default=0.8, ge=0, le=1)
    sl_seconds: Delay = 60.0
    overflow_after_seconds: Threshold | None = None
    telework: TeleworkRule = TeleworkRule.ALLOWED
    bullseye: list[tuple[Threshold, Annotated[int, Field(ge=1, le=5)]]] | None = Field(
        default=None, max_length=10)
    language: str | None = Field(
        default=None, min_length=2, max_length=3,
        description="language the callers speak (ISO 639, e.g. en): only agents speaking "
                    "it are offered its contacts; none: any agent")
    public: bool = Field(default=False, description="a chat queue of a public client that "
                                                    "the anonymous self-service hands off to")


class ContractIn(Body):
    id: EntityId | None = None
    client: Ref
    outsourcer: Ref
    queues: QueueRefs
    sl_target: float = Field(default=0.8, ge=0, le=1)
    sl_seconds: Delay = 60.0
    volume_share: float = Field(default=1.0, ge=0, le=1)


class SiteIn(Body):
    id: EntityId | None = None
    slug: Slug
    outsourcer: Ref | None = None
    name: Name
    seats: int = Field(ge=0, le=100_000)


class AgentIn(Body):
    id: EntityId | None = None
    outsourcer: Ref | None = None
    name: Name
    skills: dict[Skill, Annotated[int, Field(ge=1, le=5)]] = Field(max_length=100)
    languages: list[Language] = Field(default_factory=lambda: ["fr"], max_length=20)
    works_from: WorkPlace = WorkPlace.SITE
    site: Ref | None = None
    capacity: dict[Channel, Annotated[int, Field(ge=0, le=20)]] | None = None


class WaiverIn(Body):
    id: EntityId | None = None
    client: Ref | None = None
    queues: QueueRefs
    conditions: str = Field(min_length=1, max_length=10_000)
    valid_from: Instant
    valid_to: Instant
    accepted_by: str | None = Field(default=None, max_length=200)
    revocable: bool = True


class UserIn(Body):
    username: Username
    password: str = Field(min_length=8, max_length=200)
    role: Role
    outsourcer: Ref | None = None
    client: Ref | None = None
    agent: Ref | None = None


class RoleIn(Body):
    """A user's new role and tenant; their sessions end at once."""

    role: Role
    outsourcer: Ref | None = None
    client: Ref | None = None
    agent: Ref | None = None


class ContactIn(Body):
    queue: Ref = Field(description="queue id or slug")
    channel: Literal["voice", "chat", "email", "callback"]
    customer_ref: str = Field(min_length=1, max_length=200,
                              description="phone number, e-mail or account reference")
    external_ref: str | None = Field(default=None, max_length=200)
    message: str | None = Field(default=None, max_length=5000,
                                description="first message of a chat or the e-mail body")


class MessageIn(Body):
    body: str = Field(min_length=1, max_length=5000)


class AgentStateIn(Body):
    state: Literal["available", "break"]
    reason: str | None = Field(default=None, max_length=200)


class WrapUpIn(Body):
    disposition: str = Field(min_length=1, max_length=100)


class TransferIn(Body):
    queue: Ref


class RedirectIn(Body):
    target: str = Field(min_length=1, max_length=100,
                        description="where the customer was sent, e.g. 'medical-line-15'; "
                        "for an agent, a redirect directory entry (medical_urgent, suicide, "
                        "medical, psychological)")
    text: str | None = Field(default=None, max_length=2000,
                             description="agents: what the caller said (audited, masked)")


class LoginIn(Body):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class CallbackIn(Body):
    """A citizen's request to be called back, as soon as possible or within a window."""

    number: str = Field(min_length=6, max_length=40)
    window_start: Instant | None = None
    window_end: Instant | None = None


class TelephonyEvent(Body):
    """What a PBX or CPaaS posts for each call event."""

    event: Literal["call_arrived", "call_answered", "call_hung_up", "callback_requested",
                   "no_answer", "busy"]
    call_id: str = Field(min_length=1, max_length=200)
    queue: Ref | None = None
    caller: str | None = Field(default=None, max_length=200)
    agent: Ref | None = None
    at: AnyInstant | None = None
    window_start: Instant | None = Field(
        default=None, description="callback_requested: call back from (absent: at once)")
    window_end: Instant | None = Field(default=None,
                                       description="callback_requested: call back until")
