"""Reminders and escalation before the deadline, as the design schedules them.

At each offset of ``design.reminders_hours_before`` (e.g. 12, 3 and 1 hours before the
deadline) every guarantor still silent on some instrument gets a reminder, sent to its primary
delegate. From the second offset on, a guarantor still silent is escalated: its alternate
delegate is notified too (PagerDuty's escalation policy: the next person is called when the
first does not answer).

Each notification is sent once: it is stored under a unique (guarantee, guarantor, kind,
offset) key in the same transaction as its outbox message, under the guarantee's lock. A
service that was down across several offsets sends only the latest one due, not a burst.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.mechanism import Phase, codec
from pact24.service import views
from pact24.service.auth import Actor, require_reader
from pact24.service.schemas import NotificationOut
from pact24.store import outbox
from pact24.store.models import Guarantee, Notification
from pact24.store.record import design_of, load_state, try_lock_guarantee


def open_windows(session: Session) -> list[str]:
    """Guarantees whose window is open with a deadline (``send_due`` reads each one's clock
    and sends nothing once its deadline has passed)."""
    stmt = select(Guarantee.id).where(
        Guarantee.phase == Phase.WINDOW_OPEN.value, Guarantee.deadline.is_not(None)
    )
    return list(session.scalars(stmt))


def send_due(session: Session, now: datetime, guarantee_id: str) -> list[Notification]:
    """Store (and queue) the reminders and escalations due now for one guarantee."""
    g = try_lock_guarantee(session, guarantee_id)
    if g is None or g.phase != Phase.WINDOW_OPEN.value or g.deadline is None:
        return []
    design = design_of(session, g)
    offsets = sorted(design.reminders_hours_before, reverse=True)
    due = [h for h in offsets if now >= g.deadline - timedelta(hours=h)]
    if not due or now >= g.deadline:
        return []
    hours = due[-1]
    escalate = offsets.index(hours) >= 1
    state = load_state(session, g)
    silent: dict[str, list[str]] = {}
    for iso3, instrument in state.silent():
        silent.setdefault(iso3, []).append(instrument.value)
    sent = {
        (n.guarantor, n.kind)
        for n in session.scalars(
            select(Notification).where(
                Notification.guarantee_id == g.id, Notification.hours_before == hours
            )
        )
    }
    made: list[Notification] = []
    for guarantor in design.guarantors:
        instruments = silent.get(guarantor.iso3)
        if not instruments:
            continue
        targets = [("reminder", guarantor.delegate)]
        if escalate:
            targets.append(("escalation", guarantor.alternate_delegate))
        for kind, delegate in targets:
            if (guarantor.iso3, kind) in sent:
                continue
            n = Notification(
                guarantee_id=g.id,
                guarantor=guarantor.iso3,
                delegate=delegate,
                kind=kind,
                hours_before=hours,
                silent=json.dumps(instruments),
                at=now,
            )
            session.add(n)
            outbox.enqueue(
                session,
                g.id,
                kind,
                {
                    "id": f"{g.id}/{kind}/{guarantor.iso3}/{hours:g}",
                    "topic": kind,
                    "guarantee": g.id,
                    "mode": g.mode,
                    "guarantor": guarantor.iso3,
                    "delegate": delegate,
                    "hours_before": hours,
                    "deadline": codec.ts(g.deadline),
                    "silent": instruments,
                },
                now,
            )
            made.append(n)
    session.flush()
    return made


def list_for(session: Session, actor: Actor, guarantee_id: str) -> list[NotificationOut]:
    require_reader(actor, guarantee_id)
    rows = session.scalars(
        select(Notification)
        .where(Notification.guarantee_id == guarantee_id)
        .order_by(Notification.id)
    )
    return [views.notification(n) for n in rows]
