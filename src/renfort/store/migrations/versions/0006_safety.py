"""Safety: the per-client redirect directory (versioned), flags for supervisors, and the
outbox of events sent to integrations (telephony webhook).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redirect_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("hours", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Float(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_redirect_entries_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redirect_entries")),
        sa.UniqueConstraint("client_id", "key", "version", name="uq_redirect_entries_version"),
    )
    op.create_table(
        "safety_flags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("conversation_id", sa.String(length=80), nullable=True),
        sa.Column("contact_id", sa.String(length=80), nullable=True),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("raised_by", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=20), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.Float(), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_safety_flags_client_id_clients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_flags")),
    )
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.create_index("ix_safety_flags_client_open", ["client_id", "acknowledged_at"],
                              unique=False)
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.Float(), nullable=False),
        sa.Column("delivered_at", sa.Float(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["delivered_at", "next_attempt_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")
    op.drop_table("outbox")
    with op.batch_alter_table("safety_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_flags_client_open")
    op.drop_table("safety_flags")
    op.drop_table("redirect_entries")
