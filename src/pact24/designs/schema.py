"""The schema of a guarantee design.

A design is everything the mechanism needs to run one deliberation and everything the simulator
needs to judge it: who guarantees, what they can offer, when the window opens and how long it
lasts, what silence counts as, which conditions may be attached, what makes the guarantee
honoured, and what posture stands before any attack. Models are frozen: a design is a value.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pact24.vocab import (
    ConditionKind,
    Instrument,
    PostureKind,
    ReadinessTier,
    SilenceRule,
)

ISO3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


#: The most one guarantor can offer or commit of each instrument, in its unit: troops in persons
#: (200,000 is more than any European state could deploy abroad), defence support and economic
#: aid in EUR million (1,000,000 million, EUR 1 trillion, is several years of all aid to
#: Ukraine), sanctions as 1 = the agreed package in force. A number beyond these is a typo or an
#: attack on the record, not a pledge (see docs/mechanism.md).
AMOUNT_BOUNDS: dict[Instrument, float] = {
    Instrument.TROOPS: 200_000,
    Instrument.DEFENCE_SUPPORT: 1_000_000,
    Instrument.ECONOMIC_AID: 1_000_000,
    Instrument.SANCTIONS: 1,
}

#: Instruments counted in whole units: persons, and sanctions in force or not.
WHOLE_UNITS = frozenset({Instrument.TROOPS, Instrument.SANCTIONS})


class State(_Frozen):
    name: str = Field(min_length=1)
    iso3: ISO3


class Offer(_Frozen):
    """What one guarantor can give for one instrument.

    ``amount`` is persons for troops and EUR million otherwise; ``readiness`` splits troops by
    readiness tier, which sets how fast they can arrive.
    """

    amount: float = Field(ge=0)
    readiness: dict[ReadinessTier, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _readiness_fits(self) -> Offer:
        if self.readiness and sum(self.readiness.values()) > self.amount:
            raise ValueError("troops by readiness tier add up to more than amount")
        return self


class Guarantor(State):
    """A state that gives the guarantee, with its delegates and its offer per instrument."""

    legislature_approval_for_troops: bool = Field(
        description="Must its legislature approve a combat deployment abroad beforehand?"
    )
    delegate: str = Field(min_length=1, description="Primary delegate (role or person)")
    alternate_delegate: str = Field(min_length=1)
    offers: dict[Instrument, Offer] = Field(default_factory=dict)
    source: str = Field(default="assumption", description="Where the facts were read")

    @model_validator(mode="after")
    def _offers_within_bounds(self) -> Guarantor:
        for instrument, offer in self.offers.items():
            if offer.amount > AMOUNT_BOUNDS[instrument]:
                raise ValueError(
                    f"{self.iso3} offers {offer.amount:g} of {instrument.value}, above the bound "
                    f"{AMOUNT_BOUNDS[instrument]:g}"
                )
        return self


class Activation(_Frozen):
    """When the decision window opens: on the report; once attribution is confident enough; or
    ``on_invocation``, when the guarantors' council invokes the guarantee by consensus, which it
    may do only once attribution reaches ``threshold`` (NATO, 12 September 2001: Article 5
    applies "if it is determined that this attack was directed from abroad")."""

    rule: Literal["on_report", "on_attribution", "on_invocation"]
    threshold: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _threshold_when_needed(self) -> Activation:
        if self.rule != "on_report" and self.threshold is None:
            raise ValueError(f"{self.rule} needs a threshold in (0, 1]")
        if self.rule == "on_report" and self.threshold is not None:
            raise ValueError("on_report takes no threshold")
        return self


class Conditions(_Frozen):
    allowed: tuple[ConditionKind, ...] = ()
    counts_only_if_met: bool = Field(
        default=True,
        description="A conditional commitment counts at close only if its condition is met",
    )
    attribution_confirmed_at: float = Field(
        default=0.9, gt=0, le=1, description="Confidence at which attribution counts as confirmed"
    )


class _Rule(_Frozen):
    """What every outcome rule may add: the least a troop commitment must carry to count."""

    min_troops: int | None = Field(
        default=None,
        ge=1,
        le=int(AMOUNT_BOUNDS[Instrument.TROOPS]),
        description="A troop commitment below this many persons counts for nothing toward the "
        "rule (the rule's instrument must be troops); null: any positive amount counts",
    )


class MinGuarantors(_Rule):
    """Honoured when at least ``k`` guarantors commit ``instrument``."""

    rule: Literal["min_guarantors"]
    instrument: Instrument
    k: int = Field(ge=1)


class MinAmount(_Rule):
    """Honoured when committed ``instrument`` adds up to at least ``amount``."""

    rule: Literal["min_amount"]
    instrument: Instrument
    amount: float = Field(gt=0)


class Consensus(_Rule):
    """Honoured only when every guarantor commits ``instrument``."""

    rule: Literal["consensus"]
    instrument: Instrument


OutcomeRule = Annotated[MinGuarantors | MinAmount | Consensus, Field(discriminator="rule")]


class StationedForce(_Frozen):
    """A guarantor's contingent in the beneficiary before any attack, and where it stands:
    ``distance_km`` behind the line of contact (0: on it, or inside a DMZ)."""

    guarantor: ISO3
    troops: int = Field(ge=1)
    distance_km: float = Field(default=0.0, ge=0)


class Posture(_Frozen):
    """What stands before any attack, and what it costs.

    ``qrf``: a quick-reaction force of ``size`` troops at ``readiness``. ``tripwire`` and
    ``dmz``: ``forces`` stationed in the beneficiary (or in a DMZ ``dmz_depth_km`` deep along the
    line of contact). ``membership``: integrated command, with whatever ``forces`` are actually
    stationed in the beneficiary. An attack engages a state only if it touches that state's
    forces, which the incident report says (``IncidentReported.engaged``): standing there makes
    engagement possible, not certain.
    """

    kind: PostureKind
    readiness: ReadinessTier | None = None
    size: int | None = Field(default=None, ge=1)
    forces: tuple[StationedForce, ...] = ()
    dmz_depth_km: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Posture:
        k = self.kind
        if k is PostureKind.QRF and (self.readiness is None or self.size is None):
            raise ValueError("a qrf posture needs readiness and size")
        if k in (PostureKind.TRIPWIRE, PostureKind.DMZ) and not self.forces:
            raise ValueError(f"a {k.value} posture needs stationed forces")
        if k in (PostureKind.NONE, PostureKind.QRF) and self.forces:
            raise ValueError(f"a {k.value} posture stations no forces")
        if k is PostureKind.DMZ and self.dmz_depth_km is None:
            raise ValueError("a dmz posture needs dmz_depth_km")
        if k is not PostureKind.QRF and (self.readiness is not None or self.size is not None):
            raise ValueError("readiness and size belong to a qrf posture")
        return self

    def stations(self, iso3: str) -> bool:
        """Whether this guarantor has forces stationed in the beneficiary, which an attack can
        engage without a decision."""
        return any(f.guarantor == iso3 for f in self.forces)

    def stationed(self, iso3: str) -> int:
        """Troops this guarantor has stationed in the beneficiary (0 if none)."""
        return sum(f.troops for f in self.forces if f.guarantor == iso3)


class Design(_Frozen):
    """A guarantee design. See ``designs/presets/*.yaml`` for documented examples."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    description: str
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    beneficiary: State
    guarantors: tuple[Guarantor, ...] = Field(min_length=1)
    instruments: tuple[Instrument, ...] = Field(min_length=1)
    activation: Activation
    window_hours: float | None = Field(
        gt=0, description="Length of the decision window; null means no deadline"
    )
    silence: dict[Instrument, SilenceRule]
    conditions: Conditions = Conditions()
    revisions_allowed: bool = True
    outcome: OutcomeRule
    posture: Posture
    reminders_hours_before: tuple[float, ...] = ()

    @field_validator("instruments")
    @classmethod
    def _unique_instruments(cls, v: tuple[Instrument, ...]) -> tuple[Instrument, ...]:
        if len(set(v)) != len(v):
            raise ValueError("instruments repeat")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        codes = [g.iso3 for g in self.guarantors]
        if len(set(codes)) != len(codes):
            raise ValueError("guarantors repeat an iso3 code")
        if self.beneficiary.iso3 in codes:
            raise ValueError("the beneficiary cannot be its own guarantor")
        missing = [i.value for i in self.instruments if i not in self.silence]
        if missing:
            raise ValueError(f"silence rule missing for: {', '.join(missing)}")
        extra = [i.value for i in self.silence if i not in self.instruments]
        if extra:
            raise ValueError(f"silence rule for an instrument not offered: {', '.join(extra)}")
        if self.outcome.instrument not in self.instruments:
            raise ValueError("the outcome rule names an instrument the design does not offer")
        if self.outcome.min_troops is not None and self.outcome.instrument is not Instrument.TROOPS:
            raise ValueError("outcome min_troops needs an outcome rule on troops")
        if isinstance(self.outcome, MinGuarantors) and self.outcome.k > len(self.guarantors):
            raise ValueError("outcome k exceeds the number of guarantors")
        for f in self.posture.forces:
            if f.guarantor not in codes:
                raise ValueError(f"stationed force of {f.guarantor}, which is not a guarantor")
        if self.window_hours is None and self.reminders_hours_before:
            raise ValueError("reminders need a window with a deadline")
        for h in self.reminders_hours_before:
            if self.window_hours is not None and not 0 < h < self.window_hours:
                raise ValueError(f"reminder {h} h before the deadline lies outside the window")
        return self

    @property
    def window(self) -> timedelta | None:
        return None if self.window_hours is None else timedelta(hours=self.window_hours)

    def guarantor(self, iso3: str) -> Guarantor | None:
        return next((g for g in self.guarantors if g.iso3 == iso3), None)

    def offered(self, iso3: str, instrument: Instrument) -> float:
        """What the guarantor can give of the instrument (0 when it offers none)."""
        g = self.guarantor(iso3)
        offer = None if g is None else g.offers.get(instrument)
        return 0.0 if offer is None else offer.amount
