"""Idempotency keys: a retried request gets the first answer, and nothing is recorded twice.

The first successful answer to a request made with an ``Idempotency-Key`` header is stored in
the same transaction as what the request recorded, keyed by the caller's account and the key.
A retry with the same key and the same request gets that answer back; the same key with a
different request is refused (422), as the IETF draft on the header advises. Failed requests
store nothing, so a retry after a failure is tried afresh. The caller holds the guarantee's
lock while it looks the key up, so two concurrent retries cannot both miss it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pact24.canonical import canonical
from pact24.errors import InvalidInput
from pact24.service.auth import Actor
from pact24.store.models import IdempotentAnswer

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint(operation: str, guarantee_id: str, payload: dict[str, Any]) -> str:
    """What identifies a request: its operation, its guarantee and its body."""
    data = canonical({"op": operation, "guarantee": guarantee_id, "body": payload})
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise InvalidInput("an Idempotency-Key has 1 to 255 printable characters")
    return key


def replay(session: Session, actor: Actor, key: str, fp: str) -> str | None:
    """The stored answer (JSON text) for this key, None if there is none yet."""
    row = session.get(IdempotentAnswer, (actor.account_id, key))
    if row is None:
        return None
    if row.fingerprint != fp:
        raise InvalidInput(
            "this Idempotency-Key was used with a different request; use a new key",
            idempotency_key=key,
        )
    return row.body


def remember(
    session: Session,
    actor: Actor,
    key: str,
    fp: str,
    status_code: int,
    body: str,
    now: datetime,
) -> None:
    session.add(
        IdempotentAnswer(
            account_id=actor.account_id,
            key=key,
            fingerprint=fp,
            status_code=status_code,
            body=body,
            created_at=now,
        )
    )
