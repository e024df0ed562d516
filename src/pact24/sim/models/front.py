"""Consequence: a simple front model of the territory at risk.

An attack advances at a rate proportional to its size (``scenario.rate.*`` at the family's
nominal size) until an *effective response* arrives, and takes at most its objective::

    territory_at_risk = min(objective, rate * size / nominal * min(T_eff, horizon) / 24)

``T_eff`` is the first hour at which the guarantors' troops that have arrived (stationed forces
from the first hour, others as delivered) reach ``force_ratio`` times the attacking force: by the
3:1 rule of thumb an attacker needs about three times the defender's strength, so a third of the
attacker's strength stops it. Without such a response the front is taken to settle on the
beneficiary's own defence after ``horizon_days``. A strike has no ground force: nothing to take.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from pact24.sim.params import ASSUMPTION, Parameter, Params

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "front.force_ratio",
        1.0 / 3.0,
        0.1,
        1.0,
        "defenders per attacker",
        "3:1 rule (Mearsheimer, 'Assessing the conventional balance: the 3:1 rule and its "
        "critics', International Security 13(4), 1989)",
        "Arrived guarantor troops per attacker that stop the advance",
    ),
    Parameter(
        "front.horizon_days",
        30.0,
        5.0,
        180.0,
        "days",
        ASSUMPTION,
        "Days after which the front settles on the beneficiary's own defence",
    ),
)


@dataclass(frozen=True, slots=True)
class FrontResult:
    territory_km2: float
    effective_hours: float
    """Hours from the attack to an effective response; ``nan`` when none came in time."""


def assess(
    size: float,
    rate_km2_per_day: float,
    objective_km2: float,
    arrivals: Iterable[tuple[float, float]],
    p: Params,
) -> FrontResult:
    """Territory at risk given ``arrivals``: ``(hours after the attack, troops)`` pairs."""
    horizon_h = p["front.horizon_days"] * 24.0
    if size <= 0.0 or rate_km2_per_day <= 0.0:
        return FrontResult(0.0, math.nan)
    needed = p["front.force_ratio"] * size
    total = 0.0
    effective = math.nan
    for hours, troops in sorted(arrivals):
        total += troops
        if total >= needed:
            effective = max(hours, 0.0)
            break
    until = horizon_h if math.isnan(effective) else min(effective, horizon_h)
    return FrontResult(min(objective_km2, rate_km2_per_day * until / 24.0), effective)
