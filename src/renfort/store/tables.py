"""Table definitions (SQLAlchemy Core). Instants are float POSIX seconds, UTC.

Only this package knows these tables; the rest of Renfort sees domain objects and plain rows.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ID = 80

outsourcers = Table(
    "outsourcers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
)

clients = Table(
    "clients",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("sector", String(20), nullable=False),
    Column("priority_override", Integer, nullable=True),
    Column("public", Boolean, nullable=False, server_default="0"),
)

queues = Table(
    "queues",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("channels", JSON, nullable=False),
    Column("skill", String(63), nullable=False),
    Column("sl_target", Float, nullable=False),
    Column("sl_seconds", Float, nullable=False),
    Column("overflow_after_seconds", Float, nullable=True),
    Column("telework", String(20), nullable=False),
    Column("bullseye", JSON, nullable=False),
    Column("language", String(3), nullable=True),
    Column("public", Boolean, nullable=False, server_default="0"),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False, index=True),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=False, index=True),
    Column("sl_target", Float, nullable=False),
    Column("sl_seconds", Float, nullable=False),
    Column("volume_share", Float, nullable=False),
)

contract_queues = Table(
    "contract_queues",
    metadata,
    Column("contract_id", String(ID), ForeignKey("contracts.id", ondelete="CASCADE"),
           primary_key=True),
    Column("queue_id", String(ID), ForeignKey("queues.id"), primary_key=True, index=True),
)

sites = Table(
    "sites",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("slug", String(63), nullable=False, unique=True),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("seats", Integer, nullable=False),
)

agents = Table(
    "agents",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("skills", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("works_from", String(10), nullable=False),
    Column("site_id", String(ID), ForeignKey("sites.id"), nullable=True),
    Column("capacity", JSON, nullable=False),
    Column("status", String(20), nullable=False, server_default="logged_out"),
    Column("status_reason", String(200), nullable=True),
    Column("status_since", Float, nullable=True),
)

waivers = Table(
    "waivers",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False, index=True),
    Column("queue_ids", JSON, nullable=False),
    Column("conditions", Text, nullable=False),
    Column("valid_from", Float, nullable=False),
    Column("valid_to", Float, nullable=False),
    Column("accepted_by", String(200), nullable=False),
    Column("revocable", Boolean, nullable=False),
    Column("revoked_at", Float, nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(30), nullable=False),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=True),
    Column("agent_id", String(ID), ForeignKey("agents.id"), nullable=True),
    Column("created_at", Float, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(ID), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("expires_at", Float, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=True),
    Column("created_at", Float, nullable=False),
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", String(ID), primary_key=True),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("queue_id", String(ID), ForeignKey("queues.id"), nullable=False),
    Column("client_id", String(ID), ForeignKey("clients.id"), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("customer_ref", String(200), nullable=False),
    Column("external_ref", String(200), nullable=True, unique=True),
    Column("priority", Integer, nullable=False),
    Column("state", String(20), nullable=False),
    Column("agent_id", String(ID), ForeignKey("agents.id"), nullable=True),
    Column("outsourcer_id", String(ID), ForeignKey("outsourcers.id"), nullable=True),
    Column("overflow", Boolean, nullable=False, server_default="0"),
    Column("created_at", Float, nullable=False),
    Column("enqueued_at", Float, nullable=True),
    Column("offered_at", Float, nullable=True),
    Column("answered_at", Float, nullable=True),
    Column("ended_at", Float, nullable=True),
    Column("disposition", String(100), nullable=True),
    Index("ix_contacts_state_seq", "state", "seq"),
    Index("ix_contacts_queue_created", "queue_id", "created_at"),
    Index("ix_contacts_agent_state", "agent_id", "state"),
    Index("ix_contacts_queue_state", "queue_id", "state"),
    Index("ix_contacts_ended_at", "ended_at"),
)

contact_events = Table(
    "contact_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", String(ID), ForeignKey("contacts.id"), nullable=False, index=True),
    Column("action", String(30), nullable=False),
    Column("from_state", String(20), nullable=True),
    Column("to_state", String(20), nullable=False),
    Column("at", Float, nullable=False),
    Column("agent_id", String(ID), nullable=True),
    Column("data", JSON, nullable=True),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("contact_id", String(ID), ForeignKey("contacts.id"), nullable=False, index=True),
    Column("author", String(20), nullable=False),
    Column("author_id", String(ID), nullable=True),
    Column("body", Text, nullable=False),
    Column("at", Float, nullable=False),
)

agent_events = Table(
    "agent_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("agent_id", String(ID), ForeignKey("agents.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("reason", String(200), nullable=True),
    Column("at", Float, nullable=False),
)

desk_lease = Table(
    "desk_lease",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("term", BigInteger, nullable=False),
    Column("holder", String(200), nullable=True),
    Column("heartbeat", Float, nullable=True),
)
"""One row: which process leads the desk (PostgreSQL, several processes). A new leader
raises ``term``; every commit of the leader checks it still holds it (fencing)."""

cluster_payloads = Table(
    "cluster_payloads",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("body", Text, nullable=False),
    Column("at", Float, nullable=False, index=True),
)
"""Messages between processes too large for a NOTIFY payload; kept a short while."""
