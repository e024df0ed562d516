"""Refused late decisions, kept apart from the record (``refused_attempts``).

Nothing here is read by the append, the projections or the ledger: a decision refused after the
deadline stays refused, and this table only lets people see that it was tried. Storage is
bounded without trusting the delegate: repeats of one delegate's attempt on one instrument in
the same minute share a row (``tries`` counts them), and each delegate keeps at most
``MAX_PER_DELEGATE`` rows per guarantee, so 32 delegates cannot fill more than a few hundred.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pact24.store.models import RefusedAttempt

#: Rows kept per delegate and guarantee; later attempts in a new minute are not kept.
MAX_PER_DELEGATE = 20


def keep(
    session: Session,
    guarantee_id: str,
    guarantor: str,
    delegate: str,
    instrument: str,
    decision: str,
    received: datetime,
) -> bool:
    """Keep one refused attempt (``decision``: its canonical JSON) received at ``received``.

    The caller holds the guarantee's lock, so the count and the insert cannot race. Returns
    whether anything was written (False once the delegate's cap is reached)."""
    minute = received.replace(second=0, microsecond=0)
    same = select(RefusedAttempt).where(
        RefusedAttempt.guarantee_id == guarantee_id,
        RefusedAttempt.guarantor == guarantor,
        RefusedAttempt.delegate == delegate,
    )
    row = session.scalars(
        same.where(RefusedAttempt.instrument == instrument, RefusedAttempt.minute == minute)
    ).first()
    if row is not None:
        row.tries += 1
        row.last_at = received
        return True
    kept = session.scalar(select(func.count()).select_from(same.subquery()))
    if kept is not None and kept >= MAX_PER_DELEGATE:
        return False
    session.add(
        RefusedAttempt(
            guarantee_id=guarantee_id,
            guarantor=guarantor,
            delegate=delegate,
            instrument=instrument,
            minute=minute,
            received_at=received,
            last_at=received,
            tries=1,
            decision=decision,
        )
    )
    return True


def listed(session: Session, guarantee_id: str) -> list[RefusedAttempt]:
    """Every kept attempt of one guarantee, in the order they arrived."""
    stmt = select(RefusedAttempt).where(RefusedAttempt.guarantee_id == guarantee_id)
    return list(session.scalars(stmt.order_by(RefusedAttempt.received_at, RefusedAttempt.id)))


def count(session: Session, guarantee_id: str) -> int:
    """How many attempts are kept for one guarantee, counting repeats (``tries``)."""
    stmt = select(func.coalesce(func.sum(RefusedAttempt.tries), 0)).where(
        RefusedAttempt.guarantee_id == guarantee_id
    )
    return int(session.scalar(stmt) or 0)
