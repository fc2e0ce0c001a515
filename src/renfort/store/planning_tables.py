"""Saved plans (same metadata as ``tables``): the files of one run of the planning chain,
kept so that the federation, an outsourcer or a client can reopen and share them.

A plan belongs to the tenant of whoever saved it: an outsourcer (its managers and
supervisors), a client (its viewers), or the whole federation (admins), never two.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, String, Table, Text

from renfort.store.tables import ID, metadata

saved_plans = Table(
    "saved_plans",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=True),
    Column("first_day", String(10), nullable=True),
    Column("forecast_csv", Text, nullable=True),
    Column("staffing_csv", Text, nullable=True),
    Column("shifts_csv", Text, nullable=True),
    Column("coverage_csv", Text, nullable=True),
    Column("replay_csv", Text, nullable=True),
    Column("summary", JSON, nullable=False),
    Index("ix_saved_plans_outsourcer_created", "outsourcer_id", "created_at"),
    Index("ix_saved_plans_client_created", "client_id", "created_at"),
)
