"""The scenario of a simulated day: queues, arrivals, agents, routing rules.

A scenario is plain data (YAML or JSON) validated here with pydantic; :func:`parse_scenario`
turns any error into one :class:`~renfort.domain.errors.ValidationError` whose message starts
with the path of the offending field (``queues[1].handle_time.mean: ...``). No I/O: the
runner reads files.

Time: the day starts at ``start`` and is cut into ``intervals`` of ``interval_minutes``.
Times of day in the scenario (shifts, breaks, surges, waivers) are ``"HH:MM"`` from the start
of the day (``"26:30"`` is 02:30 the next day) or a number of minutes. Durations are seconds
unless the name says minutes. Arrivals stop at the end of the last interval; the simulation
then drains for at most ``drain_minutes``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from renfort.domain.errors import ValidationError
from renfort.domain.model import Channel, Sector, TeleworkRule, WorkPlace
from renfort.simulation.distributions import NEVER, ZERO, Duration

_HHMM = re.compile(r"^(\d{1,2}):([0-5]\d)$")
DEFAULT_START = datetime(2020, 3, 17, tzinfo=UTC)
"""First full day of the French lockdown, 00:00 UTC."""


def _seconds_of_day(value: object) -> float:
    """``"HH:MM"`` or a number of minutes → seconds from the start of the day."""
    if isinstance(value, bool):
        raise ValueError("expected 'HH:MM' or minutes")
    if isinstance(value, int | float):
        minutes = float(value)
    elif isinstance(value, str) and (m := _HHMM.match(value.strip())):
        minutes = int(m.group(1)) * 60.0 + int(m.group(2))
    else:
        raise ValueError(f"expected 'HH:MM' or minutes, got {value!r}")
    if not (math.isfinite(minutes) and 0.0 <= minutes <= 7 * 1440):
        raise ValueError("a time of day lies between 00:00 and one week later")
    return minutes * 60.0


TimeOfDay = Annotated[float, BeforeValidator(_seconds_of_day)]
"""Seconds from the start of the day, written ``"HH:MM"`` or as minutes."""
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
PerInterval = float | list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Surge(_Spec):
    """Multiply arrivals of the intervals starting in ``[from, to)`` by ``factor``."""

    from_: TimeOfDay = Field(alias="from")
    to: TimeOfDay | None = None
    """End of the surge (default: the end of the day)."""
    factor: float = Field(gt=0.0, allow_inf_nan=False)


class Arrivals(_Spec):
    """Expected arrivals per interval: ``volumes`` (calls) or ``rates_per_hour``.

    Either may be one number (the same for every interval) or one number per interval.
    Arrivals within an interval are Poisson (uniform instants, Poisson count).
    """

    volumes: PerInterval | None = None
    rates_per_hour: PerInterval | None = None
    surges: list[Surge] = Field(default_factory=list)

    @field_validator("volumes", "rates_per_hour")
    @classmethod
    def _non_negative(cls, value: PerInterval | None) -> PerInterval | None:
        if isinstance(value, float) and not (math.isfinite(value) and value >= 0.0):
            raise ValueError("must be a non-negative number")
        return value


class Callback(_Spec):
    """After ``after_seconds`` of waiting, callers are offered a call back.

    A caller who accepts (probability ``acceptance``) leaves the voice line and waits, with
    no patience limit, on the queue's callback line.
    """

    after_seconds: float = Field(ge=0.0, allow_inf_nan=False)
    acceptance: float = Field(ge=0.0, le=1.0)


class Tier(_Spec):
    after_seconds: float = Field(ge=0.0, allow_inf_nan=False)
    min_proficiency: int = Field(ge=1, le=5)


class QueueSpec(_Spec):
    """A queue of one client, with its traffic and its routing rules."""

    slug: Slug
    name: str = ""
    client: Slug | None = None
    """Client slug; may be left out when the scenario has at most one client."""
    skill: str = ""
    """Skill required (default: the queue's slug)."""
    channel: Channel = Channel.VOICE
    sl_target: float | None = Field(None, ge=0.0, le=1.0)
    sl_seconds: float | None = Field(None, gt=0.0, allow_inf_nan=False)
    telework: TeleworkRule = TeleworkRule.ALLOWED
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")
    """Language the callers speak: only agents speaking it take them (default: any)."""
    overflow_after_seconds: float | None = Field(None, ge=0.0, allow_inf_nan=False)
    bullseye: list[Tier] = Field(default_factory=lambda: [Tier(after_seconds=0.0,
                                                              min_proficiency=1)])
    arrivals: Arrivals
    handle_time: Duration
    handle_time_means: list[Annotated[float, Field(gt=0.0)]] | None = None
    """Mean handle time per interval (seconds), rescaling ``handle_time`` (plans)."""
    wrap_up: Duration = ZERO
    patience: Duration = NEVER
    """Time a caller waits before hanging up (default: forever)."""
    patience_means: list[Annotated[float, Field(gt=0.0)]] | None = None
    callback: Callback | None = None


class Break(_Spec):
    """A break of ``minutes`` from ``start``; agent *k* of *n* starts ``k/n`` of
    ``stagger_minutes`` later, so that a group does not leave all at once."""

    start: TimeOfDay
    minutes: float = Field(gt=0.0, allow_inf_nan=False)
    stagger_minutes: float = Field(0.0, ge=0.0, allow_inf_nan=False)


class Shift(_Spec):
    start: TimeOfDay
    end: TimeOfDay
    breaks: list[Break] = Field(default_factory=list)


class AgentGroup(_Spec):
    """Identical agents: ``count`` of them working ``shifts`` (default: all day), or a
    ``staffing`` headcount per interval (a staffing plan: when it drops, busy agents finish
    their contact first)."""

    name: Slug
    outsourcer: Slug | None = None
    location: WorkPlace = WorkPlace.SITE
    site: Slug | None = None
    """Site of on-site agents (default: one site per outsourcer)."""
    skills: dict[str, Annotated[int, Field(ge=1, le=5)]] = Field(min_length=1)
    """Skill → proficiency 1–5."""
    capacity: dict[Channel, Annotated[int, Field(ge=0, le=20)]] | None = None
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(
        default_factory=lambda: ["fr"], min_length=1)
    count: int | None = Field(None, ge=0, le=100_000)
    shifts: list[Shift] | None = None
    staffing: list[Annotated[int, Field(ge=0, le=100_000)]] | None = None


class ClientSpec(_Spec):
    slug: Slug
    name: str = ""
    sector: Sector = Sector.PUBLIC
    priority: int | None = Field(None, ge=1, le=9)
    """Priority class override (default: by sector, 1 served first)."""


class SiteSpec(_Spec):
    slug: Slug
    outsourcer: Slug
    seats: int = Field(0, ge=0)


class ContractSpec(_Spec):
    client: Slug
    outsourcer: Slug
    queues: list[Slug] = Field(min_length=1)


class WaiverSpec(_Spec):
    """A client accepts home agents on ``queues`` from ``from`` to ``to`` (times of day)."""

    client: Slug
    queues: list[Slug] = Field(min_length=1)
    from_: TimeOfDay = Field(0.0, alias="from")
    to: TimeOfDay = 7 * 86_400.0
    conditions: str = "telework"


class Routing(_Spec):
    offer_timeout_seconds: float = Field(20.0, gt=0.0, allow_inf_nan=False)
    agent_response: Duration = ZERO
    """Time an agent takes to accept an offer; at or beyond the timeout the offer expires."""
    missed_recovery_seconds: float = Field(0.0, ge=0.0, allow_inf_nan=False)
    """After an expired offer, the agent is set available again this much later."""


class Scenario(_Spec):
    """A day to simulate. See the module docstring and README ("Simulation")."""

    name: str = "scenario"
    start: datetime = DEFAULT_START
    interval_minutes: int = Field(30, ge=1, le=1440)
    intervals: int = Field(48, ge=1, le=2016)
    drain_minutes: float = Field(240.0, ge=0.0, allow_inf_nan=False)
    sl_target: float = Field(0.8, ge=0.0, le=1.0)
    sl_seconds: float = Field(60.0, gt=0.0, allow_inf_nan=False)
    routing: Routing = Field(default_factory=Routing)
    clients: list[ClientSpec] = Field(default_factory=list)
    outsourcers: list[Slug] = Field(default_factory=list)
    sites: list[SiteSpec] = Field(default_factory=list)
    queues: list[QueueSpec] = Field(min_length=1)
    contracts: list[ContractSpec] | None = None
    """Default (left out): every outsourcer holds a contract for every queue."""
    waivers: list[WaiverSpec] = Field(default_factory=list)
    agents: list[AgentGroup] = Field(min_length=1)

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("start needs a UTC offset (add Z or +01:00)")
        return value.astimezone(UTC)

    @property
    def interval_seconds(self) -> float:
        return self.interval_minutes * 60.0

    @property
    def day_seconds(self) -> float:
        """Length of the arrival period: intervals × interval length, seconds."""
        return self.intervals * self.interval_seconds


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded YAML/JSON document; errors name the field path."""
    try:
        scenario = Scenario.model_validate(data)
    except pydantic.ValidationError as error:
        raise scenario_error(error) from None
    from renfort.simulation.checks import check_scenario

    check_scenario(scenario)
    return scenario


def scenario_error(error: pydantic.ValidationError) -> ValidationError:
    """The first pydantic error as one line ``path: message``."""
    first = error.errors()[0]
    path = field_path(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return ValidationError(f"{path or 'scenario'}: {message}", {"field": path})


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("queues", 0, "arrivals", "volumes")`` → ``queues[0].arrivals.volumes``.

    Pydantic adds the tag of a tagged union (``exponential``) to the location; dropped.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("fixed", "exponential", "lognormal", "empirical"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out
