"""Rows ↔ domain objects. The only place that knows both shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from renfort.domain.clock import to_datetime, to_seconds
from renfort.domain.ids import (
    AgentId,
    ClientId,
    ContractId,
    OutsourcerId,
    QueueId,
    SiteId,
    WaiverId,
)
from renfort.domain.model import (
    Agent,
    BullseyeTier,
    Channel,
    Client,
    Contract,
    Outsourcer,
    Queue,
    Sector,
    Site,
    TeleworkRule,
    Waiver,
    WorkPlace,
)

Row = Mapping[Any, Any]


def outsourcer_from(row: Row) -> Outsourcer:
    return Outsourcer(OutsourcerId(row["id"]), row["slug"], row["name"])


def outsourcer_to(o: Outsourcer) -> dict[str, Any]:
    return {"id": o.id, "slug": o.slug, "name": o.name}


def client_from(row: Row) -> Client:
    return Client(
        ClientId(row["id"]), row["slug"], row["name"], Sector(row["sector"]),
        row["priority_override"], bool(row["public"]),
    )


def client_to(c: Client) -> dict[str, Any]:
    return {"id": c.id, "slug": c.slug, "name": c.name, "sector": str(c.sector),
            "priority_override": c.priority_override, "public": c.public}


def queue_from(row: Row) -> Queue:
    return Queue(
        id=QueueId(row["id"]),
        slug=row["slug"],
        client_id=ClientId(row["client_id"]),
        name=row["name"],
        channels=frozenset(Channel(c) for c in row["channels"]),
        skill=row["skill"],
        sl_target=row["sl_target"],
        sl_seconds=row["sl_seconds"],
        overflow_after_seconds=row["overflow_after_seconds"],
        telework=TeleworkRule(row["telework"]),
        bullseye=tuple(BullseyeTier(float(a), int(p)) for a, p in row["bullseye"]),
        language=row["language"],
        public=bool(row["public"]),
    )


def queue_to(q: Queue) -> dict[str, Any]:
    return {
        "id": q.id, "slug": q.slug, "client_id": q.client_id, "name": q.name,
        "channels": sorted(str(c) for c in q.channels), "skill": q.skill,
        "sl_target": q.sl_target, "sl_seconds": q.sl_seconds,
        "overflow_after_seconds": q.overflow_after_seconds, "telework": str(q.telework),
        "bullseye": [[t.after_seconds, t.min_proficiency] for t in q.bullseye],
        "language": q.language, "public": q.public,
    }


def contract_from(row: Row, queue_ids: frozenset[QueueId]) -> Contract:
    return Contract(
        ContractId(row["id"]), ClientId(row["client_id"]), OutsourcerId(row["outsourcer_id"]),
        queue_ids, row["sl_target"], row["sl_seconds"], row["volume_share"],
    )


def contract_to(c: Contract) -> dict[str, Any]:
    return {"id": c.id, "client_id": c.client_id, "outsourcer_id": c.outsourcer_id,
            "sl_target": c.sl_target, "sl_seconds": c.sl_seconds,
            "volume_share": c.volume_share}


def site_from(row: Row) -> Site:
    return Site(SiteId(row["id"]), row["slug"], OutsourcerId(row["outsourcer_id"]), row["name"],
                row["seats"])


def site_to(s: Site) -> dict[str, Any]:
    return {"id": s.id, "slug": s.slug, "outsourcer_id": s.outsourcer_id, "name": s.name,
            "seats": s.seats}


def agent_from(row: Row) -> Agent:
    return Agent(
        id=AgentId(row["id"]),
        outsourcer_id=OutsourcerId(row["outsourcer_id"]),
        name=row["name"],
        skills={str(k): int(v) for k, v in row["skills"].items()},
        languages=frozenset(row["languages"]),
        works_from=WorkPlace(row["works_from"]),
        site_id=SiteId(row["site_id"]) if row["site_id"] else None,
        capacity={Channel(k): int(v) for k, v in row["capacity"].items()},
    )


def agent_to(a: Agent) -> dict[str, Any]:
    return {
        "id": a.id, "outsourcer_id": a.outsourcer_id, "name": a.name,
        "skills": dict(sorted(a.skills.items())), "languages": sorted(a.languages),
        "works_from": str(a.works_from), "site_id": a.site_id,
        "capacity": {str(k): v for k, v in sorted(a.capacity.items())},
    }


def waiver_from(row: Row) -> Waiver:
    revoked = row["revoked_at"]
    return Waiver(
        id=WaiverId(row["id"]),
        client_id=ClientId(row["client_id"]),
        queue_ids=frozenset(QueueId(q) for q in row["queue_ids"]),
        conditions=row["conditions"],
        valid_from=to_datetime(row["valid_from"]),
        valid_to=to_datetime(row["valid_to"]),
        accepted_by=row["accepted_by"],
        revocable=row["revocable"],
        revoked_at=to_datetime(revoked) if revoked is not None else None,
    )


def waiver_to(w: Waiver) -> dict[str, Any]:
    return {
        "id": w.id, "client_id": w.client_id, "queue_ids": sorted(w.queue_ids),
        "conditions": w.conditions, "valid_from": to_seconds(w.valid_from),
        "valid_to": to_seconds(w.valid_to), "accepted_by": w.accepted_by,
        "revocable": w.revocable,
        "revoked_at": to_seconds(w.revoked_at) if w.revoked_at else None,
    }
