"""Renfort's own phrasings (``tests/fixtures/triage``, written for the project in plain,
familiar, misspelt, texted French and some English): every urgent one is urgent, every
medical or psychological one is redirected, at most 10 % of non-medical ones are flagged;
multi-sentence messages are decided by their most serious sentence; idioms do not fire."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from renfort.knowledge import redirects
from renfort.knowledge.triage import REDIRECTED, Label, Triage
from renfort.knowledge.wording import clauses, plain
from renfort.services.knowledge_search import bundled_model

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "triage"


@pytest.fixture(scope="module")
def triage() -> Triage:
    return Triage(bundled_model())


def _rows(part: str) -> list[dict[str, str]]:
    with (FIXTURES / f"{part}.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.parametrize("part", ["train", "dev", "test"])
def test_every_redirect_is_caught_and_few_controls_flagged(triage: Triage, part: str) -> None:
    rows = _rows(part)
    assert len(rows) >= 90
    labels = [(r["label"], triage.classify(r["question"]).label) for r in rows]
    missed = [r["question"] for r, (g, p) in zip(rows, labels, strict=True)
              if g in REDIRECTED and p not in REDIRECTED]
    assert not missed
    urgent = [p for g, p in labels if g == "medical_urgent"]
    assert sum(p is Label.MEDICAL_URGENT for p in urgent) / len(urgent) >= 0.95
    controls = [p for g, p in labels if g == "non_medical"]
    assert sum(p in REDIRECTED for p in controls) / len(controls) <= 0.10


@pytest.mark.parametrize("message", [
    "papy a glissé dans le jardin et depuis il ne réagit plus du tout",
    "ma tante est allongée par terre, elle bouge pas",
    "mon pote a fait un malaise au boulot",
    "ses levres sont toutes bleu",
    "jarrive plu a respiré",
    "il a une douleur qui serre la poitrine",
    "son visage est de travers et elle parle bizarre",
    "mon neveu convulse",
    "ma fille a bu de la javel",
    "il a pris toute la boite de somniferes",
    "elle crache du sang",
    "mon grand-père est très confus ce soir",
    "mon nourrisson a de la fievre et il boit plus",
    "je veux plus vivre",
    "jai envie d'en finir",
    "I think my dad is having a stroke",
])
def test_danger_in_plain_familiar_and_texted_words(triage: Triage, message: str) -> None:
    decision = triage.classify(message)
    assert decision.label is Label.MEDICAL_URGENT, (decision.reason, plain(message))


def test_suicidal_thoughts_keep_their_rule_and_get_3114(triage: Triage) -> None:
    decision = triage.classify("j'ai pensé à me foutre en l'air cette nuit")
    assert decision.suicide and decision.rule == "urgent.suicide"
    key = redirects.key_for(str(decision.label), decision.rule)
    assert key == "suicide" and redirects.DEFAULTS["suicide"].numbers[0].href == "tel:3114"


@pytest.mark.parametrize("message", [
    "je crève de faim, les boulangeries ouvrent le dimanche ?",
    "mort de rire ton attestation, on a le droit de sortir le chien ?",
    "ce télétravail me tue, mon employeur paie l'électricité ?",
    "je suis mort de fatigue, je peux poser des congés ?",
    "je meurs d'envie d'un resto, ça rouvre quand ?",
    "je suis tombé en panne sur l'autoroute, je peux appeler une dépanneuse ?",
    "il faut que je signe un bail, je peux me déplacer ?",
])
def test_idioms_do_not_fire(triage: Triage, message: str) -> None:
    assert triage.classify(message).label not in REDIRECTED


def test_the_most_serious_sentence_decides(triage: Triage) -> None:
    message = ("Bonjour, j'ai une question sur l'attestation. Aussi mon père est tombé "
               "dans l'escalier et il ne se relève pas. Merci.")
    assert len(clauses(message)) == 3
    decision = triage.classify(message)
    assert decision.label is Label.MEDICAL_URGENT
    medical = triage.classify("Les écoles rouvrent quand ? Ma fille tousse depuis hier.")
    assert medical.label is Label.MEDICAL
    calm = triage.classify("Les écoles rouvrent quand ? Et les cantines ?")
    assert calm.label not in REDIRECTED


@pytest.mark.parametrize("message", [
    "Je ne me sens pas bien depuis ce matin",
    "Comment soigne-t-on les personnes contaminées ?",
    "Est-ce que le Kaletra fonctionne contre ce virus ?",
    "Pouvez-vous m'aider à faire mon diagnostic ?",
])
def test_personal_medical_questions_of_every_kind(triage: Triage, message: str) -> None:
    assert triage.classify(message).label in (Label.MEDICAL, Label.MEDICAL_URGENT)


def test_thresholds_come_from_the_model_and_are_asymmetric(triage: Triage) -> None:
    assert triage.thresholds.redirect < 0.6 and triage.thresholds.urgent < 0.5
    assert bundled_model().classes == ("medical_urgent", "medical", "psychological",
                                       "health_info", "non_medical")
