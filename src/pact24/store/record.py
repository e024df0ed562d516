"""The record: append events and keys to a guarantee, all or nothing.

``append_events`` is the one way an event enters the store. In the caller's transaction it

1. folds the events through the mechanism as they arrive at ``now`` (``engine.attempt``), which
   refuses what the rules refuse, a late decision included, before anything is written;
2. claims the positions it will write by moving the guarantee's append position with a
   compare-and-set (``UPDATE ... WHERE ledger_size = :seen``): if another writer got there
   first, this transaction stops with Conflict and stores nothing, whatever locks the database
   did or did not take;
3. appends each ledger entry, which refuses a decision whose delegate signature does not
   verify under the key registered in the ledger;
4. inserts the event rows, the ledger rows (each with the checkpoint signed after it), the
   projection rows and one outbox message per webhook.

The caller's transaction commits all of it or none of it (``Store.write``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from pact24.canonical import canonical
from pact24.designs.schema import Design
from pact24.errors import Conflict, NotFound
from pact24.ledger import Ledger
from pact24.ledger.entry import entry_bytes
from pact24.mechanism import Deliberation, Event, codec, engine
from pact24.store import caches, outbox, projections
from pact24.store.db import Store
from pact24.store.logkey import log_key
from pact24.store.models import EventRow, Guarantee, LedgerRow


@dataclass(frozen=True, slots=True)
class Appended:
    """What one append stored: the event, its position in the stream and in the ledger."""

    event: Event
    seq: int
    ledger_index: int
    body: dict[str, Any]


def get_guarantee(session: Session, guarantee_id: str) -> Guarantee:
    g = session.get(Guarantee, guarantee_id)
    if g is None:
        raise NotFound(f"no guarantee {guarantee_id!r}", guarantee=guarantee_id)
    return g


def lock_guarantee(session: Session, guarantee_id: str) -> Guarantee:
    """The guarantee's row, locked until the transaction ends.

    PostgreSQL: ``SELECT ... FOR UPDATE`` queues writers of this guarantee (and only this one).
    SQLite: the write transaction already holds the database's write lock (``BEGIN
    IMMEDIATE``). Either way the row is read fresh, not from the session's identity map.
    """
    stmt = (
        select(Guarantee)
        .where(Guarantee.id == guarantee_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    g = session.scalar(stmt)
    if g is None:
        raise NotFound(f"no guarantee {guarantee_id!r}", guarantee=guarantee_id)
    return g


def try_lock_guarantee(session: Session, guarantee_id: str) -> Guarantee | None:
    """Like ``lock_guarantee``, but None at once if another transaction holds the row
    (PostgreSQL ``SKIP LOCKED``): for the timer, which need not wait for a busy guarantee."""
    stmt = (
        select(Guarantee)
        .where(Guarantee.id == guarantee_id)
        .execution_options(populate_existing=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalar(stmt)


def design_of(session: Session, g: Guarantee) -> Design:
    design = caches.cached_design(session, g.id)
    if design is None:
        design = Design.model_validate_json(g.design_json)
        caches.keep_design(session, g.id, design)
    return design


def load_state(session: Session, g: Guarantee) -> Deliberation:
    """The fold of the guarantee's events as stored (from the cache plus any newer rows)."""
    cached = caches.cached_state(session, g.id)
    if cached is not None and cached[0] <= g.event_count:
        count, state = cached
    else:
        count, state = 0, engine.start(design_of(session, g))
    if count < g.event_count:
        rows = session.scalars(
            select(EventRow.body)
            .where(EventRow.guarantee_id == g.id, EventRow.seq >= count)
            .order_by(EventRow.seq)
        )
        for body in rows:
            state = engine.apply(state, codec.from_dict(json.loads(body)))
            count += 1
        caches.stage(session, g.id, state=(count, state))
    return state


def _ledger(session: Session, store_key: Any, g: Guarantee, size: int) -> Ledger:
    """The guarantee's ledger at ``size`` entries, taken from the cache or rebuilt."""
    ledger = caches.take_ledger(session, g.id)
    if ledger is None or ledger.size > size:
        ledger = Ledger(store_key, g.log_origin)
    if ledger.size < size:
        rows = session.scalars(
            select(LedgerRow.entry)
            .where(
                LedgerRow.guarantee_id == g.id, LedgerRow.idx >= ledger.size, LedgerRow.idx < size
            )
            .order_by(LedgerRow.idx)
        )
        for text in rows:
            entry = json.loads(text)
            entry.pop("index")
            ledger.append(entry)
    return ledger


def build_ledger(session: Session, store: Store, g: Guarantee) -> Ledger:
    """A ledger object of the guarantee as stored, for export (not cached, never mutated)."""
    entries = [
        json.loads(text)
        for text in session.scalars(
            select(LedgerRow.entry).where(LedgerRow.guarantee_id == g.id).order_by(LedgerRow.idx)
        )
    ]
    checkpoints = list(
        session.scalars(
            select(LedgerRow.checkpoint)
            .where(LedgerRow.guarantee_id == g.id)
            .order_by(LedgerRow.idx)
        )
    )
    return Ledger.from_entries(entries, log_key(store), g.log_origin, checkpoints)


def _store_entry(
    session: Session, g: Guarantee, ledger: Ledger, entry: dict[str, Any], now: datetime
) -> dict[str, Any]:
    full = ledger.append(entry)
    index = full["index"]
    session.add(
        LedgerRow(
            guarantee_id=g.id,
            idx=index,
            kind=full["kind"],
            entry=entry_bytes(full).decode(),
            leaf_hash=ledger.leaf_hash(index),
            checkpoint=ledger.checkpoint(index + 1),
            recorded_at=now,
        )
    )
    return full


def _advance(session: Session, g: Guarantee, seen: int, values: dict[str, Any]) -> None:
    """Compare-and-set the guarantee's append position; Conflict if another writer moved it."""
    result = session.execute(
        update(Guarantee)
        .where(Guarantee.id == g.id, Guarantee.ledger_size == seen)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            f"guarantee {g.id} changed while this request was being recorded; try again",
            guarantee=g.id,
        )
    for name, value in values.items():  # reflect the stored values without a second UPDATE
        set_committed_value(g, name, value)


def _flush(session: Session, g: Guarantee) -> None:
    """Write the rows now, so that a clash with another writer is a Conflict, here."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(
            f"guarantee {g.id} changed while this request was being recorded; try again",
            guarantee=g.id,
        ) from None


def append_events(
    session: Session,
    store: Store,
    g: Guarantee,
    state: Deliberation,
    events: Sequence[Event],
    *,
    now: datetime,
    actor_id: str | None,
) -> tuple[Deliberation, list[Appended]]:
    """Append ``events`` in order to the locked guarantee ``g`` whose folded state is ``state``.

    Raises a MechanismError or BadSignature (nothing stored) when an event is refused; ``now``
    is the service's time, when the events arrive.
    """
    if not events:
        return state, []
    seen_size, first = g.ledger_size, g.event_count
    states: list[Deliberation] = []
    new = state
    for e in events:  # fold first: a refused event stops everything before any write
        new, refused = engine.attempt(new, e, now)
        if refused is not None:
            raise refused
        states.append(new)
    seq = first + len(events)
    # Claim the positions before writing into them: a stale writer stops here, with Conflict.
    _advance(
        session,
        g,
        seen_size,
        {
            "event_count": seq,
            "ledger_size": seen_size + len(events),
            **projections.guarantee_columns(new),
        },
    )
    ledger = _ledger(session, log_key(store), g, seen_size)
    appended: list[Appended] = []
    for n, (e, folded) in enumerate(zip(events, states, strict=True)):
        body = json.loads(canonical(codec.to_dict(e)))
        full = _store_entry(
            session,
            g,
            ledger,
            {"deliberation": g.id, "mode": g.mode, "kind": "event", "body": body},
            now,
        )
        session.add(
            EventRow(
                guarantee_id=g.id,
                seq=first + n,
                type=body["type"],
                at=e.at,
                body=canonical(body).decode(),
                ledger_index=full["index"],
                recorded_at=now,
                actor_id=actor_id,
            )
        )
        projections.apply(session, g.id, folded, e, first + n)
        outbox.enqueue_event(session, g, body, first + n, full["index"], now)
        appended.append(Appended(e, first + n, full["index"], body))
    _flush(session, g)
    caches.stage(session, g.id, state=(seq, new), ledger=ledger)
    return new, appended


def append_entry(
    session: Session, store: Store, g: Guarantee, kind: str, body: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Append a ``design`` or ``key`` entry (not an event) to the guarantee's ledger."""
    seen_size = g.ledger_size
    _advance(session, g, seen_size, {"ledger_size": seen_size + 1})
    ledger = _ledger(session, log_key(store), g, seen_size)
    full = _store_entry(
        session, g, ledger, {"deliberation": g.id, "mode": g.mode, "kind": kind, "body": body}, now
    )
    _flush(session, g)
    caches.stage(session, g.id, ledger=ledger)
    return full


def append_key(
    session: Session,
    store: Store,
    g: Guarantee,
    *,
    guarantor: str,
    delegate: str,
    public_key: str,
    now: datetime,
) -> dict[str, Any]:
    """Register a delegate's public key in the guarantee's ledger (a ``key`` entry)."""
    body = {"guarantor": guarantor, "delegate": delegate, "public_key": public_key}
    return append_entry(session, store, g, "key", body, now)


def event_count(session: Session, guarantee_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(EventRow).where(EventRow.guarantee_id == guarantee_id)
        )
        or 0
    )
