"""Failed sign-ins in the database: ``login_failures``, one row per account name and address.

The login throttle used to count in each process, so every worker allowed its own share and
a restart forgot; now every process reads and writes the same rows.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name_hash", "address", name=op.f("pk_login_failures")),
    )
    op.create_index(op.f("ix_login_failures_last_at"), "login_failures", ["last_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_failures_last_at"), table_name="login_failures")
    op.drop_table("login_failures")
