"""Exposure traces: who searched for an agent's close contacts on a site, and when.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 22:10:15.881326
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exposure_traces",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("site_id", sa.String(length=80), nullable=False),
        sa.Column("agent_id", sa.String(length=80), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("distance", sa.Float(), nullable=False),
        sa.Column("colleagues", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_exposure_traces_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_exposure_traces_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exposure_traces")),
    )
    with op.batch_alter_table("exposure_traces", schema=None) as batch_op:
        batch_op.create_index("ix_exposure_traces_site_at", ["site_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exposure_traces", schema=None) as batch_op:
        batch_op.drop_index("ix_exposure_traces_site_at")

    op.drop_table("exposure_traces")
