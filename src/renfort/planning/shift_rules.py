"""Shift rules: the shapes a shift may take and where agents may work.

A rules document (YAML or JSON, validated here; the CLI reads the file)::

    start_step_minutes: 30        # shifts start on this grid
    earliest_start: "07:00"       # local times of day (optional)
    latest_end: "22:00"
    max_consecutive_hours: 3      # longest stretch of work without a break (optional)
    time_zone: Europe/Paris       # of the times above and of the schedule written
    templates:
      - name: journee
        hours: 8
        breaks:                   # the solver places each break in its window
          - {minutes: 15, earliest: "1:30", latest: "2:30"}     # from the shift's start
          - {minutes: 45, earliest: "3:30", latest: "4:30", meal: true}
          - {minutes: 15, earliest: "5:45", latest: "6:45"}
    pools: separate               # separate | shared | [[queue-a, queue-b], [queue-c]]
    telework: {cards: on_site_only}   # queues home agents may not take

``pools``: the queues whose agents are interchangeable. ``separate`` (default): an agent
works one queue; ``shared``: any queue, switching between intervals; lists name the groups
(a queue left out works alone). ``wrap`` (for a plan of exactly one day) makes shifts run
over midnight into the same day's early hours, the usual steady-state 24/7 assumption.
"""

from __future__ import annotations

import math
import re
from datetime import time, tzinfo
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydantic
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from renfort.domain.errors import ValidationError
from renfort.domain.model import TeleworkRule

_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)$")


def _minutes(value: object) -> float:
    """``"H:MM"`` or a number of minutes → minutes."""
    if isinstance(value, bool):
        raise ValueError("expected 'H:MM' or minutes")
    if isinstance(value, int | float):
        minutes = float(value)
    elif isinstance(value, str) and (m := _CLOCK.match(value.strip())):
        minutes = int(m.group(1)) * 60.0 + int(m.group(2))
    else:
        raise ValueError(f"expected 'H:MM' or minutes, got {value!r}")
    if not (math.isfinite(minutes) and 0 <= minutes <= 24 * 60):
        raise ValueError("between 0:00 and 24:00")
    return minutes


Minutes = Annotated[float, BeforeValidator(_minutes)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BreakRule(_Spec):
    """A break of ``minutes`` starting between ``earliest`` and ``latest`` after the start
    of the shift."""

    minutes: float = Field(gt=0, le=180)
    earliest: Minutes
    latest: Minutes
    meal: bool = False


class Template(_Spec):
    name: str = Field(min_length=1, max_length=40, pattern=r"^[\w.+-]+$")
    hours: float = Field(gt=0, le=12)
    breaks: list[BreakRule] = Field(default_factory=list, max_length=4)

    @property
    def minutes(self) -> float:
        return self.hours * 60.0


class ShiftRules(_Spec):
    """See the module docstring."""

    start_step_minutes: int = Field(30, ge=5, le=240)
    earliest_start: Minutes | None = None
    latest_end: Minutes | None = None
    max_consecutive_hours: float | None = Field(None, gt=0, le=12)
    time_zone: str = "Europe/Paris"
    wrap: bool = False
    templates: list[Template] = Field(min_length=1, max_length=40)
    pools: Literal["separate", "shared"] | list[list[str]] = "separate"
    telework: dict[str, TeleworkRule] = Field(default_factory=dict)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Paris)") from None
        return value

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.time_zone)

    @property
    def window(self) -> tuple[time | None, time | None]:
        def clock(minutes: float | None) -> time | None:
            if minutes is None:
                return None
            whole = int(minutes) % 1440
            return time(whole // 60, whole % 60)

        return clock(self.earliest_start), clock(self.latest_end)


DEFAULT_RULES: dict[str, Any] = {
    "start_step_minutes": 30,
    "templates": [
        {"name": "4h", "hours": 4,
         "breaks": [{"minutes": 15, "earliest": "1:30", "latest": "2:30"}]},
        {"name": "6h", "hours": 6,
         "breaks": [{"minutes": 15, "earliest": "1:30", "latest": "2:30"},
                    {"minutes": 15, "earliest": "3:30", "latest": "4:30"}]},
        {"name": "8h", "hours": 8,
         "breaks": [{"minutes": 15, "earliest": "1:30", "latest": "2:30"},
                    {"minutes": 45, "earliest": "3:30", "latest": "4:30", "meal": True},
                    {"minutes": 15, "earliest": "5:45", "latest": "6:45"}]},
    ],
}
"""Without a rules file: 4, 6 and 8 h shifts starting every 30 minutes, a 15-minute
break in each stretch and a 45-minute meal in the 8 h one (French practice: a break
after at most 6 h of work, here never more than 2 h 30 on the phone)."""


def parse_rules(data: Any) -> ShiftRules:
    """Validate a decoded YAML/JSON rules document; errors name the field path."""
    if data is None:
        data = DEFAULT_RULES
    try:
        rules = ShiftRules.model_validate(data)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise ValidationError(f"{path or 'rules'}: {message}", {"field": path},
                              reason="rules-invalid") from None
    for k, template in enumerate(rules.templates):
        ends = 0.0
        for b, rule in enumerate(template.breaks):
            where = f"templates.{k}.breaks.{b}"
            if rule.latest < rule.earliest:
                raise ValidationError(f"{where}: latest comes before earliest",
                                      {"field": where}, reason="break-window-order")
            if rule.earliest < ends:
                raise ValidationError(f"{where}: its window starts before the previous break "
                                      "can end (windows must follow each other)",
                                      {"field": where}, reason="break-window-overlap")
            ends = rule.latest + rule.minutes
            if ends > template.minutes:
                raise ValidationError(f"{where}: the break can end after the shift",
                                      {"field": where}, reason="break-after-shift")
    names = [t.name for t in rules.templates]
    if len(set(names)) != len(names):
        raise ValidationError("templates: two templates have the same name",
                              {"field": "templates"}, reason="templates-same-name")
    return rules
