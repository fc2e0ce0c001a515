"""The discrete-event agenda: future events ordered by ``(time, priority, sequence)``.

*time* is the router clock in seconds; *priority* says what happens first at the same
instant; *sequence* is an ever-increasing counter, so two events never compare further and
ties resolve first-scheduled, first-served. Same seed + same scenario ⇒ same order of events,
byte for byte, in any process (SimPy's ``(time, priority, event_id)`` rule).

Priorities at one instant, first to last (each is also the event's kind):

0. ``RELEASE``: a contact ends (after talk and wrap-up): its agent frees up first;
1. ``PRESENCE``: shift starts and ends, breaks, staffing changes;
2. ``WAKEUP``: the router's own timers (offer deadlines, bullseye and overflow thresholds,
   waivers starting or ending); before ``ACCEPT``, because an offer answered exactly at its
   deadline has expired;
3. ``ACCEPT``: an agent answers an offer after its response time;
4. ``RECOVER``: an agent who missed an offer is set available again;
5. ``CALLBACK``: a waiting caller is offered a call back;
6. ``PATIENCE``: a waiting caller hangs up;
7. ``ARRIVAL``: a new contact (arrivals come from a pre-drawn sorted stream, not the heap).

After every instant's events the engine calls the router's ``route()`` once, so a batch of
simultaneous events (a shift change bringing in 300 agents) costs one routing pass.
"""

from __future__ import annotations

from heapq import heappop, heappush

RELEASE = 0
PRESENCE = 1
WAKEUP = 2
ACCEPT = 3
RECOVER = 4
CALLBACK = 5
PATIENCE = 6
ARRIVAL = 7

Event = tuple[float, int, int, object]
"""(time, priority/kind, sequence, payload)."""


class Agenda:
    """A heap of future events; :attr:`heap` and :attr:`seq` are open to the engine loop,
    which pushes with ``heappush(heap, (t, kind, seq, payload))`` after ``seq += 1``."""

    __slots__ = ("heap", "seq")

    def __init__(self) -> None:
        self.heap: list[Event] = []
        self.seq = 0

    def push(self, time: float, kind: int, payload: object) -> None:
        """Schedule an event at *time* (seconds) of kind/priority *kind*."""
        self.seq += 1
        heappush(self.heap, (time, kind, self.seq, payload))

    def pop(self) -> Event:
        """The next event in (time, priority, sequence) order."""
        return heappop(self.heap)

    def peek_time(self) -> float | None:
        """Time of the next event, or ``None`` when none is scheduled."""
        return self.heap[0][0] if self.heap else None

    def __len__(self) -> int:
        return len(self.heap)
