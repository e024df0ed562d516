"""Projections: the board, the receipts and the outcome, as rows derived from the record.

Each is written from the mechanism's state *after* the event, never computed on the side, so a
projection can only say what the fold says. ``rebuild`` replays the record and rewrites them
all; the tests check that it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, delete
from sqlalchemy.orm import Session

from pact24.canonical import canonical
from pact24.mechanism import (
    ConditionResolved,
    DecisionRecorded,
    Deliberation,
    Event,
    OutcomeDeclared,
    Phase,
    ReceiptsFrozen,
    codec,
    engine,
)
from pact24.mechanism.events import Condition
from pact24.store.models import BoardCell, Guarantee, OutcomeRow, ReceiptRow
from pact24.vocab import Instrument


def in_phases(phases: Iterable[Phase]) -> ColumnElement[bool]:
    """Guarantees whose ``phase`` column (it holds the phase's text) is one of ``phases``."""
    return Guarantee.phase.in_(sorted(p.value for p in phases))


def guarantee_columns(state: Deliberation) -> dict[str, Any]:
    """The phase columns of the guarantee row for ``state``."""
    return {
        "phase": state.phase.value,
        "opened_at": state.opened_at,
        "deadline": state.deadline,
        "closed_at": state.closed_at,
        "last_at": state.last_at,
    }


def condition_dict(condition: Condition | None) -> dict[str, Any] | None:
    """A condition as the codec writes it inside a decision."""
    if condition is None:
        return None
    return {"kind": condition.kind.value, "k": condition.k, "text": condition.text}


def condition_text(condition: Condition | None) -> str | None:
    body = condition_dict(condition)
    return None if body is None else canonical(body).decode()


def _board_cell(
    session: Session,
    guarantee_id: str,
    state: Deliberation,
    guarantor: str,
    instrument: Instrument,
    seq: int,
) -> None:
    d = state.current(guarantor, instrument)
    if d is None:
        return
    session.merge(
        BoardCell(
            guarantee_id=guarantee_id,
            guarantor=guarantor,
            instrument=instrument.value,
            choice=d.choice.value,
            revision=d.revision,
            delegate=d.delegate,
            condition=condition_text(d.condition),
            condition_met=state.resolutions.get((guarantor, instrument)),
            amount=d.amount,
            note=d.note,
            at=d.at,
            seq=seq,
        )
    )


def apply(session: Session, guarantee_id: str, state: Deliberation, event: Event, seq: int) -> None:
    """Update the projections for ``event``, given the state just after it."""
    if isinstance(event, DecisionRecorded | ConditionResolved):
        _board_cell(session, guarantee_id, state, event.guarantor, event.instrument, seq)
    elif isinstance(event, ReceiptsFrozen):
        for r in event.receipts:
            session.add(
                ReceiptRow(
                    guarantee_id=guarantee_id,
                    guarantor=r.guarantor,
                    instrument=r.instrument.value,
                    status=r.status.value,
                    counts=r.counts,
                    amount=r.amount,
                    revision=r.revision,
                    by_silence=r.by_silence,
                    engaged_by_posture=r.engaged_by_posture,
                    condition=condition_text(r.condition),
                    condition_met=r.condition_met,
                    frozen_at=event.at,
                )
            )
    elif isinstance(event, OutcomeDeclared):
        body = codec.to_dict(event)["outcome"]
        session.add(
            OutcomeRow(
                guarantee_id=guarantee_id,
                honoured=event.outcome.honoured,
                rule=event.outcome.rule,
                body=canonical(body).decode(),
                declared_at=event.at,
            )
        )


def rebuild(
    session: Session, guarantee_id: str, events: list[Event], start: Deliberation
) -> Deliberation:
    """Rewrite every projection of a guarantee by replaying ``events`` from ``start``."""
    for table in (BoardCell, ReceiptRow, OutcomeRow):
        session.execute(delete(table).where(table.guarantee_id == guarantee_id))
    session.flush()
    state = start
    for seq, e in enumerate(events):
        state = engine.apply(state, e)
        apply(session, guarantee_id, state, e, seq)
    session.flush()
    return state
