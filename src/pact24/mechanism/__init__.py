"""The guarantee mechanism: events in, state out; no I/O, no clock reads, no randomness.

The service (live guarantees and exercises alike), the demo, ``replay`` and the reference
simulator all drive this same code::

    state = engine.start(design)
    state = engine.apply(state, IncidentReported(...))
    if engine.activation_due(state):
        state = engine.apply(state, engine.open_window(state, at))
    state = engine.apply(state, DecisionRecorded(...))     # refused after the deadline
    for event in engine.close(state, deadline):             # the one idempotent close
        state = engine.apply(state, event)
    state.outcome                                           # from the receipts alone

``codec`` turns events into the JSON objects the ledger canonicalises and signs.
"""

from pact24.mechanism import codec, engine
from pact24.mechanism.events import (
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    Outcome,
    OutcomeDeclared,
    Receipt,
    ReceiptsFrozen,
    Tally,
    UnmetCondition,
    WindowClosed,
    WindowOpened,
)
from pact24.mechanism.state import Deliberation, Phase

__all__ = [
    "AttributionAssessed",
    "Condition",
    "ConditionResolved",
    "DecisionRecorded",
    "Deliberation",
    "DeliveryReported",
    "Event",
    "IncidentReported",
    "Outcome",
    "OutcomeDeclared",
    "Phase",
    "Receipt",
    "ReceiptsFrozen",
    "Tally",
    "UnmetCondition",
    "WindowClosed",
    "WindowOpened",
    "codec",
    "engine",
]
