"""Internal notes as an agent reads them: clear French labels, never the raw reason.

The assistant leaves a system line on a contact it hands off ("Transmis par l'assistant en
ligne : confiance 0.72 sous le seuil 0.80 (meilleur : visites-ehpad v3).") and the triage
gives reasons written for the audit trail ("modèle : p(orienter)=0.31 …", "triage
medical_urgent: …"). The stored text stays as it is (it is the audit); these functions say
what it means to the person who has to act on it.
"""

from __future__ import annotations

import re

from renfort.services.desktop import HANDOFF_PREFIX
from renfort.web.templating import message

_HANDOFF = (
    ("la personne a demandé un conseiller", "note.handoff.asked"),
    ("aucun article ne correspond", "note.handoff.no_article"),
    ("confiance", "note.handoff.unsure"),
    ("signal médical incertain", "note.handoff.medical_doubt"),
)
_TRIAGE = re.compile(r"^\s*triage\s*:?\s*([a-z_]+)\b", re.IGNORECASE)
LABELS = ("medical_urgent", "medical", "psychological", "health_info", "non_medical")


def present_note(body: str) -> str:
    """A system line of a contact, as the agent should read it."""
    if body.startswith(HANDOFF_PREFIX):
        reason = body[len(HANDOFF_PREFIX):]
        key = next((key for words, key in _HANDOFF if words in reason), "note.handoff.other")
        return message(key)
    triage = _TRIAGE.match(body)
    if triage and triage.group(1).lower() in LABELS:
        return message("note.triage", label=message(f"note.label.{triage.group(1).lower()}"))
    return body


def present_reason(reason: str, rule: str | None = None) -> str:
    """Why the triage decided so: a rule's own French reason stays, the model's figures
    become one plain sentence."""
    if rule == "model" or reason.startswith("modèle :"):
        return message("note.model_reason")
    return present_note(reason)
