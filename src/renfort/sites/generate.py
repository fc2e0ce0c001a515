"""Plausible seat plans for the demo and the benchmark: rows, open space, mixed floors.

Real plans come from the site's CSV; these only make realistic test material. Every plan is
a pure function of its size and a seeded ``random.Random``.

* **rows**: benches of two facing rows of desks (1.4 m pitch along a row, 1.6 m between
  facing operators, 1.9 m back to back across the aisle), about 100 seats per zone (floor);
* **open space**: islands of 4 or 6 desks (1.25 m pitch, facing at 1.5 m) scattered with
  aisles, plus free-standing desks placed irregularly (touch-down desks, quiet corners);
* **mixed**: half rows, the rest open space, as in most buildings converted over the years.
"""

from __future__ import annotations

import math
import random
from typing import Literal

from renfort.sites.layout import Seat, SeatPlan

LayoutKind = Literal["rows", "open-space", "mixed"]
KINDS: tuple[LayoutKind, ...] = ("rows", "open-space", "mixed")

ROW_PITCH = 1.4
FACING = 1.6
BACK_TO_BACK = 1.9
POD_PITCH = 1.25
POD_FACING = 1.5
ZONE_SIZE = 100


def _jitter(rng: random.Random, amount: float = 0.04) -> float:
    return rng.uniform(-amount, amount)


def rows(n: int, rng: random.Random, *, prefix: str = "R", zone: str = "plateau",
         origin: tuple[float, float] = (0.0, 0.0)) -> list[Seat]:
    """``n`` seats in benches of two facing rows, zones of about 100 seats side by side."""
    seats: list[Seat] = []
    zones = max(1, math.ceil(n / ZONE_SIZE))
    per_zone = math.ceil(n / zones)
    for z in range(zones):
        count = min(per_zone, n - len(seats))
        desks = rng.choice((8, 10, 12))
        benches = math.ceil(count / (2 * desks))
        # Zones three abreast, then the next floor of the drawing below.
        x0 = origin[0] + (z % 3) * (12 * ROW_PITCH + 4.0)
        y0 = origin[1] + (z // 3) * (math.ceil(per_zone / 16) * (FACING + BACK_TO_BACK) + 4.0)
        made = 0
        for bench in range(benches):
            y_bench = y0 + bench * (FACING + BACK_TO_BACK)
            for side in range(2):
                for d in range(desks):
                    if made == count:
                        break
                    made += 1
                    seats.append(Seat(
                        f"{prefix}{z + 1}-{bench + 1:02d}{'AB'[side]}{d + 1:02d}",
                        round(x0 + d * ROW_PITCH + _jitter(rng), 3),
                        round(y_bench + side * FACING + _jitter(rng), 3),
                        f"{zone}-{z + 1}",
                        frozenset({"double-ecran"}) if rng.random() < 0.2 else frozenset(),
                    ))
    return seats


def _pod(rng: random.Random, x: float, y: float, size: int, name: str,
         zone: str) -> list[Seat]:
    cols = size // 2
    return [Seat(f"{name}-{side * cols + c + 1}",
                 round(x + c * POD_PITCH + _jitter(rng), 3),
                 round(y + side * POD_FACING + _jitter(rng), 3), zone)
            for side in range(2) for c in range(cols)]


def open_space(n: int, rng: random.Random, *, prefix: str = "O", zone: str = "open-space",
               origin: tuple[float, float] = (0.0, 0.0)) -> list[Seat]:
    """``n`` seats: about three quarters in islands of 4 or 6, the rest free-standing."""
    in_pods = round(n * 0.75)
    seats: list[Seat] = []
    side = math.ceil(math.sqrt(in_pods / 5)) + 1
    cell_w, cell_h = 3 * POD_PITCH + 2.6, POD_FACING + 2.8
    pod = 0
    while len(seats) < in_pods:
        row, col = divmod(pod, side)
        size = rng.choice((4, 6))
        x = origin[0] + col * cell_w + rng.uniform(0, 0.8)
        y = origin[1] + row * cell_h + rng.uniform(0, 0.6)
        pod += 1
        seats.extend(_pod(rng, x, y, size, f"{prefix}{pod:03d}", f"{zone}-{row // 4 + 1}"))
    del seats[in_pods:]
    # Free-standing desks in a band beside the islands, at least 1.1 m apart (Poisson disc).
    width = side * cell_w
    top = origin[1] + (math.ceil(pod / side)) * cell_h + 1.0
    loose: list[Seat] = []
    height = max(4.0, (n - in_pods) * 1.4 / max(width, 1.0) * 1.6)
    tries = 0
    while len(seats) + len(loose) < n:
        tries += 1
        x = origin[0] + rng.uniform(0, width)
        y = top + rng.uniform(0, height)
        if tries > 200 * n:  # the band is full: make it taller
            height *= 1.3
            tries = 0
        if all(math.hypot(x - s.x, y - s.y) >= 1.1 for s in loose):
            loose.append(Seat(f"{prefix}L{len(loose) + 1:03d}", round(x, 3), round(y, 3),
                              f"{zone}-libre"))
    return seats + loose


def mixed(n: int, rng: random.Random) -> list[Seat]:
    """Half rows on one side, open space on the other."""
    half = n // 2
    left = rows(half, rng)
    right_x = max(s.x for s in left) + 5.0
    return left + open_space(n - half, rng, origin=(right_x, 0.0))


def make_plan(kind: LayoutKind, n: int, seed: int) -> SeatPlan:
    """A plan of exactly ``n`` seats of the given kind, the same for the same seed."""
    rng = random.Random(seed)
    if kind == "rows":
        seats = rows(n, rng)
    elif kind == "open-space":
        seats = open_space(n, rng)
    else:
        seats = mixed(n, rng)
    return SeatPlan(tuple(seats[:n]))
