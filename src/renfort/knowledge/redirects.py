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


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a proposed entry. ``rule`` is a stable code (``length``,
    ``count``, ``format``, ``kind``, ``urgent_first``, ``type``) so that the pages can say it
    in their own language; ``text`` says it in English for the API and the CLI."""

    field: str
    """``label``, ``numbers``, ``number_label``, ``number`` or ``number_kind`` (of the
    number ``index``), ``hours``, ``message`` or ``source``."""
    rule: str
    text: str
    index: int | None = None
    """Which number (0-based), for problems of ``numbers``."""
    low: int = 0
    high: int = 0

    def details(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "rule": self.rule, "message": self.text}
        if self.index is not None:
            out["index"] = self.index
        if self.high:
            out.update(min=self.low, max=self.high)
        return out


LIMITS: Mapping[str, tuple[int, int]] = {
    "label": (2, 120), "hours": (2, 300), "message": (10, 2000), "source": (5, 500),
    "number_label": (1, 120), "number": (2, 20)}
"""Lengths (after trimming) of the text fields; ``number_label`` and ``number`` are those of
each number."""
MAX_NUMBERS = 5


def _text(data: Mapping[str, Any], field: str, problems: list[Problem], *,
          name: str | None = None, index: int | None = None) -> str:
    """The trimmed text of ``data[name or field]``, or "" with a problem noted."""
    low, high = LIMITS[field]
    value = data.get(name or field)
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        where = field if index is None else f"numbers[{index}].{name or field}"
        problems.append(Problem(field, "length", f"{where}: {low}–{high} characters", index,
                                low, high))
        return ""
    return value.strip()


def check_key(key: str) -> str:
    if key not in KEYS:
        raise ValidationError(f"unknown redirect {key!r}: one of {', '.join(KEYS)}",
                              {"field": "key"}, reason="redirect-unknown")
    return key


def _urgent_message_ok(message: str, numbers: list[str]) -> bool:
    """An urgent message starts with the number to call (or with the call to make)."""
    starts = (tuple(numbers) + tuple(f"Appelez le {n}" for n in numbers)
              + ("Appelez", "Call", "Composez"))
    return message.lstrip().startswith(starts)


def problems(key: str, data: Mapping[str, Any]) -> tuple[list[Problem], Entry | None]:
    """Every problem of a proposed entry, in the order of the form, and the entry when
    there is none. The exchange format (API bodies, CLI files, the page's form) is
    ``label``, ``numbers`` (list of ``{label, number, kind}``), ``hours``, ``message``,
    ``source``."""
    check_key(key)
    found: list[Problem] = []
    label = _text(data, "label", found)
    raw = data.get("numbers")
    numbers: list[Number] = []
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_NUMBERS:
        found.append(Problem("numbers", "count", f"numbers: 1 to {MAX_NUMBERS} numbers",
                             low=1, high=MAX_NUMBERS))
        raw = raw[:MAX_NUMBERS] if isinstance(raw, list) else []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            found.append(Problem("numbers", "type", "each number is {label, number, kind}",
                                 i))
            continue
        before = len(found)
        name = _text(item, "number_label", found, name="label", index=i)
        number = _text(item, "number", found, index=i)
        if number and not _NUMBER.match(number):
            found.append(Problem("number", "format", "number: digits and spaces only "
                                 "(e.g. '15', '0 800 858 858')", i))
        kind = item.get("kind", "tel")
        if kind not in ("tel", "sms"):
            found.append(Problem("number_kind", "kind", "kind: 'tel' or 'sms'", i))
        if len(found) == before:
            numbers.append(Number(name, number, kind))
    hours = _text(data, "hours", found)
    message = _text(data, "message", found)
    source = _text(data, "source", found)
    typed = [str(item.get("number", "")).strip() for item in raw
             if isinstance(item, Mapping) and str(item.get("number", "")).strip()]
    if key in URGENT_KEYS and message and typed and not _urgent_message_ok(message, typed):
        found.append(Problem("message", "urgent_first", "an urgent message starts with the "
                             "number to call (e.g. 'Appelez le 15 maintenant…')"))
    if found:
        return found, None
    return [], Entry(key, label, tuple(numbers), hours, message, source)


def entry_from(key: str, data: Mapping[str, Any]) -> Entry:
    """A validated entry from the exchange format; the first problem is raised, with
    every problem in ``details["problems"]``."""
    found, entry = problems(key, data)
    if found:
        first = found[0]
        raise ValidationError(first.text, {**first.details(),
                                           "problems": [p.details() for p in found]})
    assert entry is not None
    return entry


def problems_of(error: ValidationError) -> list[dict[str, Any]]:
    """The problems a refused entry carries (:func:`entry_from`), or the error's own
    details when it names a single one."""
    found = error.details.get("problems")
    if isinstance(found, list):
        return [p for p in found if isinstance(p, dict)]
    return [dict(error.details)]


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
