"""The redirect directory: where a message the line must not answer is sent, per client.

Four entries, keyed by what the scope guard found:

* ``medical_urgent``: danger → the 15 (SAMU), SMS 114 for deaf or speech-impaired people;
* ``suicide``: suicidal thoughts (rule ``urgent.suicide``) → the 3114;
* ``medical``: a personal medical question → the attending doctor (médecin traitant);
* ``psychological``: distress → a listening line.

Each entry gives the numbers (label, number, ``tel`` or ``sms``: the chat shows them as
tap-to-call links), opening hours, the message shown to the citizen and the official
source of the numbers. A client's directory is edited entry by entry; each edit is a new
*version* (the history stays) in force from its ``valid_from``; the version in force at an
instant is the latest one that has started (:func:`in_force`). A client that never edited
an entry uses :data:`DEFAULTS`, the public numbers valid across France.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from renfort.domain.errors import ValidationError

Key = Literal["medical_urgent", "suicide", "medical", "psychological"]
KEYS: tuple[Key, ...] = ("medical_urgent", "suicide", "medical", "psychological")
URGENT_KEYS: frozenset[str] = frozenset({"medical_urgent", "suicide"})
"""Entries whose reply shows the emergency number first and alone."""
TARGETS: Mapping[str, str] = {"medical_urgent": "samu-15", "suicide": "3114",
                              "medical": "medecin", "psychological": "ecoute"}
"""The short target names of the API's redirects and of the contacts' dispositions."""
_NUMBER = re.compile(r"^\+?[0-9][0-9 ]{1,19}$")


@dataclass(frozen=True, slots=True)
class Number:
    label: str
    number: str
    kind: Literal["tel", "sms"] = "tel"

    @property
    def href(self) -> str:
        """``tel:15``, ``sms:114``… (spaces dropped)."""
        return f"{self.kind}:{self.number.replace(' ', '')}"

    def as_dict(self) -> dict[str, str]:
        return {"label": self.label, "number": self.number, "kind": self.kind,
                "href": self.href}


@dataclass(frozen=True, slots=True)
class Entry:
    """One version of one entry of a client's directory."""

    key: str
    label: str
    numbers: tuple[Number, ...]
    hours: str
    message: str
    source: str
    version: int = 0
    """0 for a built-in default; 1, 2… for the client's own versions."""
    valid_from: float | None = None
    created_by: str | None = None

    @property
    def urgent(self) -> bool:
        return self.key in URGENT_KEYS

    @property
    def target(self) -> str:
        return TARGETS[self.key]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "target": self.target, "label": self.label,
                "numbers": [n.as_dict() for n in self.numbers], "hours": self.hours,
                "message": self.message, "source": self.source, "urgent": self.urgent,
                "version": self.version, "valid_from": self.valid_from,
                "created_by": self.created_by}


def _text(data: Mapping[str, Any], field: str, low: int, high: int) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        raise ValidationError(f"{field}: {low}–{high} characters", {"field": field})
    return value.strip()


def check_key(key: str) -> str:
    if key not in KEYS:
        raise ValidationError(f"unknown redirect {key!r}: one of {', '.join(KEYS)}",
                              {"field": "key"})
    return key


def entry_from(key: str, data: Mapping[str, Any]) -> Entry:
    """A validated entry from the exchange format (API bodies, CLI): ``label``,
    ``numbers`` (list of ``{label, number, kind}``), ``hours``, ``message``, ``source``."""
    check_key(key)
    raw = data.get("numbers")
    if not isinstance(raw, list) or not 1 <= len(raw) <= 5:
        raise ValidationError("numbers: 1 to 5 numbers", {"field": "numbers"})
    numbers = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise ValidationError("each number is {label, number, kind}", {"field": "numbers"})
        number = _text(item, "number", 2, 20)
        if not _NUMBER.match(number):
            raise ValidationError("number: digits and spaces only (e.g. '15', '0 800 858 858')",
                                  {"field": "numbers"})
        kind = item.get("kind", "tel")
        if kind not in ("tel", "sms"):
            raise ValidationError("kind: 'tel' or 'sms'", {"field": "numbers"})
        numbers.append(Number(_text(item, "label", 1, 120), number, kind))
    entry = Entry(key, _text(data, "label", 2, 120), tuple(numbers),
                  _text(data, "hours", 2, 300), _text(data, "message", 10, 2000),
                  _text(data, "source", 5, 500))
    if entry.urgent and not entry.message.lstrip().startswith(
            tuple(n.number for n in numbers) + tuple(f"Appelez le {n.number}" for n in numbers)
            + ("Appelez", "Call", "Composez")):
        raise ValidationError("an urgent message starts with the number to call "
                              "(e.g. 'Appelez le 15 maintenant…')", {"field": "message"})
    return entry


def entry_to(entry: Entry) -> dict[str, Any]:
    """The exchange format of :func:`entry_from`."""
    return {"label": entry.label, "numbers": [{"label": n.label, "number": n.number,
                                               "kind": n.kind} for n in entry.numbers],
            "hours": entry.hours, "message": entry.message, "source": entry.source}


_SERVICE_PUBLIC = ("service-public.fr, « Quels sont les numéros en cas d'urgence ? » "
                   "https://www.service-public.fr/particuliers/vosdroits/F33954")
DEFAULTS: Mapping[str, Entry] = {
    "medical_urgent": Entry(
        "medical_urgent", "SAMU – urgences médicales",
        (Number("SAMU", "15"), Number("SMS (personnes sourdes ou malentendantes)", "114",
                                      "sms")),
        "24 h/24, 7 j/7, gratuit",
        "Appelez le 15 maintenant. Si vous ne pouvez pas parler ou entendre, envoyez un SMS "
        "au 114. Ce que vous décrivez peut être grave : ce service d'information ne peut pas "
        "vous aider, le SAMU le peut.",
        f"{_SERVICE_PUBLIC} ; 114 : https://www.urgence114.fr"),
    "suicide": Entry(
        "suicide", "3114 – numéro national de prévention du suicide",
        (Number("Prévention du suicide", "3114"), Number("SAMU", "15"),
         Number("SMS (personnes sourdes ou malentendantes)", "114", "sms")),
        "24 h/24, 7 j/7, gratuit et confidentiel",
        "Appelez le 3114 maintenant : des soignants vous répondent, jour et nuit, "
        "gratuitement. Si vous êtes en danger immédiat, appelez le 15 (SMS au 114). Vous "
        "n'êtes pas seul·e.",
        "Ministère de la Santé, numéro national de prévention du suicide "
        "(ouvert le 1er octobre 2021) : https://3114.fr"),
    "medical": Entry(
        "medical", "Votre médecin traitant",
        (Number("SAMU, en cas d'urgence", "15"),),
        "Médecin traitant aux heures de cabinet (téléconsultation possible) ; la nuit et le "
        "week-end, médecin de garde",
        "Cette question relève d'un avis médical, que ce service ne peut pas donner. "
        "Contactez votre médecin traitant (la téléconsultation est possible) ou, la nuit et "
        "le week-end, le médecin de garde. En cas de difficulté à respirer ou de malaise, "
        "appelez le 15.",
        "Assurance maladie, médecin traitant : https://www.ameli.fr ; "
        f"{_SERVICE_PUBLIC}"),
    "psychological": Entry(
        "psychological", "Lignes d'écoute",
        (Number("Croix-Rouge Écoute (gratuit)", "0 800 858 858"),
         Number("SOS Amitié", "09 72 39 40 50")),
        "SOS Amitié : 24 h/24, 7 j/7 ; Croix-Rouge Écoute : tous les jours (horaires sur "
        "croix-rouge.fr)",
        "Vous traversez un moment difficile et vous pouvez en parler à quelqu'un : "
        "Croix-Rouge Écoute au 0 800 858 858 (gratuit) ou SOS Amitié au 09 72 39 40 50, "
        "à toute heure. Si vous pensez à vous faire du mal, appelez le 3114.",
        "Croix-Rouge française, Croix-Rouge Écoute : https://www.croix-rouge.fr ; "
        "SOS Amitié : https://www.sos-amitie.com"),
}


def key_for(label: str, rule: str | None) -> Key | None:
    """The directory entry for a triage decision (None: not redirected)."""
    if label == "medical_urgent":
        return "suicide" if (rule or "").startswith("urgent.suicide") else "medical_urgent"
    if label == "medical":
        return "medical"
    if label == "psychological":
        return "psychological"
    return None


def in_force(versions: Iterable[Entry], key: str, instant: float) -> Entry:
    """The version of ``key`` in force at ``instant``: the client's latest started one,
    else the built-in default."""
    started = [v for v in versions if v.key == key and v.valid_from is not None
               and v.valid_from <= instant]
    return max(started, key=lambda v: v.version) if started else DEFAULTS[key]
