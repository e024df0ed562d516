"""Delegate keys only in the ledger: drop ``accounts.public_key``.

The ledger's ``key`` entries are what a verifier checks signatures against, so they are the one
record of a delegate's key (``pact24.store.keys``); the account row no longer keeps a copy.
Going back restores the column from those entries.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER on both databases (SQLite >= 3.35): no constraint names the column, and a
    # batch copy of the table would drop its CHECK constraint on SQLite.
    op.execute("ALTER TABLE accounts DROP COLUMN public_key")


def downgrade() -> None:
    op.add_column("accounts", sa.Column("public_key", sa.Text(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT guarantee_id, entry FROM ledger_entries WHERE kind = 'key' "
            "ORDER BY guarantee_id, idx"
        )
    )
    keys: dict[tuple[str, str, str], str] = {}
    for gid, text in rows:
        body = json.loads(text)["body"]
        keys[(gid, body["guarantor"], body["delegate"])] = body["public_key"]
    for (gid, guarantor, delegate), key in keys.items():
        conn.execute(
            sa.text(
                "UPDATE accounts SET public_key = :key WHERE guarantee_id = :gid "
                "AND guarantor = :guarantor AND delegate = :delegate"
            ),
            {"key": key, "gid": gid, "guarantor": guarantor, "delegate": delegate},
        )
