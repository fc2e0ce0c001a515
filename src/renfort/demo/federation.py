"""A deterministic demo federation: France, the week confinement began (March 2020).

Three outsourcers (six sites) answer the public coronavirus line (numéro vert, non-medical
information) and five essential-sector clients. Every company is fictional.

:func:`build_federation` is pure: the only input is ``now`` (which dates the bank's telework
waiver) and the only randomness is a ``random.Random`` with a fixed seed, so two builds are
equal and every id is a stable readable string: loading the federation twice is idempotent.

Demo accounts (:class:`DemoUser`) all follow one rule, **password = username + "-demo"**:

* ``admin`` / ``admin-demo``: administrator;
* ``manager-<outsourcer>`` and ``sup-<outsourcer>``: outsourcer manager and supervisor, for
  ``atlantique``, ``nordcom`` and ``azur``;
* ``client-<client>``: read-only client view, for each client slug;
* ``editor``: knowledge editor of the hotline's base (``numero-vert``);
* ``agent-<outsourcer>-<nnn>``: three agents (a hotline agent on site in Nantes, a health agent
  of Nordcom, a bank agent of Azur working from home under the waiver).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

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
    DEFAULT_BULLSEYE,
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

SEED = 20200317
"""Seed of the federation's only random generator (confinement began on 17 March 2020)."""

DemoRole = Literal["admin", "outsourcer_manager", "supervisor", "client_viewer", "agent",
                   "knowledge_editor", "staff_rep"]


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo account; the password is readable on purpose (documented, demo only)."""

    username: str
    password: str
    role: DemoRole
    outsourcer_slug: str | None = None
    client_slug: str | None = None
    agent_id: AgentId | None = None


@dataclass(frozen=True, slots=True)
class Federation:
    """Everything the demo loads, as tuples of validated domain objects."""

    outsourcers: tuple[Outsourcer, ...]
    clients: tuple[Client, ...]
    queues: tuple[Queue, ...]
    contracts: tuple[Contract, ...]
    sites: tuple[Site, ...]
    agents: tuple[Agent, ...]
    waivers: tuple[Waiver, ...]
    users: tuple[DemoUser, ...]


# --- Companies -----------------------------------------------------------------------------

_OUTSOURCERS = (
    ("atlantique", "Atlantique Relation Client"),
    ("nordcom", "Nordcom Services"),
    ("azur", "Azur Contact"),
)

_CLIENTS = (
    ("numero-vert", "Numéro vert coronavirus (informations non médicales)", Sector.PUBLIC),
    ("mutuelle-quatre-vents", "Mutuelle des Quatre Vents", Sector.HEALTH),
    ("energies-claires", "Énergies Claires", Sector.ENERGY),
    ("onde-telecom", "Onde Télécom", Sector.TELECOM),
    ("phare-assurances", "Le Phare Assurances", Sector.INSURANCE),
    ("banque-hermine", "Banque Hermine", Sector.BANKING),
)

_PUBLIC_CLIENTS = frozenset({"numero-vert"})

# (outsourcer, site slug, name, seats). Seats are the building's; distancing uses about half.
_SITES = (
    ("atlantique", "nantes", "Nantes – Île de Nantes", 220),
    ("atlantique", "poitiers", "Poitiers – Téléport", 110),
    ("nordcom", "lille", "Lille – Euralille", 250),
    ("nordcom", "amiens", "Amiens – Espace Nord", 130),
    ("azur", "marseille", "Marseille – Euroméditerranée", 180),
    ("azur", "montpellier", "Montpellier – Millénaire", 90),
)


def _oid(slug: str) -> OutsourcerId:
    return OutsourcerId(f"os-{slug}")


def _cid(slug: str) -> ClientId:
    return ClientId(f"cl-{slug}")


def _qid(slug: str) -> QueueId:
    return QueueId(f"q-{slug}")


def _sid(outsourcer: str, city: str) -> SiteId:
    return SiteId(f"site-{outsourcer}-{city}")


# --- Queues --------------------------------------------------------------------------------

_VOICE = frozenset({Channel.VOICE})
_VOICE_CHAT = frozenset({Channel.VOICE, Channel.CHAT})
_DAY = 86_400.0
_HOTLINE_BULLSEYE = (BullseyeTier(0.0, 4), BullseyeTier(20.0, 3), BullseyeTier(45.0, 1))
_WIDENING = (BullseyeTier(0.0, 3), BullseyeTier(30.0, 2), BullseyeTier(90.0, 1))


def _queue(
    slug: str, client: str, name: str, channels: frozenset[Channel], skill: str, *,
    sl_target: float = 0.8, sl_seconds: float = 60.0, overflow: float | None = None,
    telework: TeleworkRule = TeleworkRule.ALLOWED,
    bullseye: tuple[BullseyeTier, ...] = DEFAULT_BULLSEYE, language: str | None = None,
) -> Queue:
    public = client in _PUBLIC_CLIENTS and Channel.CHAT in channels
    return Queue(_qid(slug), slug, _cid(client), name, channels, skill, sl_target, sl_seconds,
                 overflow, telework, bullseye, language, public)


def _queues() -> tuple[Queue, ...]:
    return (
        # The numéro vert: non-medical questions; solidarity overflow between outsourcers.
        _queue("hotline-general", "numero-vert", "Informations générales", _VOICE_CHAT,
               "covid-info", bullseye=_HOTLINE_BULLSEYE, overflow=120.0),
        _queue("hotline-travel", "numero-vert", "Déplacements et attestations", _VOICE_CHAT,
               "covid-travel", bullseye=_HOTLINE_BULLSEYE, overflow=120.0),
        _queue("hotline-business", "numero-vert", "Entreprises : activité partielle, aides",
               _VOICE, "covid-business", bullseye=_WIDENING, overflow=120.0),
        # Foreign residents and stranded travellers: English-speaking agents only.
        _queue("hotline-english", "numero-vert", "Résidents et voyageurs étrangers (anglais)",
               _VOICE_CHAT, "covid-info", overflow=120.0, language="en"),
        _queue("hotline-callback", "numero-vert", "Rappels demandés", frozenset({Channel.CALLBACK}),
               "covid-info", sl_seconds=1800.0, overflow=900.0),
        # Health: phone is fine from home; scanned care documents (health data) stay on site.
        _queue("health-reimbursement", "mutuelle-quatre-vents", "Remboursements de soins",
               _VOICE, "health-reimbursement", bullseye=_WIDENING),
        _queue("health-documents", "mutuelle-quatre-vents", "Justificatifs et courriels",
               frozenset({Channel.EMAIL}), "health-reimbursement", sl_target=0.9,
               sl_seconds=_DAY, telework=TeleworkRule.ON_SITE_ONLY),
        # Energy: billing from anywhere; outages need the network operations tools on site.
        _queue("energy-billing", "energies-claires", "Factures et échéanciers", _VOICE_CHAT,
               "energy-billing"),
        _queue("energy-outage", "energies-claires", "Dépannages et coupures", _VOICE,
               "energy-outage", sl_seconds=30.0, telework=TeleworkRule.ON_SITE_ONLY),
        _queue("telecom-support", "onde-telecom", "Assistance internet et mobile", _VOICE_CHAT,
               "telecom-support", bullseye=_WIDENING),
        _queue("insurance-claims", "phare-assurances", "Déclarations de sinistre", _VOICE,
               "insurance-claims"),
        # The bank: home work only under its waiver (mode dégradé).
        _queue("bank-cards", "banque-hermine", "Cartes : opposition et plafonds", _VOICE,
               "bank-cards", sl_seconds=30.0, telework=TeleworkRule.WITH_WAIVER,
               bullseye=_WIDENING),
        _queue("bank-accounts", "banque-hermine", "Comptes et reports d'échéances", _VOICE_CHAT,
               "bank-accounts", telework=TeleworkRule.WITH_WAIVER),
    )


# --- Contracts: (client, lot, queue slugs, {outsourcer: volume share}) -----------------------
# A lot groups queues with the same service level; each outsourcer of a lot signs a contract.

_LOTS: tuple[tuple[str, str, tuple[str, ...], dict[str, float]], ...] = (
    ("numero-vert", "crise", ("hotline-general", "hotline-travel", "hotline-business",
                              "hotline-english"),
     {"atlantique": 0.4, "nordcom": 0.35, "azur": 0.25}),
    ("numero-vert", "rappels", ("hotline-callback",), {"atlantique": 0.5, "azur": 0.5}),
    ("mutuelle-quatre-vents", "telephone", ("health-reimbursement",),
     {"nordcom": 0.6, "azur": 0.4}),
    ("mutuelle-quatre-vents", "courriels", ("health-documents",), {"nordcom": 1.0}),
    ("energies-claires", "facturation", ("energy-billing",), {"atlantique": 0.7, "azur": 0.3}),
    ("energies-claires", "depannage", ("energy-outage",), {"atlantique": 1.0}),
    ("onde-telecom", "assistance", ("telecom-support",),
     {"nordcom": 0.5, "azur": 0.25, "atlantique": 0.25}),
    ("phare-assurances", "sinistres", ("insurance-claims",), {"atlantique": 1.0}),
    ("banque-hermine", "cartes", ("bank-cards",), {"azur": 0.6, "nordcom": 0.4}),
    ("banque-hermine", "comptes", ("bank-accounts",), {"azur": 0.6, "nordcom": 0.4}),
)


def _contracts(queues: tuple[Queue, ...]) -> tuple[Contract, ...]:
    by_slug = {q.slug: q for q in queues}
    contracts = []
    for client, lot, slugs, shares in _LOTS:
        lot_queues = [by_slug[s] for s in slugs]
        for outsourcer, share in shares.items():
            contracts.append(Contract(
                ContractId(f"ct-{client}-{lot}-{outsourcer}"), _cid(client), _oid(outsourcer),
                frozenset(q.id for q in lot_queues),
                sl_target=max(q.sl_target for q in lot_queues),
                sl_seconds=min(q.sl_seconds for q in lot_queues),
                volume_share=share,
            ))
    return tuple(contracts)


# --- Agents --------------------------------------------------------------------------------

# Teams per outsourcer: (skills, primary first; headcount; share working from home).
_TEAMS: dict[str, tuple[tuple[tuple[str, ...], int, float], ...]] = {
    "atlantique": (
        (("covid-info", "covid-travel"), 36, 0.5),
        (("covid-business", "covid-info"), 10, 0.5),
        (("energy-billing", "energy-outage"), 28, 0.25),
        (("telecom-support",), 8, 0.4),
        (("insurance-claims",), 18, 0.5),
    ),
    "nordcom": (
        (("covid-info", "covid-travel"), 38, 0.45),
        (("covid-business", "covid-info"), 8, 0.5),
        (("health-reimbursement",), 26, 0.2),
        (("telecom-support",), 20, 0.4),
        (("bank-cards", "bank-accounts"), 18, 0.35),
    ),
    "azur": (
        (("covid-info", "covid-travel"), 30, 0.5),
        (("covid-business", "covid-info"), 6, 0.5),
        (("health-reimbursement",), 12, 0.4),
        (("energy-billing",), 10, 0.4),
        (("telecom-support",), 12, 0.4),
        (("bank-accounts", "bank-cards"), 20, 0.5),
    ),
}
_CROSS_TRAINED = 0.15
"""Share of other teams' agents also trained on ``covid-info`` (entraide on the hotline)."""

_FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Laura", "Pauline",
    "Marine", "Anaïs", "Nadia", "Fatima", "Yasmine", "Sofia", "Amandine", "Élodie", "Aurélie",
    "Céline", "Sandrine", "Nathalie", "Isabelle", "Mélanie", "Océane", "Lucie", "Clara", "Aïcha",
    "Thomas", "Nicolas", "Julien", "Kevin", "Maxime", "Alexandre", "Hugo", "Lucas", "Antoine",
    "Romain", "Mehdi", "Karim", "Yanis", "Rayan", "Sébastien", "Jérôme", "Mathieu", "Florian",
    "Théo", "Quentin", "Bastien", "Samir", "Moussa", "Mamadou", "Loïc", "Yann", "Gaëtan",
    "Christophe", "Stéphane", "Olivier", "Franck", "David",
)
_INITIALS = "ABCDEFGHJLMNPRSTV"
# (language, probability an agent speaks it besides French)
_LANGUAGES = (("en", 0.3), ("es", 0.08), ("ar", 0.1), ("pt", 0.05), ("de", 0.04), ("it", 0.04))
_PROFICIENCY_WEIGHTS = (1, 3, 5, 4, 2)  # levels 1..5 for an agent's main skill


def _agents(rng: random.Random, sites: tuple[Site, ...]) -> tuple[Agent, ...]:
    agents: list[Agent] = []
    for outsourcer, teams in _TEAMS.items():
        own_sites = [s for s in sites if s.outsourcer_id == _oid(outsourcer)]
        weights = [s.seats for s in own_sites]
        number = 0
        for skills, headcount, home_share in teams:
            at_home = set(rng.sample(range(headcount), round(headcount * home_share)))
            for member in range(headcount):
                number += 1
                level = rng.choices(range(1, 6), weights=_PROFICIENCY_WEIGHTS)[0]
                agent_skills = {skills[0]: level}
                for other in skills[1:]:
                    agent_skills[other] = max(1, level - rng.randint(0, 2))
                if "covid-info" not in agent_skills and rng.random() < _CROSS_TRAINED:
                    agent_skills["covid-info"] = rng.randint(1, 2)
                languages = {"fr"} | {lang for lang, p in _LANGUAGES if rng.random() < p}
                site = rng.choices(own_sites, weights=weights)[0]
                name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_INITIALS)}."
                agents.append(Agent(
                    AgentId(f"ag-{outsourcer}-{number:03d}"), _oid(outsourcer), name,
                    agent_skills, frozenset(languages),
                    works_from=WorkPlace.HOME if member in at_home else WorkPlace.SITE,
                    site_id=site.id,
                    capacity={Channel.VOICE: 1, Channel.CHAT: rng.choice((2, 3)),
                              Channel.EMAIL: 2, Channel.CALLBACK: 1},
                ))
    return tuple(agents)


# --- The bank's waiver ---------------------------------------------------------------------

WAIVER_CONDITIONS = (
    "poste fourni et administré par le prestataire, disque chiffré",
    "connexion au système d'information de la banque par VPN uniquement",
    "aucune impression ni capture d'écran des données clients",
    "enregistrement des appels maintenu et conservé selon la politique de la banque",
    "pièce isolée, aucun tiers à portée d'écoute",
)


def _bank_waiver(now: datetime, queues: tuple[Queue, ...]) -> Waiver:
    bank = _cid("banque-hermine")
    return Waiver(
        WaiverId("wv-banque-hermine-teletravail"), bank,
        frozenset(q.id for q in queues if q.client_id == bank),
        "; ".join(WAIVER_CONDITIONS),
        valid_from=now - timedelta(days=7), valid_to=now + timedelta(days=30),
        accepted_by="Hélène Marchand, directrice de la relation client, Banque Hermine",
    )


# --- Users ---------------------------------------------------------------------------------


def _user(username: str, role: DemoRole, outsourcer: str | None = None,
          client: str | None = None, agent: AgentId | None = None) -> DemoUser:
    return DemoUser(username, f"{username}-demo", role, outsourcer, client, agent)


def _pick_agent(agents: tuple[Agent, ...], outsourcer: str, skill: str,
                where: WorkPlace) -> Agent:
    """The first of the most proficient agents: first in line for the queue's bullseye."""
    fits = [a for a in agents if a.outsourcer_id == _oid(outsourcer)
            and skill in a.skills and a.works_from is where]
    best = max(a.skills[skill] for a in fits)
    return next(a for a in fits if a.skills[skill] == best)


def _users(agents: tuple[Agent, ...]) -> tuple[DemoUser, ...]:
    users = [_user("admin", "admin")]
    for slug, _ in _OUTSOURCERS:
        users.append(_user(f"manager-{slug}", "outsourcer_manager", outsourcer=slug))
        users.append(_user(f"sup-{slug}", "supervisor", outsourcer=slug))
        users.append(_user(f"rep-{slug}", "staff_rep", outsourcer=slug))
    users.extend(_user(f"client-{slug}", "client_viewer", client=slug) for slug, _, _ in _CLIENTS)
    users.append(_user("editor", "knowledge_editor", client="numero-vert"))
    for username, outsourcer, skill, where in (
        ("agent-hotline", "atlantique", "covid-info", WorkPlace.SITE),
        ("agent-health", "nordcom", "health-reimbursement", WorkPlace.SITE),
        ("agent-bank-home", "azur", "bank-cards", WorkPlace.HOME),
    ):
        agent = _pick_agent(agents, outsourcer, skill, where)
        users.append(_user(username, "agent", outsourcer=outsourcer, agent=agent.id))
    return tuple(users)


# --- Assembly ------------------------------------------------------------------------------


def build_federation(now: datetime) -> Federation:
    """The demo federation as of ``now`` (timezone-aware; it dates the bank's waiver)."""
    rng = random.Random(SEED)
    outsourcers = tuple(Outsourcer(_oid(slug), slug, name) for slug, name in _OUTSOURCERS)
    # Only the numéro vert takes anonymous citizens; the other clients' chats are reached
    # through their own (authenticated) integrations.
    clients = tuple(Client(_cid(slug), slug, name, sector, public=slug in _PUBLIC_CLIENTS)
                    for slug, name, sector in _CLIENTS)
    sites = tuple(Site(_sid(o, city), f"{o}-{city}", _oid(o), name, seats)
                  for o, city, name, seats in _SITES)
    queues = _queues()
    agents = _agents(rng, sites)
    return Federation(
        outsourcers=outsourcers,
        clients=clients,
        queues=queues,
        contracts=_contracts(queues),
        sites=sites,
        agents=agents,
        waivers=(_bank_waiver(now, queues),),
        users=_users(agents),
    )


def describe(fed: Federation) -> dict[str, int]:
    """Counts of what the federation holds (for logs, the CLI and the tests)."""
    places = Counter(a.works_from for a in fed.agents)
    return {
        "outsourcers": len(fed.outsourcers),
        "clients": len(fed.clients),
        "queues": len(fed.queues),
        "contracts": len(fed.contracts),
        "sites": len(fed.sites),
        "seats": sum(s.seats for s in fed.sites),
        "agents": len(fed.agents),
        "agents_on_site": places[WorkPlace.SITE],
        "agents_at_home": places[WorkPlace.HOME],
        "waivers": len(fed.waivers),
        "users": len(fed.users),
    }
