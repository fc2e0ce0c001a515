"""Site occupancy as the wall shows it: people on seats (check-ins) and agents logged in on
site, against the distancing capacity the sites service computed for each site."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from renfort.bootstrap import Runtime
from renfort.domain.errors import RenfortError
from renfort.services.principals import Principal
from renfort.services.sites import SiteService


def seconds_until(moment: str | float | None, now: float) -> float:
    """Seconds from ``now`` to ``moment``; infinity for none (or an unreadable value)."""
    if moment is None:
        return float("inf")
    try:
        instant = datetime.fromisoformat(moment).timestamp() if isinstance(moment, str) \
            else float(moment)
    except (ValueError, OverflowError):
        return float("inf")
    return instant - now


def site_occupancy(rt: Runtime, who: Principal, groups: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """One row per visible site: seated, logged in, building seats, distancing capacity."""
    try:
        summaries = SiteService(rt.engine, rt.clock).list_sites(who)
    except RenfortError:
        summaries = []
    logged_in = {g["site"]["id"]: g["present"] for g in groups if g["site"] is not None}
    rows = []
    for site in summaries:
        capacity = site["capacity"]
        present = logged_in.get(site["id"], 0)
        limit = capacity if capacity is not None else site["seats"]
        busiest = max(site["occupied"], present)
        rows.append({"id": site["id"], "slug": site["slug"], "name": site["name"],
                     "seats": site["seats"], "capacity": capacity,
                     "occupied": site["occupied"], "present": present,
                     "over": capacity is not None and busiest > capacity,
                     "ratio": busiest / limit if limit else 0.0})
    return rows
