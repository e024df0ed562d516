"""Consequence: a simple front model of the territory at risk.

By the 3:1 rule an attacker needs about ``attacker_ratio`` (3) times the defender's strength
locally to advance against a prepared defence. The defence of the attacked sector is Ukraine's
own forces there (``front.ukraine_forces.<family>``) plus the guarantors' troops that have
arrived, so the guarantors must bring::

    troops_needed = max(0, size / attacker_ratio - ukraine_forces)

An attack advances at a rate proportional to its size (``scenario.rate.*`` at the family's
nominal size) until the defence is strong enough, and takes at most its objective::

    territory_at_risk = min(objective, rate * min(T_eff, horizon) / 24)

``T_eff`` is the first hour at which arrived guarantor troops (stationed forces from the first
hour, others as delivered) reach ``troops_needed``; it is 0 when Ukraine's own forces in the
sector already hold the attack (territory 0 by that definition, whatever the guarantors do).
Without such a response the front is taken to settle on the beneficiary's own defence, after its
reserves come up, ``horizon_days`` after the attack. A strike has no ground force: nothing to
take and no troops needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from pact24.sim.models.scenario import Family
from pact24.sim.params import ASSUMPTION, Parameter, Params

_UKRAINE = (
    "assumption: a share of Ukraine's armed forces (about 260,000 in Feb 2022, 880,000 in Jan "
    "2024 by Zelensky on ARD, TASS 2024-01-29 / ukranews.com) stands in the attacked sector; the "
    "attacker picks a thinly held one"
)

_SECTOR = {
    Family.OVERT_INVASION: "overt_invasion",
    Family.HYBRID_INCURSION: "hybrid_incursion",
    Family.DISINFORMATION: "hybrid_incursion",
    Family.SALAMI: "salami",
}
"""Which sector defence meets each family (a disinformation-covered incursion is a hybrid one)."""

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "front.attacker_ratio",
        3.0,
        1.5,
        6.0,
        "attackers per defender",
        "3:1 rule (Mearsheimer, 'Assessing the conventional balance: the 3:1 rule and its "
        "critics', International Security 13(4), 1989): an attacker needs about 3:1 locally",
        "Local force ratio an attacker needs to advance against a prepared defence",
    ),
    Parameter(
        "front.ukraine_forces.overt_invasion",
        40_000,
        10_000,
        200_000,
        "persons",
        _UKRAINE + " (40,000: about 5 % of the 2024 forces on the main axes of a renewed invasion)",
        "Ukraine's own forces in the sector an overt invasion attacks",
    ),
    Parameter(
        "front.ukraine_forces.hybrid_incursion",
        3_000,
        0,
        20_000,
        "persons",
        _UKRAINE + " (3,000: border guards and a brigade's worth of a quiet region; in Crimea "
        "2014 the forces there did not fight)",
        "Ukraine's own forces in the sector a hybrid incursion attacks",
    ),
    Parameter(
        "front.ukraine_forces.salami",
        200,
        0,
        2_000,
        "persons",
        _UKRAINE + " (200: a company on the line where a probe strikes)",
        "Ukraine's own forces where one salami step attacks",
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
    troops_needed: float
    """Guarantor troops that, with Ukraine's forces in the sector, stop the advance."""


def ukraine_forces(family: Family, p: Params) -> float:
    """Ukraine's forces in the sector an attack of ``family`` hits (0 for a strike)."""
    sector = _SECTOR.get(family)
    return 0.0 if sector is None else p[f"front.ukraine_forces.{sector}"]


def troops_needed(size: float, ukraine: float, p: Params) -> float:
    """Guarantor troops such that ``size / (ukraine + troops) <= attacker_ratio``."""
    return max(0.0, size / p["front.attacker_ratio"] - ukraine)


def assess(
    size: float,
    rate_km2_per_day: float,
    objective_km2: float,
    ukraine: float,
    arrivals: Iterable[tuple[float, float]],
    p: Params,
) -> FrontResult:
    """Territory at risk given Ukraine's forces in the sector and ``arrivals``: ``(hours after
    the attack, troops)`` pairs of guarantor troops."""
    if size <= 0.0 or rate_km2_per_day <= 0.0:
        return FrontResult(0.0, math.nan, 0.0)
    needed = troops_needed(size, ukraine, p)
    if needed <= 0.0:
        return FrontResult(0.0, 0.0, 0.0)
    horizon_h = p["front.horizon_days"] * 24.0
    total = 0.0
    effective = math.nan
    for hours, troops in sorted(arrivals):
        total += troops
        if total >= needed:
            effective = max(hours, 0.0)
            break
    until = horizon_h if math.isnan(effective) else min(effective, horizon_h)
    return FrontResult(min(objective_km2, rate_km2_per_day * until / 24.0), effective, needed)
