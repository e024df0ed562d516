"""Exercise mode: each exercise guarantee's own clock, and accounts bound to one mode.

An exercise runs on a compressed, stoppable clock that belongs to its guarantee
(``clock.ExerciseTime``: start, speed, paused seconds, paused at); a live guarantee leaves the
four columns null. An account marked ``exercise`` (or ``live``) may act only on guarantees of
that mode, so an exercise token can never act on a live guarantee.

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


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("mode")
    with op.batch_alter_table("guarantees") as batch:
        for name, _ in reversed(_CLOCK):
            batch.drop_column(name)
