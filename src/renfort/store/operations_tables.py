"""Tables of callbacks and briefings (same metadata as ``tables``).

A callback is a citizen's request to be called back, with its attempts and outcome; the
number is personal data, shown in full only to the agent making the call. A briefing is a
change of an article agents must acknowledge before taking its topic's contacts."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table

from renfort.store.tables import ID, metadata

callbacks = Table(
    "callbacks",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("queue_id", String(ID), ForeignKey("queues.id"), nullable=False),
    Column("number", String(40), nullable=False),
    Column("origin", String(20), nullable=False),
    Column("source_ref", String(200), nullable=True),
    Column("window_start", Float, nullable=True),
    Column("window_end", Float, nullable=True),
    Column("state", String(20), nullable=False),
    Column("outcome", String(20), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("due_at", Float, nullable=True),
    Column("contact_id", String(ID), nullable=True),
    Column("agent_id", String(ID), nullable=True),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("closed_at", Float, nullable=True),
    Index("ix_callbacks_state_due", "state", "due_at"),
)

briefings = Table(
    "briefings",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("article_ref", String(ID), nullable=False),
    Column("version", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
)

briefing_acks = Table(
    "briefing_acks",
    metadata,
    Column("briefing_id", String(ID), ForeignKey("briefings.id", ondelete="CASCADE"),
           primary_key=True),
    Column("agent_id", String(ID), ForeignKey("agents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("acknowledged_at", Float, nullable=False),
)
