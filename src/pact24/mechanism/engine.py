"""The fold: ``apply(state, event)`` accepts an event or refuses it with a typed error.

This is the one place where the rules of a deliberation are enforced, for every driver: the
service (live or exercise), the demo and ``replay``, and the reference simulator. It is pure —
no clock, no I/O, no randomness — so replaying the same events always gives the same state, and
a refused event leaves the caller's state exactly as it was (the state is immutable).

Drivers ask the engine what to emit rather than building the derived events themselves:
``open_window`` when ``activation_due`` (or, for a council's invocation, unless
``invocation_refusal``), and ``close`` for the one idempotent close that the
timer and a person share (``WindowClosed``, ``ReceiptsFrozen``, ``OutcomeDeclared``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from types import MappingProxyType

from pact24.designs.schema import Design
from pact24.errors import (
    DeadlinePassed,
    InvalidEvent,
    MechanismError,
    OutOfOrder,
    RevisionRefused,
)
from pact24.mechanism.commitments import amount_refusal
from pact24.mechanism.events import (
    DERIVED_CONDITIONS,
    AttributionAssessed,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    OutcomeDeclared,
    ReceiptsFrozen,
    WindowClosed,
    WindowOpened,
)
from pact24.mechanism.queries import activation_threshold
from pact24.mechanism.rules import declare_outcome, freeze_receipts
from pact24.mechanism.state import AFTER_WINDOW, BEFORE_WINDOW, Deliberation, Phase
from pact24.vocab import Choice

CLOSE_REASONS = frozenset({"deadline", "all_decided", "chair"})


def start(design: Design) -> Deliberation:
    """A deliberation under ``design`` that awaits its incident."""
    return Deliberation(design=design)


def replay(design: Design, events: Iterable[Event]) -> Deliberation:
    """Fold ``events`` from the start; raises on the first event the rules refuse."""
    state = start(design)
    for event in events:
        state = apply(state, event)
    return state


def apply(state: Deliberation, event: Event) -> Deliberation:
    """The state after ``event``, or a ``MechanismError`` naming why it is refused."""
    _check_time(state, event.at)
    if isinstance(event, IncidentReported):
        new = _incident(state, event)
    elif isinstance(event, AttributionAssessed):
        new = _attribution(state, event)
    elif isinstance(event, WindowOpened):
        new = _opened(state, event)
    elif isinstance(event, DecisionRecorded):
        new = _decision(state, event)
    elif isinstance(event, ConditionResolved):
        new = _resolution(state, event)
    elif isinstance(event, WindowClosed):
        new = _closed(state, event)
    elif isinstance(event, ReceiptsFrozen):
        new = _frozen(state, event)
    elif isinstance(event, OutcomeDeclared):
        new = _declared(state, event)
    elif isinstance(event, DeliveryReported):
        new = _delivery(state, event)
    else:  # pragma: no cover - exhaustive over Event
        raise InvalidEvent(f"unknown event {type(event).__name__}")
    return replace(new, history=(*state.history, event))


def attempt(
    state: Deliberation, event: Event, now: datetime | None = None
) -> tuple[Deliberation, MechanismError | None]:
    """Apply ``event`` if the rules accept it at ``now``: ``(new state, None)``, or
    ``(state unchanged, the typed refusal)``.

    ``now`` is when the event reaches the driver (the service's receipt time, the simulator's
    hour). A decision that reaches it at or after the deadline is refused whatever time the
    event itself carries. Drivers ask this instead of pre-checking deadlines, phases or
    revisions themselves.
    """
    late = None if now is None else too_late(state, event, now)
    if late is not None:
        return state, late
    try:
        return apply(state, event), None
    except MechanismError as exc:
        return state, exc


def refusal(
    state: Deliberation, event: Event, now: datetime | None = None
) -> MechanismError | None:
    """Why the rules would refuse ``event`` at ``now``, or None if they would accept it."""
    return attempt(state, event, now)[1]


def too_late(state: Deliberation, event: Event, now: datetime) -> DeadlinePassed | None:
    """The refusal of a decision or resolution that reaches the driver at ``now``, at or after
    the deadline, before anything else about it is judged; None if it is in time.

    A driver that checks costlier things (a signature) asks this first, so a late event is
    answered with the deadline whatever else is wrong with it.
    """
    if not isinstance(event, DecisionRecorded | ConditionResolved) or state.deadline is None:
        return None
    if state.overdue(now) or state.phase in AFTER_WINDOW:
        return deadline_passed(state)
    return None


def deadline_passed(state: Deliberation) -> DeadlinePassed:
    """The refusal that names the deadline, in the mechanism's words (``state`` has one)."""
    assert state.deadline is not None
    return DeadlinePassed(
        f"the deadline was {state.deadline.isoformat()}; nothing after it counts",
        deadline=state.deadline,
    )


# --- what a driver should emit ---------------------------------------------------------------


def activation_due(state: Deliberation) -> bool:
    """Whether the window should open now, by the design's activation rule. Never for
    ``on_invocation``: there the council opens it, by consensus, once ``activation_open``."""
    return state.design.activation.rule != "on_invocation" and activation_open(state)


def activation_open(state: Deliberation) -> bool:
    """Whether the rules let the window open now: the incident is reported, the window not yet
    open, and attribution has reached the design's threshold."""
    if state.phase is not Phase.REPORTED:
        return False
    return state.attribution >= activation_threshold(state.design)


def open_window(state: Deliberation, at: datetime) -> WindowOpened:
    """The ``WindowOpened`` event for activation at ``at``."""
    window = state.design.window
    return WindowOpened(at=at, deadline=None if window is None else at + window)


def invocation_refusal(state: Deliberation, at: datetime) -> MechanismError | None:
    """Why the guarantors' council may not invoke the guarantee (open its window) at ``at``, or
    None if ``open_window(state, at)`` would be accepted.

    Only an ``on_invocation`` design is opened by the council; the others open by their own
    rule (``activation_due``), so an invocation there would be a second, unruled way in. A
    refused invocation is the one ``apply`` gives the ``WindowOpened``: before the incident, a
    second time (409), or while attribution is below the threshold (409).
    """
    rule = state.design.activation.rule
    if rule != "on_invocation":
        return InvalidEvent(
            f"{state.design.name} opens its window {rule.replace('_', ' ')}, not by invocation"
        )
    return refusal(state, open_window(state, at))


def close(state: Deliberation, at: datetime, reason: str = "deadline") -> list[Event]:
    """The one idempotent close: the events that end the window, or ``[]`` once it is done.

    The timer and a person call the same function; whoever comes second gets nothing to emit.
    The returned events are already checked: applying them in order cannot be refused. A close
    that runs late (after a restart) is stamped no earlier than the last event it follows.
    """
    if state.last_at is not None:
        at = max(at, state.last_at)
    events: list[Event] = []
    s = state
    if s.phase is Phase.WINDOW_OPEN:
        closing = WindowClosed(at=at, reason=reason)
        s = apply(s, closing)
        events.append(closing)
    if s.phase is Phase.CLOSED:
        frozen = ReceiptsFrozen(at=at, receipts=freeze_receipts(s))
        s = apply(s, frozen)
        events.append(frozen)
    if s.phase is Phase.FROZEN:
        declared = OutcomeDeclared(at=at, outcome=declare_outcome(s.design, s.receipts))
        s = apply(s, declared)
        events.append(declared)
    return events


def close_due(state: Deliberation, now: datetime) -> list[Event]:
    """The deadline's close as the timer runs it at ``now``: its events (stamped at the
    deadline) once ``state`` is overdue, else ``[]``."""
    if state.deadline is None or not state.overdue(now):
        return []
    return close(state, state.deadline)


def close_refusal(state: Deliberation, at: datetime, reason: str) -> MechanismError | None:
    """Why a person may not close at ``at`` for ``reason``, or None if ``close`` may run (it
    emits nothing once the outcome is declared).

    A window with a deadline closes only at it (``reason`` "deadline"); one without closes as
    "chair" or "all_decided", never before it has opened.
    """
    if reason == "deadline" and state.deadline is None:
        return InvalidEvent("this design has no deadline: close as 'chair' or 'all_decided'")
    if state.phase in BEFORE_WINDOW:
        return OutOfOrder(f"no window is open; the deliberation is {state.phase.value}")
    if state.phase is Phase.WINDOW_OPEN:
        return refusal(state, WindowClosed(at=at, reason=reason))
    return None


def all_decided(state: Deliberation) -> bool:
    return not state.silent()


# --- the rules per event -----------------------------------------------------------------------


def _check_time(state: Deliberation, at: datetime) -> None:
    offset = at.utcoffset()
    if offset is None or offset != timedelta(0):
        raise InvalidEvent("event time must be timezone-aware UTC")
    last = state.last_at
    if last is not None and at < last:
        raise OutOfOrder(f"event at {at.isoformat()} goes back before {last.isoformat()}")


def _expect(state: Deliberation, event: Event, *phases: Phase) -> None:
    if state.phase not in phases:
        want = " or ".join(p.value for p in phases)
        raise OutOfOrder(
            f"{type(event).__name__} needs phase {want}; the deliberation is {state.phase.value}"
        )


def _incident(state: Deliberation, e: IncidentReported) -> Deliberation:
    _expect(state, e, Phase.AWAITING_INCIDENT)
    if not e.incident_id:
        raise InvalidEvent("incident_id is empty")
    if len(set(e.engaged)) != len(e.engaged):
        raise InvalidEvent("engaged names a guarantor twice")
    for g in e.engaged:
        if not state.design.posture.stations(g):
            raise InvalidEvent(f"{g} has no forces stationed under {state.design.name}")
    for h in e.evidence:
        if len(h) != 64 or any(c not in "0123456789abcdef" for c in h):
            raise InvalidEvent(f"evidence hash {h!r} is not a lowercase SHA-256 hex digest")
    return replace(state, phase=Phase.REPORTED, incident=e)


def _attribution(state: Deliberation, e: AttributionAssessed) -> Deliberation:
    if state.phase is Phase.AWAITING_INCIDENT:
        raise OutOfOrder("attribution assessed before any incident was reported")
    if not 0.0 <= e.confidence <= 1.0:
        raise InvalidEvent(f"attribution confidence {e.confidence} lies outside [0, 1]")
    late = state.deadline is not None and e.at >= state.deadline
    if late or state.phase in AFTER_WINDOW:
        return state  # recorded in history; after the deadline it changes nothing
    return replace(state, attribution=e.confidence)


def _opened(state: Deliberation, e: WindowOpened) -> Deliberation:
    _expect(state, e, Phase.REPORTED)
    if not activation_open(state):
        threshold = state.design.activation.threshold
        what = "invocation" if state.design.activation.rule == "on_invocation" else "activation"
        raise OutOfOrder(f"{what} needs attribution >= {threshold}; it is {state.attribution:.2f}")
    if e != open_window(state, e.at):
        raise InvalidEvent("deadline does not equal activation time plus the design's window")
    return replace(state, phase=Phase.WINDOW_OPEN, opened_at=e.at, deadline=e.deadline)


def _check_before_deadline(state: Deliberation, at: datetime) -> None:
    if state.deadline is not None and at >= state.deadline:
        raise deadline_passed(state)


def _decision(state: Deliberation, e: DecisionRecorded) -> Deliberation:
    design = state.design
    if state.phase in AFTER_WINDOW and state.deadline:
        raise deadline_passed(state)
    _expect(state, e, Phase.WINDOW_OPEN)
    _check_before_deadline(state, e.at)
    if design.guarantor(e.guarantor) is None:
        raise InvalidEvent(f"{e.guarantor} is not a guarantor of {design.name}")
    if e.instrument not in design.instruments:
        raise InvalidEvent(f"{design.name} does not offer {e.instrument.value}")
    if not e.delegate:
        raise InvalidEvent("a decision names its delegate")
    wrong_amount = amount_refusal(design, e)
    if wrong_amount is not None:
        raise wrong_amount
    if e.choice is Choice.CONDITIONAL:
        if e.condition is None:
            raise InvalidEvent("a conditional decision needs a condition")
        if e.condition.kind not in design.conditions.allowed:
            allowed = ", ".join(c.value for c in design.conditions.allowed) or "none"
            raise InvalidEvent(
                f"condition {e.condition.kind.value} is not allowed by {design.name} "
                f"(allowed: {allowed})"
            )
    elif e.condition is not None:
        raise InvalidEvent(f"a {e.choice.value} decision carries no condition")
    key = (e.guarantor, e.instrument)
    versions = state.decisions.get(key, ())
    if versions and not design.revisions_allowed:
        raise RevisionRefused(f"{design.name} allows no revision; {e.guarantor} already decided")
    if e.revision != len(versions) + 1:
        raise RevisionRefused(
            f"revision {e.revision} for {e.guarantor}/{e.instrument.value}; "
            f"expected {len(versions) + 1}"
        )
    decisions = dict(state.decisions)
    decisions[key] = (*versions, e)
    resolutions = {k: v for k, v in state.resolutions.items() if k != key}
    return replace(
        state,
        decisions=MappingProxyType(decisions),
        resolutions=MappingProxyType(resolutions),
    )


def _resolution(state: Deliberation, e: ConditionResolved) -> Deliberation:
    _expect(state, e, Phase.WINDOW_OPEN)
    _check_before_deadline(state, e.at)
    d = state.current(e.guarantor, e.instrument)
    if d is None or d.condition is None:
        raise InvalidEvent(
            f"{e.guarantor}/{e.instrument.value} has no conditional decision to resolve"
        )
    if d.condition.kind in DERIVED_CONDITIONS:
        raise InvalidEvent(f"{d.condition.kind.value} is judged by the mechanism at close")
    resolutions = dict(state.resolutions)
    resolutions[(e.guarantor, e.instrument)] = e.met
    return replace(state, resolutions=MappingProxyType(resolutions))


def _closed(state: Deliberation, e: WindowClosed) -> Deliberation:
    _expect(state, e, Phase.WINDOW_OPEN)
    if e.reason not in CLOSE_REASONS:
        raise InvalidEvent(f"close reason {e.reason!r}; expected one of {sorted(CLOSE_REASONS)}")
    if state.deadline is not None:
        if e.reason != "deadline":
            raise OutOfOrder("a window with a deadline closes only at its deadline")
        if e.at < state.deadline:
            raise OutOfOrder(f"the window closes at {state.deadline.isoformat()}, not before")
    else:
        if e.reason == "deadline":
            raise InvalidEvent("this design has no deadline")
        if e.reason == "all_decided" and not all_decided(state):
            raise OutOfOrder("not every guarantor has decided on every instrument")
    return replace(state, phase=Phase.CLOSED, closed_at=e.at, close_reason=e.reason)


def _frozen(state: Deliberation, e: ReceiptsFrozen) -> Deliberation:
    _expect(state, e, Phase.CLOSED)
    if e.receipts != freeze_receipts(state):
        raise InvalidEvent("receipts differ from what the design's rules give")
    return replace(state, phase=Phase.FROZEN, receipts=e.receipts)


def _declared(state: Deliberation, e: OutcomeDeclared) -> Deliberation:
    _expect(state, e, Phase.FROZEN)
    if e.outcome != declare_outcome(state.design, state.receipts):
        raise InvalidEvent("outcome differs from what the design's rule gives on the receipts")
    return replace(state, phase=Phase.DECLARED, outcome=e.outcome)


def _delivery(state: Deliberation, e: DeliveryReported) -> Deliberation:
    _expect(state, e, Phase.DECLARED)
    r = state.receipt(e.guarantor, e.instrument)
    if r is None or not r.counts:
        raise InvalidEvent(
            f"{e.guarantor} has no counted commitment of {e.instrument.value} to deliver"
        )
    if e.amount <= 0:
        raise InvalidEvent("a delivery has a positive amount")
    return replace(state, deliveries=(*state.deliveries, e))
