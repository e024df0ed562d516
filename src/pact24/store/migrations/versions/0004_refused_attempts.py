"""Refused late decisions: ``refused_attempts``, shown on the board and never counted.

A decision that reached the service at or after the deadline used to leave no trace; now its
signed body is kept apart from the record (one row per delegate, instrument and minute), so
people can see who tried what too late.

Revision ID: 0004
Revises: 0003
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
        "refused_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guarantee_id", sa.String(length=64), nullable=False),
        sa.Column("guarantor", sa.String(length=3), nullable=False),
        sa.Column("delegate", sa.String(length=100), nullable=False),
        sa.Column("instrument", sa.String(length=32), nullable=False),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guarantee_id"],
            ["guarantees.id"],
            name=op.f("fk_refused_attempts_guarantee_id_guarantees"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_attempts")),
        sa.UniqueConstraint(
            "guarantee_id",
            "guarantor",
            "delegate",
            "instrument",
            "minute",
            name="uq_refused_attempts_minute",
        ),
    )
    op.create_index(
        op.f("ix_refused_attempts_guarantee_id"), "refused_attempts", ["guarantee_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_refused_attempts_guarantee_id"), table_name="refused_attempts")
    op.drop_table("refused_attempts")
