"""Home eligibility, the home-share report, and the register's CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest

from renfort.domain.errors import ValidationError
from renfort.domain.ids import ClientId, QueueId, WaiverId
from renfort.domain.model import Channel, Queue, TeleworkRule, Waiver, WorkPlace
from renfort.sites.guide import GUIDE
from renfort.sites.measures import (
    REGISTER_COLUMNS,
    Consultation,
    MeasureChange,
    MeasureStatus,
    register_csv,
    validate_changes,
)
from renfort.sites.telework import HandledContact, HomeSetup, home_refusal, home_share

T = datetime(2020, 3, 20, 10, tzinfo=UTC)


def test_home_eligibility_needs_all_four_items() -> None:
    assert HomeSetup("a", True, True, True, True).eligible
    assert HomeSetup("a", True, False, True, True).missing() == ("vpn",)
    assert home_refusal(WorkPlace.HOME, None) == ("managed_laptop", "vpn", "softphone",
                                                  "training_done")
    assert home_refusal(WorkPlace.SITE, None) == ()


def _queue(slug: str, rule: TeleworkRule) -> Queue:
    return Queue(QueueId(slug), slug, ClientId("bank"), slug, frozenset({Channel.VOICE}),
                 "s", telework=rule)


def test_home_share_names_the_waiver_in_force_when_answered() -> None:
    queues = {"cards": _queue("cards", TeleworkRule.WITH_WAIVER),
              "faq": _queue("faq", TeleworkRule.ALLOWED)}
    waiver = Waiver(WaiverId("w1"), ClientId("bank"), frozenset({QueueId("cards")}), "vpn",
                    T - timedelta(days=1), T + timedelta(days=1), "bank",
                    revoked_at=T + timedelta(hours=1))
    contacts = [
        HandledContact("bank", "cards", T, WorkPlace.HOME),
        HandledContact("bank", "cards", T + timedelta(hours=2), WorkPlace.HOME),  # revoked
        HandledContact("bank", "faq", T, WorkPlace.HOME),
        HandledContact("bank", "cards", T, WorkPlace.SITE),
    ]
    [line] = home_share(contacts, queues, [waiver])
    assert (line.handled, line.from_home, line.home_share) == (4, 3, 0.75)
    assert line.by_basis == {"allowed": 1, "none": 1, "w1": 1}


def _change(code: str, after: MeasureStatus, evidence: str = "photo") -> MeasureChange:
    return MeasureChange("nantes", code, None, after, evidence, T, "manager",
                         Consultation(date(2020, 3, 19), ("CSE", "Direction"),
                                      "favorable; sous réserve", "appliquer"))


def test_register_csv_is_readable_by_a_french_spreadsheet() -> None:
    text = register_csv([_change("masques", MeasureStatus.IN_PLACE)],
                        {"masques": "Masques"})
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert tuple(rows[0]) == REGISTER_COLUMNS
    assert rows[1][1:6] == ["nantes", "masques", "Masques", "", "en place"]
    assert rows[1][-2] == "favorable; sous réserve"


def test_changes_are_validated() -> None:
    with pytest.raises(ValidationError, match="evidence"):
        _change("masques", MeasureStatus.IN_PLACE, evidence=" ")
    _change("masques", MeasureStatus.PLANNED, evidence="")
    with pytest.raises(ValidationError):
        Consultation(date(2020, 3, 19), (), "x", "y")
    codes = [m.code for m in GUIDE]
    with pytest.raises(ValidationError, match="twice"):
        validate_changes(codes, ["masques", "masques"])
    with pytest.raises(ValidationError, match="unknown"):
        validate_changes(codes, ["licornes"])


def test_the_guide_has_about_twenty_distinct_measures() -> None:
    assert 18 <= len(GUIDE) <= 25
    assert len({m.code for m in GUIDE}) == len(GUIDE)
