"""Exercise mode: each exercise guarantee's own clock, accounts bound to one mode, injects.

An exercise runs on a compressed, stoppable clock that belongs to its guarantee
(``clock.ExerciseTime``: start, speed, paused seconds, paused at); a live guarantee leaves the
four columns null. An account marked ``exercise`` (or ``live``) may act only on guarantees of
that mode, so an exercise token can never act on a live guarantee. ``injects`` keeps what the
control cell told the players, at the exercise's time.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CLOCK = (
    ("clock_start", sa.DateTime(timezone=True)),
    ("clock_speed", sa.Float()),
    ("clock_paused_seconds", sa.Float()),
    ("clock_paused_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("guarantees") as batch:
        for name, kind in _CLOCK:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("mode", sa.String(length=16), nullable=True))
    op.create_table(
        "injects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guarantee_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["guarantee_id"], ["guarantees.id"], name=op.f("fk_injects_guarantee_id_guarantees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injects")),
    )
    op.create_index(op.f("ix_injects_guarantee_id"), "injects", ["guarantee_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_injects_guarantee_id"), table_name="injects")
    op.drop_table("injects")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("mode")
    with op.batch_alter_table("guarantees") as batch:
        for name, _ in reversed(_CLOCK):
            batch.drop_column(name)
