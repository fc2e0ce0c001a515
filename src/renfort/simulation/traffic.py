"""The contacts of one replication, drawn before the run starts.

Every random number a contact needs (arrival instant, handle time, patience, answer to a
callback offer) is drawn here, queue by queue in a fixed order, from the replication's
generator. What happens during the run therefore never shifts the random stream: a
change of staffing or routing meets exactly the same callers (common random numbers), which
makes two variants of a plan comparable with few replications.

Arrivals are a Poisson process with a rate constant within each interval: a Poisson count of
calls per interval, each at a uniform instant of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from renfort.simulation.world import SimQueue, World

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Calls:
    """Contacts sorted by arrival; *queue* is an index into the component's queue list."""

    arrival: FloatArray
    """Seconds from the start of the day."""
    queue: IntArray
    service: FloatArray
    """Seconds an agent is taken: handle time plus wrap-up."""
    patience: FloatArray
    """Seconds the caller waits before hanging up (``inf``: never)."""
    callback_draw: FloatArray
    """Uniform [0, 1): the caller accepts a callback offer when below the acceptance."""

    def __len__(self) -> int:
        return int(self.arrival.size)


def draw_calls(world: World, queues: tuple[int, ...], rng: np.random.Generator) -> Calls:
    """Draw the contacts of *queues* (world indices) over the day, sorted by arrival."""
    length = world.interval_seconds
    parts: list[tuple[FloatArray, IntArray, FloatArray, FloatArray, FloatArray]] = []
    for local, index in enumerate(queues):
        q = world.queues[index]
        counts = rng.poisson(q.expected)
        interval = np.repeat(np.arange(counts.size), counts)
        arrival = (interval + rng.random(interval.size)) * length
        service, patience = _durations(q, interval, rng)
        callback = rng.random(interval.size)
        parts.append((arrival, np.full(interval.size, local, dtype=np.int64), service,
                      patience, callback))
    arrival = np.concatenate([p[0] for p in parts])
    order = np.argsort(arrival, kind="stable")
    return Calls(
        arrival=arrival[order],
        queue=np.concatenate([p[1] for p in parts])[order],
        service=np.concatenate([p[2] for p in parts])[order],
        patience=np.concatenate([p[3] for p in parts])[order],
        callback_draw=np.concatenate([p[4] for p in parts])[order],
    )


def _durations(
    q: SimQueue, interval: IntArray, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    spec = q.spec
    n = interval.size
    means = None if spec.handle_time_means is None else np.asarray(
        spec.handle_time_means)[interval]
    handle = spec.handle_time.sample(rng, n, means)
    wrap = spec.wrap_up.sample(rng, n)
    p_means = None if spec.patience_means is None else np.asarray(spec.patience_means)[interval]
    patience = spec.patience.sample(rng, n, p_means)
    return handle + wrap, patience
