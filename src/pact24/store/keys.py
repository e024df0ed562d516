"""Delegate keys, read from the one place they are kept: the ledger's ``key`` entries.

A verifier checks each decision's signature against the key entries before it in the ledger
(``pact24.ledger.registry``), so the service checks against the same entries and keeps no copy
of its own: the key in force for a delegate is the last key entry registered for it.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.store.models import LedgerRow

#: (guarantee, guarantor, delegate)
Who = tuple[str, str, str]


def delegate_keys(session: Session, guarantee_id: str | None = None) -> dict[Who, str]:
    """The public key (base64) in force for each registered delegate, of one guarantee or all."""
    stmt = select(LedgerRow.guarantee_id, LedgerRow.entry).where(LedgerRow.kind == "key")
    if guarantee_id is not None:
        stmt = stmt.where(LedgerRow.guarantee_id == guarantee_id)
    keys: dict[Who, str] = {}
    for gid, text in session.execute(stmt.order_by(LedgerRow.guarantee_id, LedgerRow.idx)):
        body = json.loads(text)["body"]
        keys[(gid, body["guarantor"], body["delegate"])] = body["public_key"]
    return keys


def delegate_key(session: Session, guarantee_id: str, guarantor: str, delegate: str) -> str | None:
    """The public key (base64) in force for one delegate of ``guarantor``, if registered."""
    return delegate_keys(session, guarantee_id).get((guarantee_id, guarantor, delegate))
