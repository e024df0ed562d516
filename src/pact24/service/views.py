"""Rows of the store as the service's output models (``schemas``), in one place."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from pact24.designs.schema import Guarantor
from pact24.service import clocks
from pact24.service.schemas import (
    AccountOut,
    CellOut,
    ConditionOut,
    EventOut,
    GuaranteeOut,
    GuarantorRow,
    NotificationOut,
    OutboxOut,
    OutcomeOut,
    ReceiptOut,
    TokenOut,
    WebhookOut,
    banner,
)
from pact24.store.models import (
    Account,
    BoardCell,
    EventRow,
    Guarantee,
    Notification,
    OutboxRow,
    OutcomeRow,
    ReceiptRow,
    Token,
    Webhook,
)
from pact24.store.record import Appended
from pact24.vocab import Instrument


def guarantee(g: Guarantee) -> GuaranteeOut:
    return GuaranteeOut(
        id=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        banner=banner(g.mode),
        title=g.title,
        design_name=g.design_name,
        design_digest=g.design_digest,
        log_origin=g.log_origin,
        phase=g.phase,
        created_at=g.created_at,
        opened_at=g.opened_at,
        deadline=g.deadline,
        closed_at=g.closed_at,
        event_count=g.event_count,
        ledger_size=g.ledger_size,
        speed=clocks.speed_of(g),
        paused=g.clock_paused_at is not None,
    )


def condition(text: str | None) -> ConditionOut | None:
    return None if text is None else ConditionOut.model_validate(json.loads(text))


def cell(c: BoardCell) -> CellOut:
    return CellOut(
        choice=c.choice,  # type: ignore[arg-type]
        revision=c.revision,
        delegate=c.delegate,
        condition=condition(c.condition),
        condition_met=c.condition_met,
        amount=c.amount,
        note=c.note,
        at=c.at,
    )


def guarantor_row(
    g: Guarantor, instruments: Sequence[Instrument], cells: Mapping[tuple[str, str], BoardCell]
) -> GuarantorRow:
    decisions = {
        i.value: (cell(cells[(g.iso3, i.value)]) if (g.iso3, i.value) in cells else None)
        for i in instruments
    }
    return GuarantorRow(
        iso3=g.iso3,
        name=g.name,
        delegate=g.delegate,
        alternate_delegate=g.alternate_delegate,
        decisions=decisions,
        silent=[i for i in instruments if decisions[i.value] is None],
    )


def receipt(r: ReceiptRow) -> ReceiptOut:
    return ReceiptOut(
        guarantor=r.guarantor,
        instrument=r.instrument,  # type: ignore[arg-type]
        status=r.status,
        counts=r.counts,
        amount=r.amount,
        revision=r.revision,
        by_silence=r.by_silence,
        engaged_by_posture=r.engaged_by_posture,
        condition=condition(r.condition),
        condition_met=r.condition_met,
        frozen_at=r.frozen_at,
    )


def outcome(g: Guarantee, o: OutcomeRow) -> OutcomeOut:
    return OutcomeOut(
        guarantee=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        banner=banner(g.mode),
        honoured=o.honoured,
        rule=o.rule,
        declared_at=o.declared_at,
        outcome=json.loads(o.body),
    )


def event_row(e: EventRow) -> EventOut:
    return EventOut(
        seq=e.seq,
        ledger_index=e.ledger_index,
        type=e.type,
        at=e.at,
        recorded_at=e.recorded_at,
        body=json.loads(e.body),
    )


def appended(a: Appended, recorded_at: object) -> EventOut:
    return EventOut(
        seq=a.seq,
        ledger_index=a.ledger_index,
        type=a.body["type"],
        at=a.event.at,
        recorded_at=recorded_at,  # type: ignore[arg-type]
        body=a.body,
    )


def account(a: Account, public_key: str | None = None) -> AccountOut:
    """A delegate's account shows ``public_key``, its key in force in the ledger."""
    return AccountOut(
        id=a.id,
        name=a.name,
        role=a.role,
        guarantee_id=a.guarantee_id,
        guarantor=a.guarantor,
        delegate=a.delegate,
        rank=a.rank,
        mode=a.mode,  # type: ignore[arg-type]
        public_key=public_key,
        created_at=a.created_at,
        email=a.email,
    )


def token(t: Token) -> TokenOut:
    return TokenOut.model_validate(t, from_attributes=True)


def webhook(w: Webhook, secret: str | None = None) -> WebhookOut:
    """Field by field on purpose: the row holds the signing secret, which is shown only when it
    is made or rotated (``secret``), never read back from the row."""
    return WebhookOut(
        id=w.id,
        url=w.url,
        guarantee_id=w.guarantee_id,
        created_at=w.created_at,
        rotated_at=w.rotated_at,
        disabled_at=w.disabled_at,
        secret=secret,
    )


def outbox(m: OutboxRow) -> OutboxOut:
    return OutboxOut.model_validate(m, from_attributes=True)


def notification(n: Notification) -> NotificationOut:
    return NotificationOut(
        guarantee_id=n.guarantee_id,
        guarantor=n.guarantor,
        delegate=n.delegate,
        kind=n.kind,
        hours_before=n.hours_before,
        silent=json.loads(n.silent),
        at=n.at,
    )
