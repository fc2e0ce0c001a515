"""Tables of the knowledge base and of self-service (same metadata as ``tables``).

Each client's base has a *revision* counter, bumped in the same transaction as any change
to its articles; every version row keeps the revision of its last change, so a process
holding an index in memory fetches only what changed since the revision it knows.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from renfort.store.tables import ID, metadata

kb_revisions = Table(
    "kb_revisions",
    metadata,
    Column("client_id", String(ID), ForeignKey("clients.id"), primary_key=True),
    Column("revision", BigInteger, nullable=False),
)

kb_articles = Table(
    "kb_articles",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("ref", String(120), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    UniqueConstraint("client_id", "ref", name="uq_kb_articles_client_ref"),
)

kb_versions = Table(
    "kb_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(ID), ForeignKey("kb_articles.id", ondelete="CASCADE"),
           nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("question", Text, nullable=False),
    Column("alternatives", JSON, nullable=False),
    Column("answer", Text, nullable=False),
    Column("category", String(60), nullable=False),
    Column("audience", String(20), nullable=False),
    Column("lang", String(5), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("source_body", String(200), nullable=False),
    Column("source_url", String(600), nullable=True),
    Column("source_date", String(10), nullable=False),
    Column("status", String(20), nullable=False),
    Column("valid_from", Float, nullable=True),
    Column("valid_to", Float, nullable=True),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("published_at", Float, nullable=True),
    Column("published_by", String(100), nullable=True),
    Column("revision", BigInteger, nullable=False),
    UniqueConstraint("article_id", "number", name="uq_kb_versions_article_number"),
    Index("ix_kb_versions_client_revision", "client_id", "revision"),
)

kb_index_snapshots = Table(
    "kb_index_snapshots",
    metadata,
    # A base's search index as it stood at ``revision`` (renfort.knowledge.snapshot): a
    # process loads it and applies the changes made since, instead of analysing every article.
    Column("client_id", String(ID), ForeignKey("clients.id"), primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("format", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("saved_at", Float, nullable=False),
)

kb_triage_decisions = Table(
    "kb_triage_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=True),
    Column("origin", String(20), nullable=False),
    Column("conversation_id", String(ID), nullable=True, index=True),
    Column("asked_by", String(100), nullable=True),
    Column("question", Text, nullable=False),
    Column("label", String(20), nullable=False),
    Column("rule", String(40), nullable=True),
    Column("reason", Text, nullable=False),
    Column("probabilities", JSON, nullable=True),
)

kb_conversations = Table(
    "kb_conversations",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("customer_ref", String(200), nullable=False),
    Column("state", String(20), nullable=False),
    Column("contact_id", String(ID), ForeignKey("contacts.id"), nullable=True),
    Column("started_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
)

kb_turns = Table(
    "kb_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(ID),
           ForeignKey("kb_conversations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("author", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("data", JSON, nullable=True),
)

kb_outcomes = Table(
    "kb_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(ID),
           ForeignKey("kb_conversations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("at", Float, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("triage_label", String(20), nullable=False),
    Column("article_ref", String(120), nullable=True),
    Column("version", Integer, nullable=True),
    Column("confidence", Float, nullable=True),
    Column("contact_id", String(ID), nullable=True),
    Column("queue_id", String(ID), nullable=True),
    Column("target", String(40), nullable=True),
    Index("ix_kb_outcomes_client_at", "client_id", "at"),
)
