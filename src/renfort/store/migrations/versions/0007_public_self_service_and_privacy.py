"""Public self-service only for clients and queues flagged public; the privacy audit.

A client of sector ``public`` (a hotline) and its chat queues start public, as the
anonymous chat reached them before; every other client and queue starts private.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public", sa.Boolean(), nullable=False,
                                      server_default="0"))
    clients = sa.table("clients", sa.column("id", sa.String), sa.column("sector", sa.String),
                       sa.column("public", sa.Boolean))
    queues = sa.table("queues", sa.column("id", sa.String), sa.column("client_id", sa.String),
                      sa.column("channels", sa.JSON), sa.column("public", sa.Boolean))
    conn = op.get_bind()
    hotlines = [str(i) for i in conn.execute(
        sa.select(clients.c.id).where(clients.c.sector == "public")).scalars()]
    if hotlines:
        conn.execute(clients.update().where(clients.c.id.in_(hotlines)).values(public=True))
        chat = [str(qid) for qid, channels in conn.execute(
            sa.select(queues.c.id, queues.c.channels).where(queues.c.client_id.in_(hotlines)))
            if "chat" in (channels or [])]
        if chat:
            conn.execute(queues.update().where(queues.c.id.in_(chat)).values(public=True))
    op.create_index("ix_contacts_ended_at", "contacts", ["ended_at"])
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_audit")),
    )
    op.create_index(op.f("ix_privacy_audit_at"), "privacy_audit", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_privacy_audit_at"), table_name="privacy_audit")
    op.drop_table("privacy_audit")
    op.drop_index("ix_contacts_ended_at", table_name="contacts")
    # Not in batch mode: SQLite (3.35 and later) drops a column in place, where a batch
    # would copy the table and trip on the rows that refer to it.
    op.drop_column("queues", "public")
    op.drop_column("clients", "public")
