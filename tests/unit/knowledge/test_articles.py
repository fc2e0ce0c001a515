"""Versions and publication: windows, supersession at valid_from, history and diff."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from renfort.domain.errors import ConflictError, ValidationError
from renfort.knowledge import articles as a
from renfort.knowledge.articles import Content, Status, Version
from renfort.knowledge.search import KnowledgeSearch

HOUR = 3600.0
RULE_V1 = Content("Combien de temps peut-on sortir faire du sport ?",
                  "Une heure par jour, dans un rayon d'un kilomètre.", "deplacements",
                  "Gouvernement", date(2020, 3, 24), "https://www.gouvernement.fr/info")
RULE_V2 = replace(RULE_V1, answer="Sans limite de durée, à moins de 100 km de chez soi.",
                  source_date=date(2020, 5, 11))


def _publish(versions: list[Version], number: int, now: float,
             valid_from: float | None = None) -> list[Version]:
    changed = {v.number: v for v in a.publish(versions, number, now=now, by="editor",
                                              valid_from=valid_from)}
    return [changed.get(v.number, v) for v in versions]


def test_new_version_supersedes_the_previous_one_at_valid_from() -> None:
    versions = _publish([Version("sport", 1, RULE_V1)], 1, now=0.0)
    versions.append(Version("sport", 2, RULE_V2))
    versions = _publish(versions, 2, now=HOUR, valid_from=10 * HOUR)  # scheduled
    assert a.in_force(versions, 5 * HOUR).number == 1  # type: ignore[union-attr]
    assert a.in_force(versions, 10 * HOUR).number == 2  # type: ignore[union-attr]
    assert versions[0].valid_to == 10 * HOUR
    assert [v.status for v in versions] == [Status.PUBLISHED, Status.PUBLISHED]


def test_a_later_publication_withdraws_a_version_scheduled_after_it() -> None:
    versions = _publish([Version("sport", 1, RULE_V1)], 1, now=0.0)
    versions += [Version("sport", 2, RULE_V2), Version("sport", 3, RULE_V1)]
    versions = _publish(versions, 2, now=HOUR, valid_from=10 * HOUR)
    versions = _publish(versions, 3, now=2 * HOUR, valid_from=5 * HOUR)
    assert versions[1].status is Status.ARCHIVED  # never took effect
    assert a.in_force(versions, 12 * HOUR).number == 3  # type: ignore[union-attr]


@pytest.mark.parametrize(("valid_from", "valid_to"), [(-HOUR, None), (HOUR, HOUR / 2)])
def test_windows_in_the_past_or_empty_are_refused(valid_from: float,
                                                  valid_to: float | None) -> None:
    with pytest.raises(ValidationError):
        a.publish([Version("sport", 1, RULE_V1)], 1, now=0.0, by="e", valid_from=valid_from,
                  valid_to=valid_to)


def test_only_a_draft_can_be_published() -> None:
    versions = _publish([Version("sport", 1, RULE_V1)], 1, now=0.0)
    with pytest.raises(ConflictError):
        a.publish(versions, 1, now=1.0, by="e")


def test_diff_shows_what_changed() -> None:
    diff = a.diff(Version("sport", 1, RULE_V1), Version("sport", 2, RULE_V2))
    assert "-  Une heure par jour" in diff and "+  Sans limite de durée" in diff
    assert "+source_date: 2020-05-11" in diff
    assert a.diff(Version("sport", 1, RULE_V1), Version("sport", 2, RULE_V1)) == ""


@pytest.mark.parametrize("broken", [
    {"question": "?"}, {"source_date": "24/03/2020"}, {"audience": "everyone"},
    {"category": "deux\nlignes"}, {"category": "x" * 61}, {"source_url": "ftp://x"}, {"lang": "de"},
    {"alternatives": "pas une liste"},
])
def test_bad_content_is_refused(broken: dict[str, object]) -> None:
    good = {"question": "Une question ?", "answer": "Une réponse.", "category": "divers",
            "source": "Gouvernement", "source_date": "2020-03-24"}
    a.content_from(good)
    with pytest.raises(ValidationError):
        a.content_from({**good, **broken})


def test_a_category_is_a_label_kept_as_typed_and_compared_by_key() -> None:
    good = {"question": "Une question ?", "answer": "Une réponse.",
            "category": "Vie quotidienne", "source": "Gouvernement",
            "source_date": "2020-03-24"}
    assert a.content_from(good).category == "Vie quotidienne"
    assert a.category_key("Déplacements") == a.category_key("deplacements") == "deplacements"
    assert a.category_key("Vie quotidienne") == "vie-quotidienne"


def test_search_follows_the_version_in_force() -> None:
    search = KnowledgeSearch()
    versions = _publish([Version("sport", 1, RULE_V1)], 1, now=0.0)
    versions.append(Version("sport", 2, RULE_V2))
    versions = _publish(versions, 2, now=HOUR, valid_from=10 * HOUR)
    search.put_all(versions)
    before = search.search("combien de temps pour le sport", now=5 * HOUR).hits
    after = search.search("combien de temps pour le sport", now=11 * HOUR).hits
    assert [(h.ref, h.number) for h in before] == [("sport", 1)]
    assert [(h.ref, h.number) for h in after] == [("sport", 2)]
    search.drop("sport")
    assert search.search("sport", now=11 * HOUR).hits == ()
