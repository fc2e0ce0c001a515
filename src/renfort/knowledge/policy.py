"""The self-service policy: answer, hand off to an agent, or send elsewhere.

In order, for each message of a citizen:

1. the scope guard (:mod:`renfort.knowledge.triage`) runs first; a medical, urgent or
   psychological question is **redirected** at once to the client's directory entry
   (:mod:`renfort.knowledge.redirects`: the 15 and SMS 114 for danger, the 3114 for
   suicidal thoughts, the doctor, a listening line), never answered from the base, however
   well an article matches, and never queued to a non-medical agent; a health-information
   reading on which the model hesitated towards medical is not answered automatically;
2. a citizen who asks for a person is **handed off**;
3. otherwise the base is searched (public articles in force only); the best hit is answered
   **only** when its calibrated confidence reaches :data:`ANSWER_THRESHOLD`, always with its
   official source and date and the offer to talk to an agent; general health information
   gets a "not medical advice" line on top;
4. below the threshold the conversation is **handed off** to an agent.

The confidence is ``σ(a·coverage + b·margin + c·strength + d)`` (see
:class:`renfort.knowledge.search.Hit`), fitted by ``scripts/calibrate_answers.py`` on the
non-blind Québec paraphrases mixed with the French government FAQ, so that it reads
as the probability that the first hit is the right article.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from renfort.knowledge.articles import Version
from renfort.knowledge.redirects import DEFAULTS, Entry, key_for
from renfort.knowledge.search import Result, softmax_confidence
from renfort.knowledge.text import strip_accents, tokens
from renfort.knowledge.triage import REDIRECTED, Decision, Label

CALIBRATION: tuple[float, float, float, float] = (-7.81, 8.07, 4.99, -1.54)
"""``(a, b, c, d)`` of the confidence; printed by ``scripts/calibrate_answers.py``."""
ANSWER_THRESHOLD = 0.8
"""Answer automatically from this confidence on (about 9 answers in 10 right when tuned)."""


class Outcome(StrEnum):
    """What became of a self-service conversation turn (for reporting)."""

    SELF_SERVED = "self_served"
    HANDED_OFF = "handed_off"
    REDIRECTED = "redirected"


DOUBT = 0.25
"""A health-information reading by the model whose redirect probability reaches this is not
answered automatically: an agent reads it (the model hesitated towards medical)."""
OFFER_AGENT = "Cette réponse ne vous suffit pas ? Vous pouvez parler à un conseiller."
HEALTH_NOTE = ("Information générale, pas un avis médical : si vous avez des symptômes, "
               "contactez votre médecin.")
_WANTS_AGENT = re.compile(
    r"\b(parler|discuter|joindre|avoir) (a |avec )?(un |une )?(conseill\w*|agent|humain|"
    r"personne|operat\w*|quelqu un de reel)\b|\b(un conseiller|un humain|une vraie personne)\b"
    r"|\b(talk|speak) to (an? )?(agent|human|person|someone real)\b")


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one message."""

    action: Literal["answer", "handoff", "redirect"]
    reason: str
    confidence: float = 0.0
    ref: str | None = None
    number: int | None = None
    redirect: Entry | None = None

    @property
    def outcome(self) -> Outcome:
        return {"answer": Outcome.SELF_SERVED, "handoff": Outcome.HANDED_OFF,
                "redirect": Outcome.REDIRECTED}[self.action]


def wants_agent(message: str) -> bool:
    """The citizen asks for a person ("je veux parler à un conseiller")."""
    return bool(_WANTS_AGENT.search(" ".join(strip_accents(w) for w in tokens(message))))


_GREETINGS = frozenset({"bonjour", "bonsoir", "salut", "hello", "coucou", "allo", "hey",
                        "bjr", "slt", "bonne", "journee", "soiree"})
_COURTESY = frozenset({"madame", "monsieur", "mademoiselle", "a", "vous", "tous", "tout",
                       "le", "monde", "svp", "merci", "cordialement", "oui"})
GREETING_REPLY = ("Bonjour ! Je suis l'assistant du numéro vert. Quelle est votre question ? "
                  "Écrivez-la en une phrase, par exemple : « Puis-je rendre visite à mes "
                  "parents ? »")


def is_greeting(message: str) -> bool:
    """A message that only greets ("Bonjour", "bonsoir madame !"): there is no question to
    answer or to pass on yet, so the assistant greets back and waits for it."""
    # plain words, not tokens(): folding drops greetings as noise before a search
    words = [strip_accents(w) for w in re.findall(r"[^\W\d_]+", message.lower())]
    return bool(words) and any(w in _GREETINGS for w in words) and \
        all(w in _GREETINGS or w in _COURTESY for w in words)


def confidence(result: Result) -> float:
    """Calibrated probability that the first hit of ``result`` is the right article."""
    if not result.hits:
        return 0.0
    best = result.hits[0]
    return round(softmax_confidence(best.strength, best.coverage, result.margin, CALIBRATION),
                 4)


def redirect_for(triage: Decision, entries: Mapping[str, Entry] = DEFAULTS) -> Entry | None:
    """The directory entry a decision sends the person to (None when not redirected)."""
    key = key_for(str(triage.label), triage.rule)
    return entries.get(key, DEFAULTS[key]) if key is not None else None


def decide(message: str, triage: Decision, result: Result | None,
           threshold: float = ANSWER_THRESHOLD,
           entries: Mapping[str, Entry] = DEFAULTS) -> Plan:
    """The plan for one message, given its triage, its search result (public, in force) and
    the client's redirect directory."""
    redirect = redirect_for(triage, entries)
    if redirect is not None:
        return Plan("redirect", f"triage {triage.label}: {triage.reason}", redirect=redirect)
    if triage.label is Label.HEALTH_INFO and triage.rule == "model" and sum(
            triage.probabilities.get(str(k), 0.0) for k in REDIRECTED) >= DOUBT:
        return Plan("handoff", "signal médical incertain : pas de réponse automatique")
    if wants_agent(message):
        return Plan("handoff", "la personne a demandé un conseiller")
    if result is None or not result.hits:
        return Plan("handoff", "aucun article ne correspond")
    sure = confidence(result)
    best = result.hits[0]
    if sure < threshold:
        return Plan("handoff", f"confiance {sure:.2f} sous le seuil {threshold:.2f} "
                    f"(meilleur : {best.ref} v{best.number})", sure, best.ref, best.number)
    return Plan("answer", f"confiance {sure:.2f} ≥ {threshold:.2f}", sure, best.ref,
                best.number)


def answer_text(version: Version, health_info: bool = False) -> str:
    """The answer as sent to a citizen: the text, its source and date, the agent offer."""
    c = version.content
    source = f"Source : {c.source_body}, information du {c.source_date:%d/%m/%Y}"
    if c.source_url:
        source += f" ({c.source_url})"
    parts = [HEALTH_NOTE] if health_info else []
    parts += [c.answer.strip(), source, OFFER_AGENT]
    return "\n\n".join(parts)
