"""Entities of the federation: who answers, for whom, where, under which rules.

Frozen dataclasses, validated on construction; no I/O. Instants are timezone-aware UTC
datetimes here; the router converts them to seconds once when it loads its state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

from renfort.domain.errors import ValidationError
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
    is_slug,
)


class Sector(StrEnum):
    PUBLIC = "public"
    HEALTH = "health"
    ENERGY = "energy"
    TELECOM = "telecom"
    INSURANCE = "insurance"
    BANKING = "banking"
    OTHER = "other"


SECTOR_PRIORITY: Mapping[Sector, int] = {
    # Priority classes, 1 served first. The public crisis line and health come first (lives
    # and the official answer of the day), then the networks people need to stay home
    # (energy, telecom), then money (insurance, banking), then everything else.
    Sector.PUBLIC: 1,
    Sector.HEALTH: 1,
    Sector.ENERGY: 2,
    Sector.TELECOM: 2,
    Sector.INSURANCE: 3,
    Sector.BANKING: 3,
    Sector.OTHER: 4,
}
PRIORITY_CLASSES = range(1, 10)


class Channel(StrEnum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    CALLBACK = "callback"


class TeleworkRule(StrEnum):
    """Whether a queue's contacts may be handled by an agent working from home."""

    ALLOWED = "allowed"
    ON_SITE_ONLY = "on_site_only"
    WITH_WAIVER = "with_waiver"


class WorkPlace(StrEnum):
    SITE = "site"
    HOME = "home"


def _slug(value: str, what: str) -> None:
    if not is_slug(value):
        raise ValidationError(
            f"{what} slug {value!r} must be 1–63 lower-case letters, digits or dashes",
            {"field": "slug"},
            reason="slug-format",
        )


def _language(code: str) -> None:
    if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha() and code.islower()):
        raise ValidationError(f"language {code!r}: an ISO 639 code such as fr, en, ar",
                              {"field": "language"}, reason="language-code")


def _ratio(value: float, what: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValidationError(f"{what} must lie between 0 and 1, got {value}", {"field": what},
                              reason="share-range")


@dataclass(frozen=True, slots=True)
class Outsourcer:
    id: OutsourcerId
    slug: str
    name: str

    def __post_init__(self) -> None:
        _slug(self.slug, "outsourcer")


@dataclass(frozen=True, slots=True)
class Client:
    id: ClientId
    slug: str
    name: str
    sector: Sector
    priority_override: int | None = None
    public: bool = False
    """Its self-service chat is open to anonymous citizens (the numéro vert); a private
    client's customers reach it only through its own integrations."""

    def __post_init__(self) -> None:
        _slug(self.slug, "client")
        if self.priority_override is not None and self.priority_override not in PRIORITY_CLASSES:
            raise ValidationError("priority must be between 1 and 9", {"field": "priority"},
                                  reason="priority-range")

    @property
    def priority(self) -> int:
        """Priority class of the client's contacts: 1 is served first."""
        if self.priority_override is not None:
            return self.priority_override
        return SECTOR_PRIORITY[self.sector]


@dataclass(frozen=True, slots=True)
class BullseyeTier:
    """From ``after_seconds`` of waiting, agents down to ``min_proficiency`` are eligible."""

    after_seconds: float
    min_proficiency: int


DEFAULT_BULLSEYE = (BullseyeTier(0.0, 1),)


@dataclass(frozen=True, slots=True)
class Queue:
    id: QueueId
    slug: str
    client_id: ClientId
    name: str
    channels: frozenset[Channel]
    skill: str
    sl_target: float = 0.8
    sl_seconds: float = 60.0
    overflow_after_seconds: float | None = None
    telework: TeleworkRule = TeleworkRule.ALLOWED
    bullseye: tuple[BullseyeTier, ...] = DEFAULT_BULLSEYE
    language: str | None = None
    """The language its callers speak (e.g. ``en`` for a line for foreign residents): only
    agents speaking it are eligible. ``None``: any agent (the default, French lines)."""
    public: bool = False
    """The anonymous self-service chat may hand conversations off to it (chat queues of a
    public client only)."""

    def __post_init__(self) -> None:
        _slug(self.slug, "queue")
        if self.language is not None:
            _language(self.language)
        if not self.channels:
            raise ValidationError("a queue serves at least one channel", {"field": "channels"},
                                  reason="queue-channels")
        if not self.skill:
            raise ValidationError("a queue requires a skill", {"field": "skill"},
                                  reason="queue-skill")
        _ratio(self.sl_target, "sl_target")
        if self.sl_seconds <= 0:
            raise ValidationError("sl_seconds must be positive", {"field": "sl_seconds"},
                                  reason="sl-seconds-positive")
        if self.overflow_after_seconds is not None and self.overflow_after_seconds < 0:
            raise ValidationError("overflow threshold cannot be negative", {"field": "overflow"},
                                  reason="overflow-negative")
        tiers = self.bullseye
        if not tiers or tiers[0].after_seconds != 0:
            raise ValidationError("the first bullseye tier starts at 0 s", {"field": "bullseye"},
                                  reason="bullseye-start")
        for earlier, later in pairwise(tiers):
            if later.after_seconds <= earlier.after_seconds:
                raise ValidationError("bullseye tiers must start later and later", {},
                                      reason="bullseye-order")
            if later.min_proficiency >= earlier.min_proficiency:
                raise ValidationError("each bullseye tier must widen (lower proficiency)", {},
                                      reason="bullseye-widen")
        if any(not 1 <= t.min_proficiency <= 5 for t in tiers):
            raise ValidationError("proficiency runs from 1 to 5", {"field": "bullseye"},
                                  reason="proficiency-range")

    def min_proficiency_after(self, waited: float) -> int:
        """Lowest proficiency eligible once a contact has waited ``waited`` seconds."""
        floor = self.bullseye[0].min_proficiency
        for tier in self.bullseye:
            if waited >= tier.after_seconds:
                floor = tier.min_proficiency
        return floor


@dataclass(frozen=True, slots=True)
class Contract:
    """A client entrusts some of its queues to an outsourcer."""

    id: ContractId
    client_id: ClientId
    outsourcer_id: OutsourcerId
    queue_ids: frozenset[QueueId]
    sl_target: float = 0.8
    sl_seconds: float = 60.0
    volume_share: float = 1.0

    def __post_init__(self) -> None:
        _ratio(self.sl_target, "sl_target")
        _ratio(self.volume_share, "volume_share")
        if self.sl_seconds <= 0:
            raise ValidationError("sl_seconds must be positive", {"field": "sl_seconds"},
                                  reason="sl-seconds-positive")


@dataclass(frozen=True, slots=True)
class Site:
    id: SiteId
    slug: str
    outsourcer_id: OutsourcerId
    name: str
    seats: int

    def __post_init__(self) -> None:
        _slug(self.slug, "site")
        if self.seats < 0:
            raise ValidationError("a site cannot have a negative number of seats", {},
                                  reason="seats-negative")


@dataclass(frozen=True, slots=True)
class Agent:
    id: AgentId
    outsourcer_id: OutsourcerId
    name: str
    skills: Mapping[str, int]
    languages: frozenset[str] = frozenset({"fr"})
    works_from: WorkPlace = WorkPlace.SITE
    site_id: SiteId | None = None
    capacity: Mapping[Channel, int] = field(
        default_factory=lambda: {Channel.VOICE: 1, Channel.CHAT: 3, Channel.EMAIL: 2,
                                 Channel.CALLBACK: 1}
    )

    def __post_init__(self) -> None:
        for skill, level in self.skills.items():
            if not skill or not 1 <= level <= 5:
                raise ValidationError(
                    f"skill {skill!r}: proficiency runs from 1 to 5, got {level}",
                    {"field": "skills"},
                    reason="skill-level", values={"skill": skill},
                )
        for channel, slots in self.capacity.items():
            if not 0 <= slots <= 20:
                raise ValidationError(
                    f"capacity on {channel} must be between 0 and 20", {"field": "capacity"}
, reason="capacity-range")
        if self.works_from is WorkPlace.SITE and self.site_id is None:
            raise ValidationError("an agent working on site needs a site", {"field": "site"},
                                  reason="agent-site-needed")
        for language in self.languages:
            _language(language)


@dataclass(frozen=True, slots=True)
class Waiver:
    """A client's time-limited acceptance of degraded conditions (mode dégradé)."""

    id: WaiverId
    client_id: ClientId
    queue_ids: frozenset[QueueId]
    conditions: str
    valid_from: datetime
    valid_to: datetime
    accepted_by: str
    revocable: bool = True
    revoked_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.valid_from.tzinfo is None or self.valid_to.tzinfo is None:
            raise ValidationError("waiver dates need a time zone", {"field": "valid_from"},
                                  reason="waiver-timezone")
        if self.valid_to <= self.valid_from:
            raise ValidationError("a waiver must end after it starts", {"field": "valid_to"},
                                  reason="waiver-order")
        if not self.queue_ids:
            raise ValidationError("a waiver covers at least one queue", {"field": "queues"},
                                  reason="waiver-queues")

    def active_at(self, moment: datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= moment:
            return False
        return self.valid_from <= moment < self.valid_to
