"""The events of a deliberation, and the values they carry.

Events are frozen dataclasses: a deliberation is the fold of its events (see ``engine``), so an
event is a fact that never changes once accepted. Every event carries ``at``, a timezone-aware
UTC time that the driver supplies (the mechanism never reads a clock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, ReceiptStatus, Severity

#: Conditions whose truth the mechanism derives itself at close; nobody resolves them by hand.
DERIVED_CONDITIONS = frozenset(
    {ConditionKind.OTHERS_COMMIT_FIRST, ConditionKind.ATTRIBUTION_CONFIRMED}
)


@dataclass(frozen=True, slots=True)
class Condition:
    """A typed condition on a commitment.

    ``k`` is the number of other guarantors that must commit first (``others_commit_first``);
    ``text`` says what is demanded (required for ``other`` and ``beneficiary_concession``).
    """

    kind: ConditionKind
    k: int | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.kind is ConditionKind.OTHERS_COMMIT_FIRST:
            if self.k is None or self.k < 1:
                raise ValueError("others_commit_first needs k >= 1")
        elif self.k is not None:
            raise ValueError(f"{self.kind.value} takes no k")
        needs_text = (ConditionKind.OTHER, ConditionKind.BENEFICIARY_CONCESSION)
        if self.kind in needs_text and not self.text:
            raise ValueError(f"{self.kind.value} needs a text saying what is demanded")


@dataclass(frozen=True, slots=True)
class IncidentReported:
    """The beneficiary reports an attack, with hashes of its evidence.

    ``engaged`` names the guarantors whose stationed forces the attack touched: only they are
    engaged by the posture (their forces fight whatever their capitals say). Forces that stand
    elsewhere in the country, or an attack aimed around them, engage nobody.
    """

    at: datetime
    incident_id: str
    kind: IncidentKind
    severity: Severity
    evidence: tuple[str, ...]
    reported_by: str
    summary: str = ""
    engaged: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AttributionAssessed:
    """An assessment of how confident the guarantors are that the adversary did it (0..1)."""

    at: datetime
    confidence: float
    assessed_by: str


@dataclass(frozen=True, slots=True)
class WindowOpened:
    """Activation: the decision window opens; ``deadline`` is None in a design with no window."""

    at: datetime
    deadline: datetime | None


@dataclass(frozen=True, slots=True)
class DecisionRecorded:
    """One version of a guarantor's answer for one instrument, signed by its delegate.

    ``revision`` counts from 1 per guarantor and instrument; ``amount`` (persons for troops,
    EUR million otherwise, 1 for sanctions in force) defaults to the guarantor's offer when
    omitted. ``above_offer`` says the delegate means to commit more than the design's offer, so
    a slip of the keyboard cannot pledge it (``commitments.amount_refusal``).

    ``at`` is when the driver received it (the live service's receipt time): it orders the
    record and is judged against the deadline. ``signed_at`` is the delegate's own claim of when
    it signed, kept as said. ``guarantee``, ``origin`` (the log's checkpoint origin) and
    ``sequence`` (the guarantee's event count the delegate had seen) bind the signature to one
    record, so it cannot be replayed into another.
    """

    at: datetime
    guarantor: str
    instrument: Instrument
    choice: Choice
    revision: int
    delegate: str
    condition: Condition | None = None
    amount: float | None = None
    signature: str | None = None
    note: str = ""
    above_offer: bool = False
    signed_at: datetime | None = None
    guarantee: str | None = None
    origin: str | None = None
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class ConditionResolved:
    """A condition that needs a finding (a parliament vote, a UN mandate...) is met or not."""

    at: datetime
    guarantor: str
    instrument: Instrument
    met: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class WindowClosed:
    """The one close: at the deadline, or (no-deadline designs) when all decided or the chair
    ends the consultation."""

    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Receipt:
    """A guarantor's final answer for one instrument, with the silence rule applied."""

    guarantor: str
    instrument: Instrument
    status: ReceiptStatus
    counts: bool
    amount: float
    revision: int
    by_silence: bool = False
    engaged_by_posture: bool = False
    condition: Condition | None = None
    condition_met: bool | None = None


@dataclass(frozen=True, slots=True)
class ReceiptsFrozen:
    at: datetime
    receipts: tuple[Receipt, ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Who answered what for one instrument. ``committed`` excludes conditional answers, which
    are listed apart as met or unmet; ``amount`` adds up what counts."""

    instrument: Instrument
    committed: tuple[str, ...]
    conditional_met: tuple[str, ...]
    conditional_unmet: tuple[str, ...]
    declined: tuple[str, ...]
    abstained: tuple[str, ...]
    silent: tuple[str, ...]
    counted: tuple[str, ...]
    amount: float


@dataclass(frozen=True, slots=True)
class UnmetCondition:
    guarantor: str
    instrument: Instrument
    condition: Condition


@dataclass(frozen=True, slots=True)
class Outcome:
    """Whether the guarantee was honoured, by the design's rule, from the receipts alone."""

    honoured: bool
    rule: str
    tallies: tuple[Tally, ...]
    unmet_conditions: tuple[UnmetCondition, ...]

    def tally(self, instrument: Instrument) -> Tally | None:
        return next((t for t in self.tallies if t.instrument is instrument), None)


@dataclass(frozen=True, slots=True)
class OutcomeDeclared:
    at: datetime
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class DeliveryReported:
    """A commitment carried out (troops arrive, aid paid), after the outcome."""

    at: datetime
    guarantor: str
    instrument: Instrument
    amount: float
    note: str = ""


Event = (
    IncidentReported
    | AttributionAssessed
    | WindowOpened
    | DecisionRecorded
    | ConditionResolved
    | WindowClosed
    | ReceiptsFrozen
    | OutcomeDeclared
    | DeliveryReported
)

EVENT_TYPES: tuple[type[Event], ...] = (
    IncidentReported,
    AttributionAssessed,
    WindowOpened,
    DecisionRecorded,
    ConditionResolved,
    WindowClosed,
    ReceiptsFrozen,
    OutcomeDeclared,
    DeliveryReported,
)
