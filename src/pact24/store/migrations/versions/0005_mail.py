"""Email: a delegate's address, and ``mail``, the outbox of emails with their acknowledgement.

Reminders, escalations and the outcome reach delegates by email as well as webhooks. Each email
is one row, written in the transaction that decided to send it, delivered later with retries
like a webhook, and acknowledged when its delegate clicks the link it carries.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    op.create_table(
        "mail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("guarantee_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=32), nullable=False),
        sa.Column("topic", sa.String(length=16), nullable=False),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("acknowledged_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["guarantee_id"], ["guarantees.id"], name=op.f("fk_mail_guarantee_id_guarantees")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_mail_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_key")),
    )
    op.create_index(op.f("ix_mail_guarantee_id"), "mail", ["guarantee_id"], unique=False)
    op.create_index(op.f("ix_mail_status"), "mail", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_status"), table_name="mail")
    op.drop_index(op.f("ix_mail_guarantee_id"), table_name="mail")
    op.drop_table("mail")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("email")
