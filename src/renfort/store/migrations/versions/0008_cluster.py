"""Several processes on one PostgreSQL database: the desk's lease, oversized messages between
processes, and the indexes followers read the live state with.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_lease",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.BigInteger(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=True),
        sa.Column("heartbeat", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_lease")),
    )
    op.execute("INSERT INTO desk_lease (id, term) VALUES (1, 0)")
    op.create_table(
        "cluster_payloads",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cluster_payloads")),
    )
    op.create_index(op.f("ix_cluster_payloads_at"), "cluster_payloads", ["at"])
    op.create_index("ix_contacts_agent_state", "contacts", ["agent_id", "state"])
    op.create_index("ix_contacts_queue_state", "contacts", ["queue_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_contacts_queue_state", table_name="contacts")
    op.drop_index("ix_contacts_agent_state", table_name="contacts")
    op.drop_index(op.f("ix_cluster_payloads_at"), table_name="cluster_payloads")
    op.drop_table("cluster_payloads")
    op.drop_table("desk_lease")
