"""Request bodies. Pydantic checks shapes; the domain checks the rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace
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


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutsourcerIn(Body):
    id: str | None = Field(default=None, max_length=80)
    slug: str
    name: str = Field(min_length=1, max_length=200)


class ClientIn(Body):
    id: str | None = Field(default=None, max_length=80)
    slug: str
    name: str = Field(min_length=1, max_length=200)
    sector: Sector
    priority: int | None = Field(default=None, ge=1, le=9)
    public: bool = Field(default=False, description="open to the anonymous self-service chat")


class QueueIn(Body):
    id: str | None = Field(default=None, max_length=80)
    slug: str
    client: str
    name: str = Field(min_length=1, max_length=200)
    channels: list[Channel] = Field(min_length=1)
    skill: str = Field(min_length=1, max_length=63)
    sl_target: float = Field(default=0.8, ge=0, le=1)
    sl_seconds: float = Field(default=60.0, gt=0)
    overflow_after_seconds: float | None = Field(default=None, ge=0)
    telework: TeleworkRule = TeleworkRule.ALLOWED
    bullseye: list[tuple[float, int]] | None = None
    language: str | None = Field(
        default=None, min_length=2, max_length=3,
        description="language the callers speak (ISO 639, e.g. en): only agents speaking "
                    "it are offered its contacts; none: any agent")
    public: bool = Field(default=False, description="a chat queue of a public client that "
                                                    "the anonymous self-service hands off to")


class ContractIn(Body):
    id: str | None = Field(default=None, max_length=80)
    client: str
    outsourcer: str
    queues: list[str] = Field(min_length=1)
    sl_target: float = Field(default=0.8, ge=0, le=1)
    sl_seconds: float = Field(default=60.0, gt=0)
    volume_share: float = Field(default=1.0, ge=0, le=1)


class SiteIn(Body):
    id: str | None = Field(default=None, max_length=80)
    slug: str
    outsourcer: str | None = None
    name: str = Field(min_length=1, max_length=200)
    seats: int = Field(ge=0, le=100_000)


class AgentIn(Body):
    id: str | None = Field(default=None, max_length=80)
    outsourcer: str | None = None
    name: str = Field(min_length=1, max_length=200)
    skills: dict[str, int]
    languages: list[str] = Field(default_factory=lambda: ["fr"])
    works_from: WorkPlace = WorkPlace.SITE
    site: str | None = None
    capacity: dict[Channel, int] | None = None


class WaiverIn(Body):
    id: str | None = Field(default=None, max_length=80)
    client: str | None = None
    queues: list[str] = Field(min_length=1)
    conditions: str = Field(min_length=1, max_length=10_000)
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    accepted_by: str | None = Field(default=None, max_length=200)
    revocable: bool = True


class UserIn(Body):
    username: str
    password: str
    role: Role
    outsourcer: str | None = None
    client: str | None = None
    agent: str | None = None


class ContactIn(Body):
    queue: str = Field(min_length=1, description="queue id or slug")
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
    queue: str


class RedirectIn(Body):
    target: str = Field(min_length=1, max_length=100,
                        description="where the customer was sent, e.g. 'medical-line-15'")


class LoginIn(Body):
    username: str
    password: str


class TelephonyEvent(Body):
    """What a PBX or CPaaS posts for each call event."""

    event: Literal["call_arrived", "call_answered", "call_hung_up"]
    call_id: str = Field(min_length=1, max_length=200)
    queue: str | None = None
    caller: str | None = Field(default=None, max_length=200)
    agent: str | None = None
    at: datetime | None = None
