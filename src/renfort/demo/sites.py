"""Demo sites under distancing: seat plans, rules, home set-ups and the sanitary register.

Pure and deterministic like :mod:`renfort.demo.federation`: plans come from
:mod:`renfort.sites.generate` with fixed seeds, consultations are dated from ``now``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from renfort.demo.federation import Federation
from renfort.domain.model import WorkPlace
from renfort.sites.distancing import DistancingRule
from renfort.sites.generate import LayoutKind, make_plan
from renfort.sites.guide import GUIDE
from renfort.sites.layout import SeatPlan
from renfort.sites.measures import Consultation, MeasureStatus
from renfort.sites.telework import REQUIREMENTS, HomeSetup

SEED = 20200316


@dataclass(frozen=True, slots=True)
class DemoSite:
    site_id: str
    plan: SeatPlan
    rule: DistancingRule
    cleaning_minutes: float


@dataclass(frozen=True, slots=True)
class DemoConsultation:
    site_id: str
    consultation: Consultation
    changes: tuple[tuple[str, MeasureStatus, str], ...]
    """(measure code, status, evidence)."""


# site id → (layout, seed offset, rule, cleaning minutes)
_PLANS: dict[str, tuple[LayoutKind, DistancingRule, float]] = {
    "site-atlantique-nantes": ("mixed", DistancingRule(1.5), 30.0),
    "site-atlantique-poitiers": ("rows", DistancingRule(1.5), 30.0),
    "site-nordcom-lille": ("rows", DistancingRule(1.5, free_seat_between=True), 30.0),
    "site-nordcom-amiens": ("open-space", DistancingRule(1.5), 30.0),
    "site-azur-marseille": ("mixed", DistancingRule(1.5), 20.0),
    "site-azur-montpellier": ("open-space", DistancingRule(2.0), 20.0),
}
_MISSING_SHARE = 0.06
"""Share of home agents whose set-up still misses an item (VPN token not delivered…)."""


def demo_sites(fed: Federation) -> tuple[DemoSite, ...]:
    sites = []
    for number, site in enumerate(fed.sites):
        kind, rule, cleaning = _PLANS.get(site.id, ("mixed", DistancingRule(1.5), 30.0))
        sites.append(DemoSite(site.id, make_plan(kind, site.seats, SEED + number), rule,
                              cleaning))
    return tuple(sites)


def demo_home_setups(fed: Federation) -> tuple[HomeSetup, ...]:
    """Every home agent's set-up; a few miss one item, never a demo user's agent."""
    rng = random.Random(SEED)
    protected = {u.agent_id for u in fed.users if u.agent_id}
    setups = []
    for agent in fed.agents:
        if agent.works_from is not WorkPlace.HOME:
            continue
        items = dict.fromkeys(REQUIREMENTS, True)
        if agent.id not in protected and rng.random() < _MISSING_SHARE:
            items[rng.choice(("vpn", "softphone", "training_done"))] = False
        setups.append(HomeSetup(agent.id, **items))
    return tuple(setups)


_PARTICIPANTS = {
    "atlantique": ("Sophie Le Gall (direction du site)", "Marc Riou (élu CSE)",
                   "Aline Perrot (élue CSE, CSSCT)", "Dr Kerbrat (médecine du travail)"),
    "nordcom": ("Hervé Delattre (direction du site)", "Nadia Benali (élue CSE)",
                "Pascal Vanhove (délégué syndical)", "Julie Caron (référente covid)"),
    "azur": ("Laurent Giraud (direction du site)", "Samia Haddad (élue CSE)",
             "Cédric Martin (élu CSE, CSSCT)", "Dr Pellegrin (médecine du travail)"),
}
_NOT_YET = {"masques", "ventilation-controle", "lingettes-poste"}
"""Measures still planned after the first consultation (masks were scarce in March 2020)."""


def _evidence(code: str, site_slug: str) -> str:
    return f"Constat du {site_slug} : mesure « {code} » vérifiée sur place, photo jointe au " \
           "registre papier."


def demo_consultations(fed: Federation, today: date) -> tuple[DemoConsultation, ...]:
    """Two consultations per site: the guide put in place three days ago, then
    yesterday's adaptations (masks arrived, canteen closed, lifts limited)."""
    out = []
    for site in fed.sites:
        outsourcer = site.slug.split("-", 1)[0]
        people = _PARTICIPANTS.get(outsourcer, ("Direction", "Élus CSE"))
        first = tuple(
            (m.code, MeasureStatus.PLANNED, "") if m.code in _NOT_YET
            else (m.code, MeasureStatus.IN_PLACE, _evidence(m.code, site.slug))
            for m in GUIDE)
        out.append(DemoConsultation(site.id, Consultation(
            today - timedelta(days=3), people,
            "Avis favorable des élus, sous réserve d'un point quotidien et de la remise des "
            "masques dès réception.",
            "Application du guide des bonnes pratiques à compter de ce jour ; plan des "
            "postes utilisables affiché à l'entrée de chaque plateau."), first))
        second = (
            ("masques", MeasureStatus.IN_PLACE,
             "Livraison de 2 000 masques chirurgicaux reçue ; distribution à l'accueil."),
            ("cantine", MeasureStatus.SUSPENDED,
             "Restaurant d'entreprise fermé ; repas à emporter, salle de pause ouverte "
             "en horaires décalés."),
            ("ascenseurs", MeasureStatus.ADAPTED,
             "Une personne par cabine, affichage posé ; escalier B réservé à la montée."),
        )
        out.append(DemoConsultation(site.id, Consultation(
            today - timedelta(days=1), people[:3],
            "Les élus demandent un nettoyage supplémentaire des sanitaires l'après-midi ; "
            "avis favorable sur les autres points.",
            "Masques portés dans les circulations ; restaurant fermé jusqu'à nouvel ordre ; "
            "passage de nettoyage supplémentaire à 15 h."), second))
    return tuple(out)
