"""The agent's alert on a contact whose citizen wrote something the line must not answer:
the most serious notice wins, the latest of its rank; the numbers are those given then."""

from __future__ import annotations

from typing import Any

from renfort.knowledge.redirects import DEFAULTS
from renfort.services.desktop import safety_alert


def _note(key: str, at: str, text: str = "…", numbers: list[dict[str, str]] | None = None
          ) -> dict[str, Any]:
    data: dict[str, Any] = {"key": key, "label": key, "text": text}
    if numbers is not None:
        data.update(numbers=numbers, entry_label=f"entrée {key}")
    return {"action": "triage_redirect", "at": at, "data": data}


def test_no_notice_no_alert() -> None:
    assert safety_alert([{"action": "accept", "at": "t", "data": {}}], DEFAULTS) is None


def test_danger_outranks_a_later_medical_question_and_the_latest_danger_shows() -> None:
    events = [_note("medical_urgent", "t1", "premier"), _note("suicide", "t2", "second"),
              _note("medical", "t3", "dernier")]
    alert = safety_alert(events, DEFAULTS)
    assert alert is not None
    assert alert["key"] == "suicide" and alert["text"] == "second"
    assert alert["urgent"] and alert["count"] == 3
    assert alert["numbers"][0]["href"] == "tel:3114"  # from the directory: none recorded


def test_the_numbers_recorded_with_the_notice_are_shown() -> None:
    given = [{"label": "Écoute locale", "number": "0 800 000 111", "kind": "tel"}]
    alert = safety_alert([_note("psychological", "t", numbers=given)], DEFAULTS)
    assert alert is not None and not alert["urgent"]
    assert alert["numbers"] == [{"label": "Écoute locale", "number": "0 800 000 111",
                                 "kind": "tel", "href": "tel:0800000111"}]
    assert alert["entry_label"] == "entrée psychological"
