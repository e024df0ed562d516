"""The outbox: webhook messages written in the same transaction as what they report.

A message exists if and only if its event was committed, and delivering it is a separate job
(``service.webhooks``) that can fail, retry and give up without ever touching the decision
path. Any number of workers, in any number of processes, share the table: a worker *claims* a
message by setting its lease with a conditional UPDATE, which succeeds for exactly one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from pact24.canonical import canonical
from pact24.store.models import Guarantee, MailRow, OutboxRow, Webhook


def _subscribers(session: Session, guarantee_id: str | None) -> list[str]:
    stmt = select(Webhook.id).where(Webhook.disabled_at.is_(None))
    if guarantee_id is not None:
        stmt = stmt.where(or_(Webhook.guarantee_id.is_(None), Webhook.guarantee_id == guarantee_id))
    return list(session.scalars(stmt.order_by(Webhook.id)))


def enqueue(
    session: Session,
    guarantee_id: str | None,
    topic: str,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """One pending message per active webhook that follows ``guarantee_id``; how many."""
    hooks = _subscribers(session, guarantee_id)
    text = canonical(payload).decode()
    for hook in hooks:
        session.add(
            OutboxRow(
                webhook_id=hook,
                guarantee_id=guarantee_id,
                topic=topic,
                payload=text,
                created_at=now,
                status="pending",
                attempts=0,
                next_attempt_at=now,
            )
        )
    return len(hooks)


def enqueue_event(
    session: Session,
    g: Guarantee,
    body: dict[str, Any],
    seq: int,
    ledger_index: int,
    now: datetime,
) -> int:
    payload = {
        "id": f"{g.id}/events/{seq}",
        "topic": body["type"],
        "guarantee": g.id,
        "mode": g.mode,
        "seq": seq,
        "ledger_index": ledger_index,
        "event": body,
    }
    return enqueue(session, g.id, body["type"], payload, now)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A message a worker holds the lease of, with what it needs to deliver it."""

    id: int
    webhook_id: str
    url: str
    secret: str
    previous_secret: str | None
    rotated_at: datetime | None
    topic: str
    payload: str
    attempts: int


Leased = type[OutboxRow] | type[MailRow]
"""A queue table with ``status``, ``attempts``, ``next_attempt_at`` and ``lease_until`` (webhook
messages and mail share the delivery rules below)."""


def due_ids(session: Session, table: Leased, now: datetime, limit: int) -> list[int]:
    """Ids of pending rows whose next attempt is due and whose lease is free. A row never tried
    is due at once: it was queued at its guarantee's time, which on an exercise's compressed
    clock runs ahead of the courier's wall clock; retries are timed by the wall."""
    stmt = (
        select(table.id)
        .where(
            table.status == "pending",
            or_(table.attempts == 0, table.next_attempt_at <= now),
            or_(table.lease_until.is_(None), table.lease_until <= now),
        )
        .order_by(table.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def take_lease(
    session: Session, table: Leased, row_id: int, now: datetime, lease: timedelta
) -> bool:
    """Take the lease of one pending row (a conditional UPDATE: one worker wins)."""
    result = session.execute(
        update(table)
        .where(
            table.id == row_id,
            table.status == "pending",
            or_(table.lease_until.is_(None), table.lease_until <= now),
        )
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined,no-any-return]


def due(session: Session, now: datetime, limit: int = 50) -> list[int]:
    """Ids of the webhook messages due now (:func:`due_ids`)."""
    return due_ids(session, OutboxRow, now, limit)


def claim(session: Session, message_id: int, now: datetime, lease: timedelta) -> Claimed | None:
    """Take the lease of a message; None if another worker holds it or it is done."""
    if not take_lease(session, OutboxRow, message_id, now, lease):
        return None
    row = session.execute(
        select(OutboxRow, Webhook)
        .join(Webhook, Webhook.id == OutboxRow.webhook_id)
        .where(OutboxRow.id == message_id)
    ).one()
    m, w = row
    return Claimed(
        id=m.id,
        webhook_id=w.id,
        url=w.url,
        secret=w.secret,
        previous_secret=w.previous_secret,
        rotated_at=w.rotated_at,
        topic=m.topic,
        payload=m.payload,
        attempts=m.attempts,
    )


def settle(
    session: Session,
    message_id: int,
    *,
    now: datetime,
    ok: bool,
    error: str | None,
    retry_at: datetime | None,
) -> str:
    """Record one attempt: delivered, retry at ``retry_at``, or dead (``retry_at`` None)."""
    status = "delivered" if ok else ("pending" if retry_at is not None else "dead")
    m = session.get(OutboxRow, message_id)
    assert m is not None
    m.attempts += 1
    m.status = status
    m.lease_until = None
    m.last_error = None if ok else error
    if ok:
        m.delivered_at = now
    elif retry_at is not None:
        m.next_attempt_at = retry_at
    return status
