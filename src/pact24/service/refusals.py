"""Refused late decisions: kept for people to see, after the refusal and apart from the record.

A decision that reaches the service at or after the deadline is refused (409) and its
transaction stores nothing. ``keep_late`` then runs in a transaction of its own and keeps it in
``refused_attempts`` (``pact24.store.refused``), which neither the ledger, the mechanism nor the
outcome ever reads: nothing after the deadline counts. It keeps only what an authenticated
delegate signed with its registered key for this guarantee and log, and only if the mechanism
still calls it too late, so nobody can fill the table anonymously or in another's name.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from pact24.canonical import canonical
from pact24.errors import Pact24Error
from pact24.ledger import verify_decision
from pact24.mechanism import engine
from pact24.service.auth import Actor, Role, require, require_guarantor, require_reader
from pact24.service.deliberation import check_binding, decision_event
from pact24.service.schemas import DecisionIn, RefusedOut
from pact24.store import refused
from pact24.store.keys import delegate_key
from pact24.store.models import RefusedAttempt
from pact24.store.record import get_guarantee, load_state, lock_guarantee


def keep_late(
    session: Session, now: datetime, actor: Actor, guarantee_id: str, req: DecisionIn
) -> bool:
    """Keep ``req``, refused as late at ``now``, if its delegate's token and signature hold;
    whether it was kept (not when the checks fail or the delegate's cap is reached)."""
    require(actor, Role.DELEGATE, guarantee_id=guarantee_id)
    require_guarantor(actor, guarantee_id, req.guarantor)
    if req.delegate != actor.delegate:
        return False
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    event, body = decision_event(req, now)
    if engine.too_late(state, event, now) is None:
        return False
    try:
        check_binding(g, state, event)
    except Pact24Error:
        return False
    key = delegate_key(session, g.id, req.guarantor, req.delegate)
    if key is None or not verify_decision(body, key):
        return False
    return refused.keep(
        session,
        g.id,
        req.guarantor,
        req.delegate,
        req.instrument.value,
        canonical(body).decode(),
        now,
    )


def list_for(session: Session, actor: Actor, guarantee_id: str) -> list[RefusedOut]:
    """The refused late attempts of one guarantee, for anyone who may read its board."""
    require_reader(actor, guarantee_id)
    get_guarantee(session, guarantee_id)
    return [_out(r) for r in refused.listed(session, guarantee_id)]


def _out(r: RefusedAttempt) -> RefusedOut:
    decision = json.loads(r.decision)
    return RefusedOut(
        guarantor=r.guarantor,
        delegate=r.delegate,
        instrument=r.instrument,  # type: ignore[arg-type]
        choice=decision["choice"],
        received_at=r.received_at,
        last_at=r.last_at,
        tries=r.tries,
        decision=decision,
    )
