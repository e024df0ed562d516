"""What is the same for every run of one command: a design, a scenario and its parameters.

``prepare`` checks the scenario and reads the design and the parameter registry once, so that
thousands of runs share one ``Setup`` instead of re-reading them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pact24.designs.schema import Design, Posture
from pact24.errors import InvalidInput
from pact24.sim.models import adversary, delivery, posture, states
from pact24.sim.models.demands import DemandParams
from pact24.sim.models.guarantor import GuarantorParams
from pact24.sim.models.lags import LagSampler
from pact24.sim.models.scenario import ADAPTIVE, SCENARIOS, Family
from pact24.sim.models.states import Profile
from pact24.sim.models.timing import TimingModel
from pact24.sim.params import Params
from pact24.sim.registry import resolve
from pact24.vocab import ConditionKind, PostureKind

START = datetime(2030, 1, 1, tzinfo=UTC)
"""Default start of simulated time (the campaign's day 0)."""


@dataclass(frozen=True)
class Setup:
    """A design, a scenario and a resolved parameter set, read once for many runs."""

    design: Design
    lapsed: Design
    scenario: str
    family: Family | None
    params: Params
    gp: GuarantorParams
    dp: delivery.DeliveryParams
    demands: DemandParams
    profiles: tuple[Profile, ...]
    lags: LagSampler
    annual_cost: float
    start: datetime
    nuclear: bool
    allowed: frozenset[ConditionKind]
    overrides: Mapping[str, float] = field(default_factory=dict)


def prepare(
    design: Design,
    scenario: str,
    overrides: Mapping[str, float] | None = None,
    *,
    timing: TimingModel | None = None,
    start: datetime = START,
) -> Setup:
    """Check the scenario, resolve the parameters and read the design once."""
    if scenario not in SCENARIOS:
        raise InvalidInput(
            f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}",
            scenario=scenario,
        )
    p = resolve(overrides)
    nuclear = adversary.nuclear(p)
    commitment = "ally" if design.posture.kind is PostureKind.MEMBERSHIP else "treaty_guarantee"
    return Setup(
        design=design,
        lapsed=design.model_copy(update={"posture": Posture(kind=PostureKind.NONE)}),
        scenario=scenario,
        family=None if scenario == ADAPTIVE else Family(scenario),
        params=p,
        gp=GuarantorParams.from_params(p),
        dp=delivery.DeliveryParams.from_params(p),
        demands=DemandParams.from_params(p),
        profiles=states.profiles(design, p),
        lags=LagSampler(
            model=timing or TimingModel.default(),
            instruments=design.instruments,
            commitment=commitment,
            nuclear_adversary=nuclear,
        ),
        annual_cost=posture.annual_cost(design.posture, p),
        start=start,
        nuclear=nuclear,
        allowed=frozenset(design.conditions.allowed),
        overrides=dict(overrides or {}),
    )
