"""Replications: independent runs of the day, each component on its own random stream.

The stream of (replication *r*, component *c*) is ``numpy.random.default_rng([seed, r, c])``:
a task's result does not depend on which process runs it nor in which order, so a run with
2 processes gives the same figures, byte for byte, as a run with one.
"""

from __future__ import annotations

import numpy as np

from renfort.simulation.engine import simulate_component
from renfort.simulation.metrics import Replication, measure
from renfort.simulation.world import World


def generator(seed: int, replication: int, component: int) -> np.random.Generator:
    """The random stream of one component in one replication."""
    return np.random.default_rng([seed, replication, component])


def run_task(world: World, seed: int, replication: int, component: int) -> Replication:
    """Simulate one component in one replication; counts of its queues and groups."""
    comp = world.components[component]
    log = simulate_component(world, comp, generator(seed, replication, component))
    return measure(world, [log])


def combine(parts: list[Replication]) -> Replication:
    """Add up the components of one replication (they share no queue nor group)."""
    first = parts[0]
    counts = {k: v.copy() for k, v in first.counts.items()}
    busy, staffed = first.group_busy.copy(), first.group_staffed.copy()
    for part in parts[1:]:
        for k, v in part.counts.items():
            if k == "max_wait":
                np.maximum(counts[k], v, out=counts[k])
            else:
                counts[k] += v
        busy += part.group_busy
        staffed += part.group_staffed
    return Replication(counts, busy, staffed)


def simulate(world: World, replications: int, seed: int) -> list[Replication]:
    """Every replication in this process, in order (the runner parallelises the same tasks)."""
    return [combine([run_task(world, seed, r, c.index) for c in world.components])
            for r in range(replications)]
