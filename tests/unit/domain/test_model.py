"""Domain entities refuse invalid values when they are built."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.domain.ids import AgentId, ClientId, OutsourcerId, QueueId, WaiverId
from renfort.domain.model import (
    Agent,
    BullseyeTier,
    Channel,
    Client,
    Queue,
    Sector,
    Waiver,
    WorkPlace,
)


def _queue(**changes: object) -> Queue:
    values: dict[str, object] = {
        "id": QueueId("q"), "slug": "q", "client_id": ClientId("c"), "name": "Q",
        "channels": frozenset({Channel.VOICE}), "skill": "covid-info",
    }
    values.update(changes)
    return Queue(**values)  # type: ignore[arg-type]


def test_priority_comes_from_the_sector_unless_overridden() -> None:
    assert Client(ClientId("c"), "hotline", "H", Sector.PUBLIC).priority == 1
    assert Client(ClientId("c"), "bank", "B", Sector.BANKING).priority == 3
    assert Client(ClientId("c"), "bank", "B", Sector.BANKING, priority_override=1).priority == 1


def test_bullseye_floor_widens_with_waiting_time() -> None:
    queue = _queue(bullseye=(BullseyeTier(0, 4), BullseyeTier(20, 3), BullseyeTier(45, 1)))
    assert [queue.min_proficiency_after(w) for w in (0, 19.9, 20, 44, 45, 600)] == \
        [4, 4, 3, 3, 1, 1]


@pytest.mark.parametrize("changes", [
    {"slug": "Bad Slug"},
    {"channels": frozenset()},
    {"sl_target": 1.5},
    {"sl_seconds": 0},
    {"overflow_after_seconds": -1},
    {"bullseye": (BullseyeTier(5, 3),)},
    {"bullseye": (BullseyeTier(0, 3), BullseyeTier(10, 4))},
])
def test_invalid_queues_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _queue(**changes)


def test_agent_proficiency_and_site_are_checked() -> None:
    with pytest.raises(ValidationError):
        Agent(AgentId("a"), OutsourcerId("o"), "A", {"covid-info": 6}, site_id=None,
              works_from=WorkPlace.HOME)
    with pytest.raises(ValidationError):
        Agent(AgentId("a"), OutsourcerId("o"), "A", {"covid-info": 3})


def test_waiver_is_active_inside_its_window_until_revoked() -> None:
    start = datetime(2020, 3, 17, tzinfo=UTC)
    waiver = Waiver(WaiverId("w"), ClientId("c"), frozenset({QueueId("q")}), "VPN", start,
                    start + timedelta(days=30), "Mme X")
    assert not waiver.active_at(start - timedelta(seconds=1))
    assert waiver.active_at(start)
    assert not waiver.active_at(start + timedelta(days=30))
    revoked = Waiver(WaiverId("w"), ClientId("c"), frozenset({QueueId("q")}), "VPN", start,
                     start + timedelta(days=30), "Mme X", revoked_at=start + timedelta(days=1))
    assert revoked.active_at(start + timedelta(hours=1))
    assert not revoked.active_at(start + timedelta(days=2))
