"""Tables of the safety features (same metadata as ``tables``): the per-client redirect
directory with its versions, the flags raised for supervisors, and the outbox of events
sent to integrations (the telephony webhook)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from renfort.store.tables import ID, metadata

redirect_entries = Table(
    "redirect_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("key", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("label", String(120), nullable=False),
    Column("numbers", JSON, nullable=False),
    Column("hours", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("valid_from", Float, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
    UniqueConstraint("client_id", "key", "version", name="uq_redirect_entries_version"),
)

safety_flags = Table(
    "safety_flags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("conversation_id", String(ID), nullable=True),
    Column("contact_id", String(ID), nullable=True),
    Column("at", Float, nullable=False),
    Column("origin", String(20), nullable=False),
    Column("raised_by", String(100), nullable=False),
    Column("key", String(20), nullable=False),
    Column("label", String(20), nullable=False),
    Column("rule", String(40), nullable=True),
    Column("text", Text, nullable=False),
    Column("acknowledged_at", Float, nullable=True),
    Column("acknowledged_by", String(100), nullable=True),
    Index("ix_safety_flags_client_open", "client_id", "acknowledged_at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(20), nullable=False),
    Column("event", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Float, nullable=False),
    Column("delivered_at", Float, nullable=True),
    Column("last_error", Text, nullable=True),
    Index("ix_outbox_pending", "delivered_at", "next_attempt_at"),
)
