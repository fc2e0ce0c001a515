"""How long each kind of personal data is kept, and what "erased" leaves behind.

The defaults follow the CNIL's guidance for customer-relations processing and contact
centres: what identifies a caller and what they said goes six months after the contact
ended; the anonymous self-service chat keeps its transcripts three months; the agents'
presence history, which is personal data about employees, a year; check-ins (who sat
where) a month, the longest exposure-trace window being 28 days; sessions as soon as they
expire. Figures stay: a purge erases personal fields, never the rows the statistics count.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from renfort.domain.errors import ValidationError

ERASED_REF = "[erased]"
"""What a purged or erased customer reference becomes (the contact row and its figures
stay; nothing in it identifies the caller any more)."""
ERASED_TEXT = ""
"""What an erased free text (a triage question) becomes."""
DAY = 86_400.0
KINDS = ("contacts", "messages", "transcripts", "agent_events", "checkins",
         "exposure_traces", "sessions")


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind is kept; every one is a ``RENFORT_RETENTION_<KIND>_DAYS`` setting."""

    contacts: float = 180.0
    """Customer reference, call id and the agent's free note of a finished contact."""
    messages: float = 180.0
    """Chat messages and e-mail bodies of a finished contact."""
    transcripts: float = 90.0
    """Self-service conversations: turns, pseudonym, the triage log's question text."""
    agent_events: float = 365.0
    """Agents' presence history (logged in, available, breaks with their reason)."""
    checkins: float = 30.0
    """Closed site check-ins (who sat where); at least the 28-day trace window."""
    exposure_traces: float = 180.0
    """The log of exposure searches (who looked for whose close contacts)."""
    sessions: float = 0.0
    """Days a session is kept after it expired."""

    def __post_init__(self) -> None:
        for item in fields(self):
            days = getattr(self, item.name)
            low = 28.0 if item.name == "checkins" else 0.0 if item.name == "sessions" else 1.0
            if not low <= days <= 3650.0:
                raise ValidationError(f"retention of {item.name}: {low:g} to 3650 days",
                                      {"field": item.name},
                                      reason="retention-range", values={"low": low})

    def days(self) -> dict[str, float]:
        return {kind: float(getattr(self, kind)) for kind in KINDS}

    def cutoff(self, kind: str, as_of: float) -> float:
        """Data of ``kind`` older than this instant goes in a purge run at ``as_of``."""
        return as_of - float(getattr(self, kind)) * DAY


def note_free(disposition: str | None) -> str | None:
    """A disposition without the agent's free note (``code: note`` → ``code``)."""
    if disposition is None:
        return None
    return disposition.split(":", 1)[0].strip() or None
