"""Measure statuses read from facts, where the system holds the facts.

A status typed by hand can say "in place" while the site's distancing rule was relaxed the
day after. For the measures Renfort itself enforces, the status is derived: the distance
and free-seat rules from the rule the seat plan in use was computed with, the cleaning of
seats from the cleaning interval every check-in is held to (the check-out log is the
cleaning log: a seat is not given again before it), the head-count ceiling from the live
occupancy against the capacity. Other measures keep their typed status.
"""

from __future__ import annotations

from dataclasses import dataclass

from renfort.sites.measures import MeasureStatus

GUIDE_DISTANCE = 1.5
"""Metres the guide asks for between two occupied seats."""


@dataclass(frozen=True, slots=True)
class SiteFacts:
    min_distance: float | None
    free_seat_between: bool
    cleaning_minutes: float
    present: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Derived:
    status: MeasureStatus
    because: str
    """Plain French: the fact the status comes from."""


def derive(facts: SiteFacts | None) -> dict[str, Derived]:
    """Measure code → status derived from the site's facts (none without a seat plan)."""
    if facts is None:
        return {}
    out: dict[str, Derived] = {}
    distance = facts.min_distance
    if distance is None:
        out["distance-postes"] = Derived(MeasureStatus.SUSPENDED,
                                         "le plan en vigueur n'impose aucune distance")
    elif distance >= GUIDE_DISTANCE:
        out["distance-postes"] = Derived(MeasureStatus.IN_PLACE,
                                         f"plan en vigueur calculé à {distance:g} m")
    else:
        out["distance-postes"] = Derived(MeasureStatus.ADAPTED,
                                         f"plan en vigueur calculé à {distance:g} m seulement")
    out["poste-libre-rangee"] = Derived(
        MeasureStatus.IN_PLACE if facts.free_seat_between else MeasureStatus.SUSPENDED,
        "un poste libre entre deux conseillers dans le plan en vigueur"
        if facts.free_seat_between else "le plan en vigueur ne laisse pas de poste libre")
    out["nettoyage-postes"] = Derived(
        MeasureStatus.IN_PLACE if facts.cleaning_minutes > 0 else MeasureStatus.SUSPENDED,
        f"aucun poste réattribué moins de {facts.cleaning_minutes:g} min après un départ"
        if facts.cleaning_minutes > 0 else "aucun intervalle de nettoyage entre deux occupants")
    over = facts.present > facts.capacity
    out["effectif-plafond"] = Derived(
        MeasureStatus.SUSPENDED if over else MeasureStatus.IN_PLACE,
        f"{facts.present} présents pour {facts.capacity} postes utilisables")
    return out
