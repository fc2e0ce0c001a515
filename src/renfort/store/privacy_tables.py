"""The privacy audit (same metadata as ``tables``): every purge, export and erasure of
personal data, with who asked, when, and how many rows of each kind it touched."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, Integer, String, Table

from renfort.store.tables import metadata

privacy_audit = Table(
    "privacy_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(20), nullable=False),
    # What the action was about: the cut-off instant of a purge, the *masked* customer
    # reference of an export or erasure (the audit must not keep what it erased).
    Column("subject", String(200), nullable=True),
    Column("counts", JSON, nullable=False),
)
