"""Exports of a guarantee: its timeline, its receipts and its outcome, as JSON or CSV.

Every JSON export carries ``mode`` and ``banner``; every CSV row carries ``guarantee`` and
``mode`` columns, so a row copied out of an exercise's file still says it is an exercise.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.errors import NotFound
from pact24.service import views
from pact24.service.auth import Actor, require_reader
from pact24.service.schemas import OutcomeOut, Receipts, Timeline, banner
from pact24.store.models import EventRow, OutcomeRow, ReceiptRow
from pact24.store.record import design_of, get_guarantee


def timeline(session: Session, actor: Actor, guarantee_id: str) -> Timeline:
    """Every accepted event, in order, as stored (nothing edited, nothing removed)."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    rows = session.scalars(
        select(EventRow).where(EventRow.guarantee_id == g.id).order_by(EventRow.seq)
    )
    return Timeline(
        guarantee=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        banner=banner(g.mode),
        events=[views.event_row(e) for e in rows],
    )


def receipts(session: Session, actor: Actor, guarantee_id: str) -> Receipts:
    """The frozen receipts (empty until the window closes)."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    d = design_of(session, g)
    order = {
        (x.iso3, i.value): n
        for n, (x, i) in enumerate((x, i) for x in d.guarantors for i in d.instruments)
    }
    rows = sorted(
        session.scalars(select(ReceiptRow).where(ReceiptRow.guarantee_id == g.id)),
        key=lambda r: order.get((r.guarantor, r.instrument), 0),
    )
    return Receipts(
        guarantee=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        banner=banner(g.mode),
        receipts=[views.receipt(r) for r in rows],
    )


def outcome(session: Session, actor: Actor, guarantee_id: str) -> OutcomeOut:
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    row = session.get(OutcomeRow, g.id)
    if row is None:
        raise NotFound(f"guarantee {g.id} has no outcome yet; it is {g.phase}", phase=g.phase)
    return views.outcome(g, row)


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def timeline_csv(t: Timeline) -> str:
    return _csv(
        ["guarantee", "mode", "seq", "ledger_index", "type", "at", "recorded_at", "body"],
        (
            [
                t.guarantee,
                t.mode,
                e.seq,
                e.ledger_index,
                e.type,
                e.at.isoformat(),
                e.recorded_at.isoformat(),
                json.dumps(e.body, sort_keys=True),
            ]
            for e in t.events
        ),
    )


def receipts_csv(r: Receipts) -> str:
    return _csv(
        [
            "guarantee",
            "mode",
            "guarantor",
            "instrument",
            "status",
            "counts",
            "amount",
            "revision",
            "by_silence",
            "engaged_by_posture",
            "condition",
            "condition_met",
            "frozen_at",
        ],
        (
            [
                r.guarantee,
                r.mode,
                x.guarantor,
                x.instrument.value,
                x.status,
                x.counts,
                x.amount,
                x.revision,
                x.by_silence,
                x.engaged_by_posture,
                None if x.condition is None else x.condition.kind.value,
                x.condition_met,
                x.frozen_at.isoformat(),
            ]
            for x in r.receipts
        ),
    )


def outcome_csv(o: OutcomeOut) -> str:
    """One row per instrument's tally, each with the overall verdict."""
    tallies = o.outcome.get("tallies", [])
    return _csv(
        [
            "guarantee",
            "mode",
            "honoured",
            "rule",
            "instrument",
            "committed",
            "conditional_met",
            "conditional_unmet",
            "declined",
            "abstained",
            "silent",
            "counted",
            "amount",
            "declared_at",
        ],
        (
            [
                o.guarantee,
                o.mode,
                o.honoured,
                o.rule,
                t["instrument"],
                " ".join(t["committed"]),
                " ".join(t["conditional_met"]),
                " ".join(t["conditional_unmet"]),
                " ".join(t["declined"]),
                " ".join(t["abstained"]),
                " ".join(t["silent"]),
                " ".join(t["counted"]),
                t["amount"],
                o.declared_at.isoformat(),
            ]
            for t in tallies
        ),
    )
