"""Tables of sites under distancing (same metadata as ``tables``): seat plans, the
distancing rule and its result, check-ins, planned shifts, home set-ups, and the register
of sanitary measures with its consultations.

The register (``measure_changes``, ``measure_consultations``) is append-only: no code
updates or deletes its rows, and its foreign keys do not cascade, so a site with a history
cannot be deleted. Instants are float POSIX seconds (UTC); a consultation's day is a date.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
    text,
)

from renfort.store.tables import ID, metadata

SEAT = 40
_OPEN = text("checked_out_at IS NULL")

site_seats = Table(
    "site_seats",
    metadata,
    Column("site_id", String(ID), ForeignKey("sites.id", ondelete="CASCADE"),
           primary_key=True),
    Column("seat_id", String(SEAT), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("zone", String(60), nullable=False),
    Column("equipment", JSON, nullable=False),
)

site_distancing = Table(
    "site_distancing",
    metadata,
    Column("site_id", String(ID), ForeignKey("sites.id", ondelete="CASCADE"),
           primary_key=True),
    Column("min_distance", Float, nullable=True),
    Column("free_seat_between", Boolean, nullable=False),
    Column("cleaning_minutes", Float, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("usable", JSON, nullable=False),
    Column("bound", Integer, nullable=False),
    Column("optimal", Boolean, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("method", String(20), nullable=False),
    Column("computed_at", Float, nullable=False),
    Column("computed_by", String(100), nullable=False),
)

site_checkins = Table(
    "site_checkins",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("site_id", String(ID), ForeignKey("sites.id"), nullable=False),
    Column("seat_id", String(SEAT), nullable=False),
    Column("agent_id", String(ID), ForeignKey("agents.id"), nullable=False),
    Column("checked_in_at", Float, nullable=False),
    Column("checked_out_at", Float, nullable=True),
    Column("checked_in_by", String(100), nullable=False),
    Column("checked_out_by", String(100), nullable=True),
    Index("ix_site_checkins_site_in", "site_id", "checked_in_at"),
    Index("ix_site_checkins_agent", "agent_id"),
    # One open stay per agent and per seat, even under concurrent check-ins.
    Index("uq_site_checkins_open_agent", "agent_id", unique=True,
          sqlite_where=_OPEN, postgresql_where=_OPEN),
    Index("uq_site_checkins_open_seat", "site_id", "seat_id", unique=True,
          sqlite_where=_OPEN, postgresql_where=_OPEN),
)

site_shifts = Table(
    "site_shifts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("site_id", String(ID), ForeignKey("sites.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("label", String(100), nullable=False),
    Column("starts_at", Float, nullable=False),
    Column("ends_at", Float, nullable=False),
    Column("planned", Integer, nullable=False),
    Column("created_by", String(100), nullable=False),
)

home_setups = Table(
    "home_setups",
    metadata,
    Column("agent_id", String(ID), ForeignKey("agents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("managed_laptop", Boolean, nullable=False),
    Column("vpn", Boolean, nullable=False),
    Column("softphone", Boolean, nullable=False),
    Column("training_done", Boolean, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

sanitary_measures = Table(
    "sanitary_measures",
    metadata,
    Column("code", String(63), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("category", String(100), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
)

measure_consultations = Table(
    "measure_consultations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("site_id", String(ID), ForeignKey("sites.id"), nullable=False, index=True),
    Column("held_on", Date, nullable=False),
    Column("participants", JSON, nullable=False),
    Column("opinion", Text, nullable=False),
    Column("decision", Text, nullable=False),
    Column("recorded_at", Float, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("late", Boolean, nullable=False, server_default=false()),
    Column("minutes", Text, nullable=False, server_default=""),
)

site_measures = Table(
    "site_measures",
    metadata,
    Column("site_id", String(ID), ForeignKey("sites.id", ondelete="CASCADE"),
           primary_key=True),
    Column("measure_code", String(63), ForeignKey("sanitary_measures.code"), primary_key=True),
    Column("status", String(20), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("consultation_id", String(ID), ForeignKey("measure_consultations.id"),
           nullable=False),
)

measure_changes = Table(
    "measure_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(ID), ForeignKey("sites.id"), nullable=False),
    Column("measure_code", String(63), ForeignKey("sanitary_measures.code"), nullable=False),
    Column("status_before", String(20), nullable=True),
    Column("status_after", String(20), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("changed_at", Float, nullable=False),
    Column("changed_by", String(100), nullable=False),
    Column("consultation_id", String(ID), ForeignKey("measure_consultations.id"),
           nullable=False),
    Index("ix_measure_changes_site_id", "site_id", "id"),
)

exposure_traces = Table(
    "exposure_traces",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("site_id", String(ID), ForeignKey("sites.id"), nullable=False),
    Column("agent_id", String(ID), ForeignKey("agents.id"), nullable=False),
    Column("requested_by", String(100), nullable=False),
    Column("at", Float, nullable=False),
    Column("days", Float, nullable=False),
    Column("distance", Float, nullable=False),
    Column("colleagues", Integer, nullable=False),
    Index("ix_exposure_traces_site_at", "site_id", "at"),
)
"""Who ran an exposure trace, when, for which agent, and how many colleagues it named:
the accountability of a search that touches health data. Append-only; no medical detail."""
