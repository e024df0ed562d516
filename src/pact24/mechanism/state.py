"""The state of one deliberation: what the fold of its events has established so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from pact24.designs.schema import Design
from pact24.mechanism.events import (
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    Outcome,
    Receipt,
    Tally,
)
from pact24.vocab import Instrument

Key = tuple[str, Instrument]
"""A guarantor's ISO3 code and an instrument: the unit a decision and a receipt belong to."""


class Phase(StrEnum):
    """Where a deliberation stands. Phases only move forward."""

    AWAITING_INCIDENT = "awaiting_incident"
    REPORTED = "reported"
    WINDOW_OPEN = "window_open"
    CLOSED = "closed"
    FROZEN = "frozen"
    DECLARED = "declared"


#: Before the window: no decision can be recorded yet.
BEFORE_WINDOW = frozenset({Phase.AWAITING_INCIDENT, Phase.REPORTED})
#: After the window has closed: nothing recorded now counts.
AFTER_WINDOW = frozenset({Phase.CLOSED, Phase.FROZEN, Phase.DECLARED})
#: Phases in which the one idempotent close still has events to emit.
CLOSE_PENDING = frozenset({Phase.WINDOW_OPEN, Phase.CLOSED, Phase.FROZEN})


def overdue(phase: Phase, deadline: datetime | None, now: datetime) -> bool:
    """Whether the deadline has passed at ``now`` while the close still has work to do; for a
    driver that holds only a phase and a deadline (a stored projection), not the state."""
    return deadline is not None and phase in CLOSE_PENDING and now >= deadline


def _empty() -> Mapping[Key, tuple[DecisionRecorded, ...]]:
    return MappingProxyType({})


def _no_resolutions() -> Mapping[Key, bool]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Deliberation:
    """An immutable snapshot; ``engine.apply`` returns a new one for each accepted event.

    ``decisions`` keeps every version of every decision (the history of revisions), and
    ``history`` every accepted event in order, so nothing that was said is ever lost.
    """

    design: Design
    phase: Phase = Phase.AWAITING_INCIDENT
    incident: IncidentReported | None = None
    attribution: float = 0.0
    opened_at: datetime | None = None
    deadline: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    decisions: Mapping[Key, tuple[DecisionRecorded, ...]] = field(default_factory=_empty)
    resolutions: Mapping[Key, bool] = field(default_factory=_no_resolutions)
    receipts: tuple[Receipt, ...] = ()
    outcome: Outcome | None = None
    deliveries: tuple[DeliveryReported, ...] = ()
    history: tuple[Event, ...] = ()

    @property
    def last_at(self) -> datetime | None:
        return self.history[-1].at if self.history else None

    def current(self, guarantor: str, instrument: Instrument) -> DecisionRecorded | None:
        """The latest version of a guarantor's decision for an instrument, if any."""
        versions = self.decisions.get((guarantor, instrument), ())
        return versions[-1] if versions else None

    def engaged(self, guarantor: str) -> bool:
        """Whether the reported attack touched this guarantor's stationed forces."""
        return self.incident is not None and guarantor in self.incident.engaged

    def overdue(self, now: datetime) -> bool:
        """Whether the deadline has passed at ``now`` while the close still has work to do."""
        return overdue(self.phase, self.deadline, now)

    def tally(self, instrument: Instrument) -> Tally | None:
        """The declared outcome's tally for ``instrument``; None before the outcome."""
        if self.outcome is None:
            return None
        return next((t for t in self.outcome.tallies if t.instrument is instrument), None)

    def silent(self) -> list[Key]:
        """Guarantor and instrument pairs with no decision yet."""
        return [
            (g.iso3, i)
            for g in self.design.guarantors
            for i in self.design.instruments
            if (g.iso3, i) not in self.decisions
        ]

    def receipt(self, guarantor: str, instrument: Instrument) -> Receipt | None:
        return next(
            (r for r in self.receipts if r.guarantor == guarantor and r.instrument is instrument),
            None,
        )
