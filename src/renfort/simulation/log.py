"""What a run leaves behind: the fate of every contact and the agents' staffed time.

The engine fills plain lists during the run (cheap in its loop) and :func:`finish_log`
turns them into NumPy arrays once, for :mod:`renfort.simulation.metrics`. Times are
seconds from the start of the day; ``nan`` means "never happened".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from renfort.simulation.traffic import Calls
from renfort.simulation.world import Component

WAITING = 0
"""Status of a contact still waiting (never answered nor abandoned)."""
ANSWERED_STATES = (2, 3)
"""In service at the end of the run, or done."""
ABANDONED_STATE = 4

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class Staffing:
    """Spans of staffed time per agent group, appended as agents come and go."""

    __slots__ = ("ends", "groups", "starts")

    def __init__(self) -> None:
        self.groups: list[int] = []
        self.starts: list[float] = []
        self.ends: list[float] = []

    def add(self, group: int, start: float, end: float) -> None:
        """Group *group* had one more agent staffed from *start* to *end* (router seconds)."""
        if end > start:
            self.groups.append(group)
            self.starts.append(start)
            self.ends.append(end)


@dataclass(frozen=True)
class CallLog:
    """One component's replication: contacts and staffed spans, as arrays."""

    queues: tuple[int, ...]
    """World index of each local queue index used in ``queue``."""
    arrival: FloatArray
    queue: IntArray
    """World queue index of each contact."""
    answered_at: FloatArray
    ended_at: FloatArray
    """Release (answered) or hang-up (abandoned) instant; ``nan`` if still going at the end."""
    answered: BoolArray
    abandoned: BoolArray
    overflow: BoolArray
    callback: BoolArray
    """Took a callback."""
    group: IntArray
    """World index of the answering agent's group; -1 if unanswered."""
    span_group: IntArray
    span_start: FloatArray
    span_end: FloatArray
    stop: float
    """Seconds from the start of the day at which the run ended."""


def finish_log(
    component: Component, calls: Calls, status: list[int], answered_at: list[float],
    ended_at: list[float], agent_of: list[int], overflow: list[bool], callback: list[bool],
    group_of: list[int], staffing: Staffing, stop: float, t0: float, arrived: list[float],
) -> CallLog:
    """Freeze the engine's lists (router seconds) into a :class:`CallLog` (day seconds).

    Router instants are POSIX seconds (a float step of ~0.2 µs); instants of a contact are
    rebuilt from exact differences with its own arrival, so no wait is ever negative.
    """
    arrived_at = np.asarray(arrived, dtype=np.float64)
    st = np.asarray(status, dtype=np.int64)
    agents = np.asarray(agent_of, dtype=np.int64)
    groups = np.asarray(group_of, dtype=np.int64)
    served_by = np.where(agents >= 0, groups[np.maximum(agents, 0)] if groups.size else -1, -1)
    local_to_world = np.asarray(component.queues, dtype=np.int64)
    return CallLog(
        queues=component.queues,
        arrival=calls.arrival,
        queue=local_to_world[calls.queue] if calls.queue.size else calls.queue,
        answered_at=calls.arrival + (np.asarray(answered_at, dtype=np.float64) - arrived_at),
        ended_at=calls.arrival + (np.asarray(ended_at, dtype=np.float64) - arrived_at),
        answered=np.isin(st, ANSWERED_STATES),
        abandoned=st == ABANDONED_STATE,
        overflow=np.asarray(overflow, dtype=np.bool_),
        callback=np.asarray(callback, dtype=np.bool_),
        group=np.where(np.isin(st, ANSWERED_STATES), served_by, -1).astype(np.int64),
        span_group=np.asarray(staffing.groups, dtype=np.int64),
        span_start=np.asarray(staffing.starts, dtype=np.float64) - t0,
        span_end=np.asarray(staffing.ends, dtype=np.float64) - t0,
        stop=stop,
    )
