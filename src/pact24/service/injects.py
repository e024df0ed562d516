"""Injects: what an exercise's control cell tells the players, kept with the exercise's time.

An inject is scenario, not a decision: it is kept apart from the record (``injects`` table),
listed for every reader of the guarantee, and read back by the after-action report. What it
sets going is recorded by the routes that record it (an attribution finding, a resolved vote).
A live guarantee takes none (409): nothing scripted may sit beside a real deliberation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.errors import Conflict
from pact24.service.auth import Actor, Role, require, require_mode, require_reader
from pact24.service.schemas import InjectIn, InjectOut
from pact24.store.models import Guarantee, InjectRow
from pact24.store.record import get_guarantee, lock_guarantee


def send(
    session: Session, now: datetime, actor: Actor, guarantee_id: str, req: InjectIn
) -> InjectOut:
    """Keep one inject at the exercise's time ``now`` (an admin of the exercise)."""
    require(actor, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    require_mode(actor, g.mode, g.id)
    if g.mode != "exercise":
        raise Conflict(f"guarantee {g.id} is live: injects belong to exercises")
    row = InjectRow(guarantee_id=g.id, kind=req.kind, text=req.text, at=now, sent_by=actor.name)
    session.add(row)
    session.flush()
    return _out(g, row)


def list_for(session: Session, actor: Actor, guarantee_id: str) -> list[InjectOut]:
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    rows = session.scalars(
        select(InjectRow).where(InjectRow.guarantee_id == g.id).order_by(InjectRow.id)
    )
    return [_out(g, r) for r in rows]


def _out(g: Guarantee, r: InjectRow) -> InjectOut:
    return InjectOut(
        id=r.id,
        guarantee=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        kind=r.kind,  # type: ignore[arg-type]
        text=r.text,
        at=r.at,
        sent_by=r.sent_by,
    )
