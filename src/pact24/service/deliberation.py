"""What people do in a deliberation: report, assess, invoke, decide, resolve, deliver, close.

Each function runs inside the caller's write transaction: it locks the guarantee, folds its
record, builds the event, lets the mechanism judge it and appends it (``store.record``). The
rules live in the mechanism; this module adds only what a live service must: who may act
(``auth``), what time it is (the injected clock), and the delegate's signature.

Deadlines are enforced when a decision *arrives*, by the clock of the service, not only by the
timer: the mechanism judges each event at the service's time (``engine.too_late`` and
``engine.attempt``), so a decision that reaches the service at or after the deadline is refused
with 409 and the deadline, whatever time its delegate wrote into it.

Every event is stamped with the service's receipt time, read under the guarantee's lock: that
time orders the record. A delegate's own ``signed_at`` is kept in the signed decision and
checked against ``MAX_SKEW`` for that decision alone; it never orders or blocks anyone else's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from pact24.errors import BadSignature, Forbidden, InvalidEvent, RevisionRefused
from pact24.ledger import verify_decision
from pact24.mechanism import (
    AttributionAssessed,
    ConditionResolved,
    DecisionRecorded,
    Deliberation,
    DeliveryReported,
    Event,
    IncidentReported,
    attestation,
    codec,
    engine,
)
from pact24.service import clocks
from pact24.service.auth import Actor, Role, new_id, require, require_guarantor
from pact24.service.schemas import (
    AttributionIn,
    CloseIn,
    DecisionIn,
    DeliveryIn,
    IncidentIn,
    InvocationIn,
    ResolutionIn,
)
from pact24.store.db import Store
from pact24.store.keys import delegate_key
from pact24.store.models import Guarantee
from pact24.store.record import (
    Appended,
    append_events,
    load_state,
    lock_guarantee,
    try_lock_guarantee,
)

#: How far a delegate's signing time (``signed_at``) may lie from the service's receipt time.
MAX_SKEW = timedelta(minutes=5)


def event_time(state: Deliberation, now: datetime) -> datetime:
    """``now``, or the last event's time if a clock elsewhere ran ahead (events never go back)."""
    last = state.last_at
    return now if last is None or now >= last else last


def _append(
    session: Session,
    store: Store,
    g: Guarantee,
    state: Deliberation,
    events: list[Event],
    now: datetime,
    actor: Actor | None,
) -> list[Appended]:
    _, appended = append_events(
        session,
        store,
        g,
        state,
        events,
        now=now,
        actor_id=None if actor is None else actor.account_id,
    )
    return appended


def _with_activation(state: Deliberation, first: Event, at: datetime) -> list[Event]:
    """``first``, then ``WindowOpened`` if the design says the window opens now."""
    after = engine.apply(state, first)
    if engine.activation_due(after):
        return [first, engine.open_window(after, at)]
    return [first]


def report_incident(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: IncidentIn,
) -> list[Appended]:
    """The beneficiary reports an attack; on an ``on_report`` design the window opens with it."""
    require(actor, Role.REPORTER, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    at = event_time(state, now)
    incident = IncidentReported(
        at=at,
        incident_id=req.incident_id or f"inc-{new_id(6)}",
        kind=req.kind,
        severity=req.severity,
        evidence=tuple(req.evidence),
        reported_by=actor.name,
        summary=req.summary,
        engaged=tuple(req.engaged),
    )
    return _append(session, store, g, state, _with_activation(state, incident, at), now, actor)


def assess_attribution(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: AttributionIn,
) -> list[Appended]:
    """An attribution finding; on an ``on_attribution`` design it may open the window."""
    require(actor, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    if state.overdue(now):  # the overdue window closes first (``Service._late_closes``)
        raise engine.deadline_passed(state)
    at = event_time(state, now)
    event = AttributionAssessed(at=at, confidence=req.confidence, assessed_by=actor.name)
    return _append(session, store, g, state, _with_activation(state, event, at), now, actor)


def invoke(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: InvocationIn,
) -> list[Appended]:
    """The chair records the guarantors' council's invocation: the window opens now, with the
    design's deadline if it has one. The mechanism says whether it may (``invocation_refusal``:
    an ``on_invocation`` design, reported, attribution at its threshold, not yet invoked)."""
    require(actor, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    at = event_time(state, now)
    refused = engine.invocation_refusal(state, at)
    if refused is not None:
        raise refused
    return _append(session, store, g, state, [engine.open_window(state, at)], now, actor)


def decision_event(req: DecisionIn, at: datetime) -> tuple[DecisionRecorded, dict[str, Any]]:
    """The decision as the service records it: as signed, stamped with its receipt time."""
    body: dict[str, Any] = {"type": "DecisionRecorded", "at": codec.ts(at)}
    body.update(req.model_dump(mode="json"))
    event = codec.from_dict(body)
    assert isinstance(event, DecisionRecorded)
    return event, codec.to_dict(event)


def check_binding(g: Guarantee, state: Deliberation, event: DecisionRecorded) -> None:
    """Refuse a signed decision made for another guarantee or log (400), for a record the
    delegate cannot have seen (422), or already recorded once (409: a replay)."""
    if (event.guarantee, event.origin) != (g.id, g.log_origin):
        raise BadSignature(
            f"the decision was signed for guarantee {event.guarantee!r} in log {event.origin!r}, "
            f"not for {g.id!r} in {g.log_origin!r}"
        )
    if event.sequence is None or event.sequence > g.event_count:
        raise InvalidEvent(
            f"the decision was signed against {event.sequence} events; "
            f"guarantee {g.id} has {g.event_count}"
        )
    versions = state.decisions.get((event.guarantor, event.instrument), ())
    if any(v.signature == event.signature for v in versions):
        raise RevisionRefused(
            f"this signed decision (revision {event.revision}) is already recorded; "
            "a replay records nothing"
        )


def check_signed_at(event: DecisionRecorded, received: datetime, speed: float = 1.0) -> None:
    """Refuse a decision whose delegate says it signed it more than ``MAX_SKEW`` of wall time
    away from the service's receipt time (422): a fast clock is refused for this decision
    alone. On an exercise's clock running ``speed`` times faster, the same wall skew is
    ``speed`` times as much guarantee time."""
    signed = event.signed_at
    allowed = MAX_SKEW * max(1.0, speed)
    if signed is None or abs(signed - received) > allowed:
        said = "no time" if signed is None else codec.ts(signed)
        raise InvalidEvent(
            f"the decision was signed at {said}, more than "
            f"{int(allowed.total_seconds())} s from the service's time {codec.ts(received)}; "
            "check this computer's clock and sign again",
            now=codec.ts(received),
        )


def record_decision(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: DecisionIn,
) -> list[Appended]:
    """Record a delegate's signed decision, checked in this order:

    1. the token is a delegate's, for this guarantee, this guarantor and this delegate (403);
    2. the decision reaches the service before the deadline (``engine.too_late``: 409, naming
       the deadline);
    3. it was signed for this guarantee and log (400), against a record that exists (422), and
       is not a replay of a recorded one (409) (``check_binding``);
    4. the signature verifies under the delegate's key in force in the ledger (400), and its
       ``signed_at`` lies within ``MAX_SKEW`` of the receipt time (422);
    5. the mechanism accepts it at the receipt time: phase, revision number, condition
       allowed... (409 or 422).

    The event's ``at`` is the receipt time ``now``, read under the guarantee's lock (or the
    last event's time, should another process's clock have run ahead). Nothing is stored
    unless every check passes.
    """
    require(actor, Role.DELEGATE, guarantee_id=guarantee_id)
    require_guarantor(actor, guarantee_id, req.guarantor)
    if req.delegate != actor.delegate:
        raise Forbidden(f"this token is for delegate {actor.delegate!r}, not {req.delegate!r}")
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    event, body = decision_event(req, event_time(state, now))
    late = engine.too_late(state, event, now)
    if late is not None:
        raise late
    check_binding(g, state, event)
    key = delegate_key(session, g.id, req.guarantor, req.delegate)
    if key is None:
        raise BadSignature(f"delegate {actor.delegate!r} has no registered key")
    if not verify_decision(body, key):
        raise BadSignature(
            "the signature does not verify under the delegate's registered key "
            "(it must sign RFC 8785 JSON of the decision without 'signature' and 'at')"
        )
    check_signed_at(event, now, clocks.speed_of(g))
    return _append(session, store, g, state, [event], now, actor)


def resolve_condition(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: ResolutionIn,
) -> list[Appended]:
    """A condition that needs a finding is met or not, attested by whom ``attestation`` names for
    its kind: an admin for any, the beneficiary's reporter for its concession, the guarantor's
    own delegate only for an ``other`` demand it wrote (403 otherwise, nothing stored)."""
    who = _attester(actor, guarantee_id, req.guarantor)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    found = attestation.attesters(state, req.guarantor, req.instrument)
    if found is not None and who not in found[1]:
        kind, allowed = found
        raise Forbidden(
            f"a {kind.value} condition is attested by the "
            f"{' or the '.join(sorted(a.value for a in allowed))}, not by the {who.value} "
            f"({actor.role.value} {actor.name!r})",
            attesters=sorted(a.value for a in allowed),
        )
    event = ConditionResolved(
        at=event_time(state, now),
        guarantor=req.guarantor,
        instrument=req.instrument,
        met=req.met,
        note=req.note,
    )
    return _append(session, store, g, state, [event], now, actor)


def _attester(actor: Actor, guarantee_id: str, guarantor: str) -> attestation.Attester:
    """Whom the caller stands for when it resolves ``guarantor``'s condition (403 for a role
    that attests nothing, or a delegate of another guarantor)."""
    if actor.role is Role.REPORTER:
        require(actor, Role.REPORTER, guarantee_id=guarantee_id)
        return attestation.Attester.BENEFICIARY
    require_guarantor(actor, guarantee_id, guarantor)
    if actor.role is Role.ADMIN:
        return attestation.Attester.OPERATOR
    return attestation.Attester.GUARANTOR


def report_delivery(
    session: Session,
    store: Store,
    now: datetime,
    actor: Actor,
    guarantee_id: str,
    req: DeliveryIn,
) -> list[Appended]:
    """A commitment carried out, after the outcome (the guarantor's delegate, or an admin)."""
    require_guarantor(actor, guarantee_id, req.guarantor)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    event = DeliveryReported(
        at=event_time(state, now),
        guarantor=req.guarantor,
        instrument=req.instrument,
        amount=req.amount,
        note=req.note,
    )
    return _append(session, store, g, state, [event], now, actor)


def close_if_due(
    session: Session,
    store: Store,
    now: datetime,
    guarantee_id: str,
    *,
    actor: Actor | None = None,
    skip_locked: bool = False,
) -> list[Appended] | None:
    """The one idempotent close at the deadline, shared by the timer and people.

    Appends ``WindowClosed``, ``ReceiptsFrozen`` and ``OutcomeDeclared`` (timed at the
    deadline, whenever the close actually runs) if the deadline has passed and the window is
    still open; otherwise appends nothing and returns ``[]``. With ``skip_locked`` it returns
    None at once when another transaction holds the guarantee (PostgreSQL), for the timer.
    """
    if skip_locked:
        found = try_lock_guarantee(session, guarantee_id)
        if found is None:
            return None
        g = found
    else:
        g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    return _append(session, store, g, state, engine.close_due(state, now), now, actor)


def close(
    session: Session, store: Store, now: datetime, actor: Actor, guarantee_id: str, req: CloseIn
) -> list[Appended]:
    """An admin closes: at the deadline (the same close as the timer's), or, in a design with
    no deadline, as chair or once everyone has decided (``engine.close_refusal`` says which)."""
    require(actor, Role.ADMIN, guarantee_id=guarantee_id)
    g = lock_guarantee(session, guarantee_id)
    state = load_state(session, g)
    at = event_time(state, now)
    refused = engine.close_refusal(state, at, req.reason)
    if refused is not None:
        raise refused
    if req.reason == "deadline":
        events = engine.close_due(state, at)
    else:
        events = engine.close(state, at, reason=req.reason)
    return _append(session, store, g, state, events, now, actor)
