"""The all-or-nothing append: event, ledger entry, projections and outbox, or none of them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from tests.store.support import T0, counts, past_deadline, report, setup

from pact24.errors import Conflict, OutOfOrder
from pact24.ledger import verify_jsonl
from pact24.mechanism import AttributionAssessed, codec, engine
from pact24.service.schemas import IncidentIn
from pact24.store import caches, outbox, projections
from pact24.store.db import Store
from pact24.store.models import BoardCell, EventRow, Guarantee, LedgerRow, OutboxRow
from pact24.store.record import append_events, get_guarantee, load_state, lock_guarantee
from pact24.vocab import IncidentKind, Severity


def test_one_event_writes_its_row_entry_projection_and_messages(store: Store) -> None:
    s = setup(store, webhook=True)
    before = counts(store, s.gid)
    s.clock.advance(60)
    recorded, _ = s.service.record_decision(s.gbr, s.gid, s.decision())
    after = counts(store, s.gid)
    assert after["events"] == before["events"] + 1
    assert after["ledger_entries"] == before["ledger_entries"] + 1
    assert after["board"] == before["board"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert (after["event_count"], after["ledger_size"]) == (
        after["events"],
        after["ledger_entries"],
    )
    with store.read() as db:
        row = db.get(EventRow, (s.gid, recorded.events[0].seq))
        entry = db.get(LedgerRow, (s.gid, row.ledger_index))
        message = db.scalars(select(OutboxRow).order_by(OutboxRow.id.desc())).first()
    assert json.loads(entry.entry)["body"] == json.loads(row.body)
    assert json.loads(message.payload)["event"] == json.loads(row.body)


def test_a_failure_midway_stores_nothing_and_the_next_append_works(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = setup(store, webhook=True)
    before = counts(store, s.gid)

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the outbox insert fails after the event and ledger rows were added")

    monkeypatch.setattr(outbox, "enqueue_event", boom)
    s.clock.advance(60)
    with pytest.raises(RuntimeError):
        s.service.record_decision(s.gbr, s.gid, s.decision())
    assert counts(store, s.gid) == before
    monkeypatch.undo()
    recorded, _ = s.service.record_decision(s.gbr, s.gid, s.decision())
    assert recorded.events[0].seq == before["events"]
    assert recorded.events[0].ledger_index == before["ledger_entries"]


def test_a_refused_event_stores_nothing(store: Store) -> None:
    s = setup(store)
    before = counts(store, s.gid)
    with pytest.raises(OutOfOrder):
        report(s)  # a second incident in the same deliberation
    assert counts(store, s.gid) == before


def test_a_stale_writer_gets_conflict_not_a_second_record(store: Store) -> None:
    s = setup(store)
    with store.read() as db:
        stale = get_guarantee(db, s.gid)  # seen before another writer appends
        state = load_state(db, stale)
    s.clock.advance(60)
    s.service.record_decision(s.gbr, s.gid, s.decision())
    before = counts(store, s.gid)
    event = AttributionAssessed(at=s.clock.now(), confidence=0.5, assessed_by="x")
    caches.clear()
    with pytest.raises(Conflict), store.write() as db:
        db.add(stale)
        append_events(db, store, stale, state, [event], now=s.clock.now(), actor_id=None)
    assert counts(store, s.gid) == before


def test_the_close_freezes_receipts_and_declares_the_outcome(store: Store) -> None:
    s = setup(store)
    s.clock.advance(60)
    s.service.record_decision(s.gbr, s.gid, s.decision())
    past_deadline(s)
    assert s.service.close_overdue() == [s.gid]
    assert s.service.close_overdue() == []
    c = counts(store, s.gid)
    assert c["receipts"] == 16 * 4 and c["outcomes"] == 1
    with store.read() as db:
        g = db.get(Guarantee, s.gid)
        assert g.phase == "declared" and g.closed_at == T0.replace(day=2)


def test_projections_equal_a_replay_of_the_record(store: Store) -> None:
    s = setup(store)
    s.clock.advance(60)
    s.service.record_decision(s.gbr, s.gid, s.decision())
    s.clock.advance(60)
    s.service.record_decision(s.gbr, s.gid, s.decision("decline", 2))
    past_deadline(s)
    s.service.close_overdue()

    def snapshot() -> list[tuple[object, ...]]:
        with store.read() as db:
            cells = db.scalars(
                select(BoardCell).order_by(BoardCell.guarantor, BoardCell.instrument)
            )
            return [
                (c.guarantor, c.instrument, c.choice, c.revision, c.condition_met) for c in cells
            ]

    incremental = snapshot()
    before = counts(store, s.gid)
    with store.write() as db:
        g = lock_guarantee(db, s.gid)
        rows = db.scalars(
            select(EventRow.body).where(EventRow.guarantee_id == g.id).order_by(EventRow.seq)
        )
        events = [codec.from_dict(json.loads(b)) for b in rows]
        projections.rebuild(db, g.id, events, engine.start(load_state(db, g).design))
    assert snapshot() == incremental
    assert counts(store, s.gid) == before


def test_the_stored_ledger_exports_and_verifies(store: Store, tmp_path) -> None:
    from pact24.store.record import build_ledger

    s = setup(store)
    s.clock.advance(60)
    s.service.record_decision(s.gbr, s.gid, s.decision())
    past_deadline(s)
    s.service.close_overdue()
    with store.read() as db:
        ledger = build_ledger(db, store, get_guarantee(db, s.gid))
    from pact24.ledger import write_jsonl

    write_jsonl(tmp_path / "g.jsonl", ledger)
    verified = verify_jsonl(tmp_path / "g.jsonl")
    assert verified.size == counts(store, s.gid)["ledger_entries"]
    kinds = [e["kind"] for e in ledger.entries]
    assert kinds[:2] == ["design", "key"] and set(kinds[2:]) == {"event"}


def test_a_guarantee_with_no_window_yet_has_no_events(store: Store) -> None:
    s = setup(store, open_window=False)
    c = counts(store, s.gid)
    assert c["events"] == 0 and c["ledger_entries"] == 2  # the design and GBR's key
    s.service.report_incident(
        s.admin, s.gid, IncidentIn(kind=IncidentKind.CYBER, severity=Severity.LOW)
    )
    assert counts(store, s.gid)["events"] == 2  # the report opens the window (on_report)
