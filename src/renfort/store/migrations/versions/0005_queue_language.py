"""A queue may name the language its callers speak (routing takes only agents who speak it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:21:56.022186
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("queues", schema=None) as batch_op:
        batch_op.drop_column("language")
