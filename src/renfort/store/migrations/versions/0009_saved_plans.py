"""Saved plans: the files of a run of the planning chain, per tenant.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_plans",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("outsourcer_id", sa.String(length=80), nullable=True),
        sa.Column("client_id", sa.String(length=80), nullable=True),
        sa.Column("first_day", sa.String(length=10), nullable=True),
        sa.Column("forecast_csv", sa.Text(), nullable=True),
        sa.Column("staffing_csv", sa.Text(), nullable=True),
        sa.Column("shifts_csv", sa.Text(), nullable=True),
        sa.Column("coverage_csv", sa.Text(), nullable=True),
        sa.Column("replay_csv", sa.Text(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_saved_plans_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["outsourcer_id"], ["outsourcers.id"],
            name=op.f("fk_saved_plans_outsourcer_id_outsourcers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_plans")),
    )
    with op.batch_alter_table("saved_plans", schema=None) as batch_op:
        batch_op.create_index("ix_saved_plans_outsourcer_created",
                              ["outsourcer_id", "created_at"], unique=False)
        batch_op.create_index("ix_saved_plans_client_created", ["client_id", "created_at"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_plans", schema=None) as batch_op:
        batch_op.drop_index("ix_saved_plans_client_created")
        batch_op.drop_index("ix_saved_plans_outsourcer_created")
    op.drop_table("saved_plans")
