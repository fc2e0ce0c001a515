"""The register of sanitary measures: what each site applies, and its consulted history.

Each site applies the measures of the guide (:mod:`renfort.sites.guide`) with a status and
its evidence. Every change is recorded with the **consultation of the staff
representatives** that preceded it (date, participants, their opinion, the decision), and
the history is only ever appended to. :func:`register_csv` writes it for the works council
and the labour inspectorate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from renfort.domain.errors import ValidationError


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PLACE = "in_place"
    ADAPTED = "adapted"
    """In place with a site-specific adaptation (described in the evidence)."""
    SUSPENDED = "suspended"
    NOT_APPLICABLE = "not_applicable"


STATUS_LABELS = {
    MeasureStatus.PLANNED: "prévue",
    MeasureStatus.IN_PLACE: "en place",
    MeasureStatus.ADAPTED: "adaptée",
    MeasureStatus.SUSPENDED: "suspendue",
    MeasureStatus.NOT_APPLICABLE: "sans objet",
}


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure of the guide: a stable code, a category and what it asks for."""

    code: str
    category: str
    title: str
    description: str


@dataclass(frozen=True, slots=True)
class Consultation:
    """A consultation of the staff representatives (CSE, CSSCT or their delegates)."""

    held_on: date
    participants: tuple[str, ...]
    opinion: str
    decision: str

    def __post_init__(self) -> None:
        if not self.participants or any(not p.strip() or len(p) > 200
                                         for p in self.participants):
            raise ValidationError("a consultation names its participants (1–200 characters "
                                  "each)", {"field": "participants"}, reason="participants")
        if len(self.participants) > 50:
            raise ValidationError("at most 50 participants", {"field": "participants"},
                                  reason="participants-max")
        for name, text in (("opinion", self.opinion), ("decision", self.decision)):
            if not text.strip() or len(text) > 4000:
                raise ValidationError(f"{name}: 1–4000 characters", {"field": name},
                                      reason="text-length", values={"min": 1, "max": 4000})


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """A measure's status changed on a site, after a consultation."""

    site: str
    measure: str
    before: MeasureStatus | None
    after: MeasureStatus
    evidence: str
    changed_at: datetime
    changed_by: str
    consultation: Consultation

    def __post_init__(self) -> None:
        if len(self.evidence) > 4000:
            raise ValidationError("evidence: at most 4000 characters", {"field": "evidence"},
                                  reason="evidence-length")
        if self.after in (MeasureStatus.IN_PLACE, MeasureStatus.ADAPTED) \
                and not self.evidence.strip():
            raise ValidationError("a measure in place needs its evidence (photo, procedure, "
                                  "delivery note…)", {"field": "evidence"},
                                  reason="evidence-required")


def validate_changes(known_codes: Iterable[str], codes: Sequence[str]) -> None:
    known = set(known_codes)
    if not codes:
        raise ValidationError("record at least one change", {"field": "changes"},
                              reason="record-empty")
    if len(set(codes)) != len(codes):
        raise ValidationError("a measure appears twice in one record", {"field": "changes"},
                              reason="measure-twice")
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ValidationError(f"unknown measure {unknown[0]!r}", {"field": "measure"},
                              reason="measure-unknown")


REGISTER_COLUMNS = (
    "date_changement", "site", "mesure", "intitule", "statut_avant", "statut_apres",
    "preuve", "saisi_par", "date_consultation", "participants", "avis", "decision",
)


def register_csv(changes: Iterable[MeasureChange], titles: dict[str, str]) -> str:
    """The history as CSV (``;``-separated, UTF-8 with BOM, as French spreadsheets expect),
    oldest first in the order given; times in ISO 8601 UTC."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(REGISTER_COLUMNS)
    for c in changes:
        writer.writerow([
            c.changed_at.isoformat(timespec="seconds"), c.site, c.measure,
            titles.get(c.measure, ""), STATUS_LABELS[c.before] if c.before else "",
            STATUS_LABELS[c.after], c.evidence, c.changed_by,
            c.consultation.held_on.isoformat(), " | ".join(c.consultation.participants),
            c.consultation.opinion, c.consultation.decision,
        ])
    return out.getvalue()
