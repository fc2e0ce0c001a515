"""Exposure tracing: colleagues who sat near an agent who reports a positive test.

From the stays (check-ins) of one site: every colleague whose stay overlapped in time one of
the agent's stays, on a seat within the given distance, during the window. The result says
who, how long (overlap) and how close, and nothing medical: the report itself only names
the agent whose colleagues are listed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from renfort.domain.errors import ValidationError
from renfort.sites.occupancy import Stay

MAX_DAYS = 28
MAX_DISTANCE = 10.0


@dataclass(frozen=True, slots=True)
class ExposedColleague:
    """One colleague to inform: overlap in seconds, closest seat distance in metres."""

    agent_id: str
    overlap_seconds: float
    closest_metres: float
    first_at: float
    last_at: float
    seats: tuple[str, ...]


def check_window(days: float, distance: float) -> None:
    if not 0 < days <= MAX_DAYS:
        raise ValidationError(f"days: more than 0 and at most {MAX_DAYS}", {"field": "days"},
                              reason="tracing-days", values={"max": MAX_DAYS})
    if not 0 <= distance <= MAX_DISTANCE:
        raise ValidationError(f"distance: 0 to {MAX_DISTANCE:g} metres",
                              {"field": "distance"},
                              reason="distance-range", values={"max": MAX_DISTANCE})


@dataclass(slots=True)
class _Tally:
    overlap: float = 0.0
    closest: float = math.inf
    first: float = math.inf
    last: float = -math.inf
    seats: set[str] = field(default_factory=set)


def exposed_colleagues(agent_id: str, stays: Iterable[Stay],
                       positions: Mapping[str, tuple[float, float]], *, distance: float,
                       since: float, until: float) -> list[ExposedColleague]:
    """Colleagues within ``distance`` metres on overlapping stays in ``[since, until)``.

    *positions*: seat id → (x, y) in metres; stays on unknown seats (removed from the plan
    since) are ignored. Sorted by closest distance, then longest overlap, then agent id.
    """
    all_stays = [s for s in stays if s.overlaps(since, until) and s.seat_id in positions]
    own = [s for s in all_stays if s.agent_id == agent_id]
    found: dict[str, _Tally] = {}
    for mine in own:
        m_start = max(mine.start, since)
        m_end = min(mine.end if mine.end is not None else until, until)
        mx, my = positions[mine.seat_id]
        for other in all_stays:
            if other.agent_id == agent_id or not other.overlaps(m_start, m_end):
                continue
            ox, oy = positions[other.seat_id]
            gap = math.hypot(mx - ox, my - oy)
            if gap > distance:
                continue
            start = max(m_start, other.start)
            end = min(m_end, other.end if other.end is not None else until)
            tally = found.setdefault(other.agent_id, _Tally())
            tally.overlap += max(0.0, end - start)
            tally.closest = min(tally.closest, gap)
            tally.first = min(tally.first, start)
            tally.last = max(tally.last, end)
            tally.seats.add(other.seat_id)
    result = [ExposedColleague(agent, t.overlap, round(t.closest, 3), t.first, t.last,
                               tuple(sorted(t.seats))) for agent, t in found.items()]
    return sorted(result, key=lambda c: (c.closest_metres, -c.overlap_seconds, c.agent_id))
