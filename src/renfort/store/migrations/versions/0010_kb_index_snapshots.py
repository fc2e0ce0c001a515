"""Knowledge base: a stored snapshot of each base's search index.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_index_snapshots",
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("saved_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"],
            name=op.f("fk_kb_index_snapshots_client_id_clients"),
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_kb_index_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("kb_index_snapshots")
