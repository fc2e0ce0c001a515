"""Routing audit (why each offer went where it went) and the interval facts of the reports.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 06:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COUNTS = ("offered", "answered", "answered_in_sl", "abandoned", "short_abandons", "redirected",
          "transfers", "callbacks", "overflow_contract", "overflow_solidarity", "answered_home",
          "answered_waiver")
SUMS = ("wait_answered_seconds", "wait_abandoned_seconds", "handle_seconds", "wrap_seconds")


def upgrade() -> None:
    op.create_table(
        "offer_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("contact_id", sa.String(length=80), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("agent_id", sa.String(length=80), nullable=False),
        sa.Column("outsourcer_id", sa.String(length=80), nullable=True),
        sa.Column("queue_id", sa.String(length=80), nullable=False),
        sa.Column("rule", sa.String(length=1000), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"],
                                name=op.f("fk_offer_audit_contact_id_contacts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_audit")),
    )
    with op.batch_alter_table("offer_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_audit_contact_id"), ["contact_id"],
                              unique=False)
    op.create_table(
        "interval_facts",
        sa.Column("interval_start", sa.Float(), nullable=False),
        sa.Column("queue_id", sa.String(length=80), nullable=False),
        sa.Column("outsourcer_id", sa.String(length=80), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS),
        *(sa.Column(name, sa.Float(), server_default="0", nullable=False) for name in SUMS),
        sa.Column("redirects", sa.JSON(), nullable=True),
        sa.Column("waivers", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("interval_start", "queue_id", "outsourcer_id", "channel",
                                name=op.f("pk_interval_facts")),
    )
    with op.batch_alter_table("interval_facts", schema=None) as batch_op:
        batch_op.create_index("ix_interval_facts_client_interval",
                              ["client_id", "interval_start"], unique=False)
        batch_op.create_index("ix_interval_facts_outsourcer_interval",
                              ["outsourcer_id", "interval_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("interval_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_interval_facts_outsourcer_interval")
        batch_op.drop_index("ix_interval_facts_client_interval")
    op.drop_table("interval_facts")
    with op.batch_alter_table("offer_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_audit_contact_id"))
    op.drop_table("offer_audit")
