"""Guarantees: create one from a design, and read its board.

A guarantee is created once from a validated design and never edited: the design is stored as
canonical JSON with its digest, so the record of a deliberation can always be read against the
exact rules it ran under. Its ``mode`` (live or exercise) is fixed at creation and written into
its log origin, so even a bare checkpoint says whether it is an exercise.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.canonical import canonical
from pact24.designs import load_design_text, preset_names
from pact24.designs.loader import preset_path
from pact24.designs.schema import Design
from pact24.errors import Conflict, InvalidInput, UnknownDesign
from pact24.mechanism import IncidentReported, Phase
from pact24.mechanism.queries import awaits_invocation
from pact24.service import clocks, views
from pact24.service.auth import Actor, Role, new_id, require, require_mode, require_reader
from pact24.service.schemas import AcknowledgedOut, BoardOut, GuaranteeIn, GuaranteeOut
from pact24.store import refused
from pact24.store.db import Store
from pact24.store.models import (
    Account,
    BoardCell,
    EventRow,
    Guarantee,
    MailRow,
    OutcomeRow,
    ReceiptRow,
)
from pact24.store.record import append_entry, design_of, get_guarantee, lock_guarantee

ORIGIN_ENV = "PACT24_LOG_ORIGIN"
DEFAULT_ORIGIN_PREFIX = "pact24.example"


def origin_prefix() -> str:
    """The first part of every log origin: the service's name (``PACT24_LOG_ORIGIN``)."""
    return os.environ.get(ORIGIN_ENV, DEFAULT_ORIGIN_PREFIX).rstrip("/")


def _design(req: GuaranteeIn) -> Design:
    if (req.design is None) == (req.preset is None):
        raise InvalidInput("give exactly one of 'design' (YAML text) and 'preset'")
    if req.preset is not None:
        if req.preset not in preset_names():
            raise UnknownDesign(
                f"no preset named {req.preset!r}; presets: {', '.join(preset_names())}",
                name=req.preset,
            )
        return load_design_text(preset_path(req.preset).read_text(encoding="utf-8"), req.preset)
    assert req.design is not None
    return load_design_text(req.design, "design")


def design_json(design: Design) -> str:
    return canonical(json.loads(design.model_dump_json())).decode()


def create(
    session: Session, store: Store, now: datetime, actor: Actor, req: GuaranteeIn
) -> GuaranteeOut:
    """Store a new guarantee awaiting its incident, its design as ledger entry 0 (admin)."""
    require(actor, Role.ADMIN)
    require_mode(actor, req.mode)
    design = _design(req)
    gid = req.id or f"{design.name[:50].rstrip('-')}-{new_id(4).lower()}"
    if session.get(Guarantee, gid) is not None:
        raise Conflict(f"a guarantee {gid!r} already exists", guarantee=gid)
    text = design_json(design)
    g = Guarantee(
        id=gid,
        mode=req.mode,
        design_name=design.name,
        title=design.title,
        design_json=text,
        design_digest=hashlib.sha256(text.encode()).hexdigest(),
        log_origin=f"{origin_prefix()}/{req.mode}/{gid}",
        created_at=now,
        created_by=actor.account_id,
        phase=Phase.AWAITING_INCIDENT.value,
        event_count=0,
        ledger_size=0,
    )
    clocks.start(g, now, req.speed)
    session.add(g)
    session.flush()
    # The ledger opens with the design, so the exported file alone can be replayed.
    append_entry(
        session, store, g, "design", {"name": design.name, "design": json.loads(text)}, now
    )
    return views.guarantee(g)


def set_running(
    session: Session, wall: datetime, actor: Actor, guarantee_id: str, running: bool
) -> GuaranteeOut:
    """Pause or resume an exercise's clock (admin): while paused its time, its deadline and
    its reminders stand still in every process; the pause is added to ``clock_paused_seconds``."""
    require(actor, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    require_mode(actor, g.mode, g.id)
    clocks.set_running(g, wall, running)
    session.flush()
    return views.guarantee(g)


def get(session: Session, actor: Actor, guarantee_id: str) -> GuaranteeOut:
    require_reader(actor, guarantee_id)
    return views.guarantee(get_guarantee(session, guarantee_id))


def list_all(session: Session, actor: Actor) -> list[GuaranteeOut]:
    stmt = select(Guarantee).order_by(Guarantee.created_at, Guarantee.id)
    if actor.guarantee_id is not None:
        stmt = stmt.where(Guarantee.id == actor.guarantee_id)
    return [views.guarantee(g) for g in session.scalars(stmt)]


def design(session: Session, actor: Actor, guarantee_id: str) -> Design:
    require_reader(actor, guarantee_id)
    return design_of(session, get_guarantee(session, guarantee_id))


def board(session: Session, now: datetime, actor: Actor, guarantee_id: str) -> BoardOut:
    """The board: every guarantor's current decision per instrument, receipts and outcome,
    read from the projections."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    d = design_of(session, g)
    cells = {
        (c.guarantor, c.instrument): c
        for c in session.scalars(select(BoardCell).where(BoardCell.guarantee_id == g.id))
    }
    receipts = list(session.scalars(select(ReceiptRow).where(ReceiptRow.guarantee_id == g.id)))
    order = {
        (x.iso3, i.value): n
        for n, (x, i) in enumerate((x, i) for x in d.guarantors for i in d.instruments)
    }
    receipts.sort(key=lambda r: order.get((r.guarantor, r.instrument), 0))
    outcome = session.get(OutcomeRow, g.id)
    seconds_left = None
    if g.deadline is not None and g.phase == Phase.WINDOW_OPEN.value:
        seconds_left = max(0.0, (g.deadline - now).total_seconds())
    return BoardOut(
        guarantee=views.guarantee(g),
        now=now,
        seconds_left=seconds_left,
        instruments=list(d.instruments),
        guarantors=[views.guarantor_row(x, d.instruments, cells) for x in d.guarantors],
        receipts=[views.receipt(r) for r in receipts],
        outcome=None if outcome is None else views.outcome(g, outcome),
        refused_late=refused.count(session, g.id),
        engaged=_engaged(session, g.id),
        awaiting_invocation=awaits_invocation(d, g.phase),
        acknowledged=_acknowledged(session, g.id),
    )


def _acknowledged(session: Session, guarantee_id: str) -> list[AcknowledgedOut]:
    """Per delegate, the latest email it acknowledged by its link (none before any)."""
    rows = session.execute(
        select(Account.guarantor, Account.delegate, MailRow.topic, MailRow.acknowledged_at)
        .join(Account, Account.id == MailRow.account_id)
        .where(MailRow.guarantee_id == guarantee_id, MailRow.acknowledged_at.is_not(None))
        .order_by(MailRow.acknowledged_at, MailRow.id)
    )
    latest: dict[tuple[str, str], AcknowledgedOut] = {}
    for guarantor, delegate, topic, at in rows:
        assert guarantor is not None and delegate is not None and at is not None
        latest[(guarantor, delegate)] = AcknowledgedOut(
            guarantor=guarantor, delegate=delegate, topic=topic, at=at
        )
    return sorted(latest.values(), key=lambda a: (a.guarantor, a.delegate))


def _engaged(session: Session, guarantee_id: str) -> list[str]:
    """The guarantors whose stationed forces the reported attack touched, as the incident
    recorded them (none before the report)."""
    body = session.scalar(
        select(EventRow.body).where(
            EventRow.guarantee_id == guarantee_id,
            EventRow.type == IncidentReported.__name__,
        )
    )
    return [] if body is None else list(json.loads(body).get("engaged", []))
