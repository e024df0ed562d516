"""Scenario families: what an attack of each family looks like when it is reported.

A *family* is how the adversary attacks (DESIGN.md); the mechanism knows *incident kinds*. Each
family maps onto one or more kinds:

============================  ===============================================================
family                        incidents
============================  ===============================================================
``overt_invasion``            one ``overt_invasion``, severity high, a large ground force
``strike``                    one ``strike`` (missiles, drones), severity medium, no ground force
``hybrid_incursion``          one ``hybrid_incursion`` ("green men"), severity medium
``salami``                    a series of small incidents, each a ``strike`` or a
                              ``hybrid_incursion`` at severity low (one per crisis)
``disinformation``            a ``hybrid_incursion`` (or a ``strike``) at severity medium plus a
                              campaign that slows attribution, splits the guarantors' beliefs and
                              sours public opinion (see ``attribution`` and ``guarantor``)
============================  ===============================================================

An attack has a ground force (``size``, persons), an advance rate and an objective (km²) that the
front model reads. Sizes are drawn log-normally around the family's nominal size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from pact24.sim.params import ASSUMPTION, Parameter, Params
from pact24.vocab import IncidentKind, Severity


class Family(StrEnum):
    OVERT_INVASION = "overt_invasion"
    STRIKE = "strike"
    HYBRID_INCURSION = "hybrid_incursion"
    SALAMI = "salami"
    DISINFORMATION = "disinformation"


FAMILIES: tuple[Family, ...] = tuple(Family)
ADAPTIVE = "adaptive"
"""Not a family: the scenario in which the adversary picks the family itself, each crisis."""

SCENARIOS: tuple[str, ...] = (*(f.value for f in FAMILIES), ADAPTIVE)

_ISW = (
    "ground taken after 24 Feb 2022, not counting Crimea and the Donbas areas held since 2014: "
    "Russian control peaked at 22 % of Ukraine on 23-28 Mar 2022 (ISW maps as analysed by The "
    "Times, 2023-02-23, 'Russia-Ukraine war maps'), against 7 % held before the invasion (Forbes "
    "as reported by azerbaycan24.com, 'Forbes: Russia occupies 20% of Ukraine'); 15 % of "
    "603,628 km2 is about 90,000 km2, taken in about 28 days. On 30 Sep 2022 ISW counted 11.9 % "
    "of Ukraine taken since 24 Feb (tellerreport.com, 2022-09-30)"
)
_CRIMEA = "Crimea 2014: ~27,000 km2 seized 27 Feb - 18 Mar (19 days)"
_CRIMEA_FORCE = (
    "RFE/RL 'How many Russian troops are now thought to be in Crimea?' (rferl.org/a/25285238, "
    "March 2014): Ukrainian authorities ~16,000 Russian troops in Crimea, Jane's (Tim Ripley) "
    "6,000-7,000 freshly deployed since 28 Feb on top of ~11,000 Black Sea Fleet personnel; "
    "Ukraine's border guards: 30,000 including the fleet (Reuters via Today's Zaman, 2014-03-07). "
    "The range spans the fresh deployment alone to the border guards' count; the earlier figure "
    "of 20,000 cited 'Putin's admission', which was about Ukraine's troops in Crimea"
)

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "scenario.size.overt_invasion",
        190_000,
        50_000,
        300_000,
        "persons",
        "Feb 2022 invasion force of 150,000-190,000 (US and UK estimates, widely reported)",
        "Nominal ground force of an overt invasion",
    ),
    Parameter(
        "scenario.size.hybrid_incursion",
        16_000,
        6_000,
        30_000,
        "persons",
        _CRIMEA_FORCE,
        "Nominal ground force of a hybrid incursion",
    ),
    Parameter(
        "scenario.size.salami",
        1_000,
        100,
        5_000,
        "persons",
        ASSUMPTION,
        "Nominal ground force of one salami step (a battalion-sized probe)",
    ),
    Parameter(
        "scenario.size_sd",
        0.3,
        0.0,
        1.0,
        "log",
        ASSUMPTION,
        "Log-normal spread of attack sizes around the nominal size",
    ),
    Parameter(
        "scenario.rate.overt_invasion",
        3_200,
        1_000,
        6_000,
        "km2/day",
        _ISW,
        "Ground an overt invasion takes per day before an effective response (nominal size)",
    ),
    Parameter(
        "scenario.rate.hybrid_incursion",
        1_400,
        200,
        3_000,
        "km2/day",
        _CRIMEA,
        "Ground a hybrid incursion takes per day before an effective response",
    ),
    Parameter(
        "scenario.rate.salami",
        20,
        1,
        200,
        "km2/day",
        ASSUMPTION,
        "Ground one salami step takes per day before an effective response",
    ),
    Parameter(
        "scenario.objective.overt_invasion",
        90_000,
        30_000,
        300_000,
        "km2",
        _ISW,
        "Most ground an overt invasion aims to take",
    ),
    Parameter(
        "scenario.objective.hybrid_incursion",
        27_000,
        2_000,
        50_000,
        "km2",
        _CRIMEA,
        "Most ground a hybrid incursion aims to take (a Crimea-sized region)",
    ),
    Parameter(
        "scenario.objective.salami",
        200,
        10,
        2_000,
        "km2",
        ASSUMPTION,
        "Most ground one salami step aims to take",
    ),
    Parameter(
        "scenario.salami_hybrid_share",
        0.5,
        0.0,
        1.0,
        "probability",
        ASSUMPTION,
        "Share of salami steps that are hybrid incursions (the rest are strikes)",
    ),
    Parameter(
        "scenario.disinformation_hybrid_share",
        0.7,
        0.0,
        1.0,
        "probability",
        ASSUMPTION,
        "Share of disinformation-covered incidents that are hybrid incursions (else strikes)",
    ),
)


@dataclass(frozen=True, slots=True)
class Attack:
    """One attack as the mechanism and the front model see it."""

    family: Family
    kind: IncidentKind
    severity: Severity
    size: float
    rate_km2_per_day: float
    objective_km2: float
    disinformation: bool

    def summary(self) -> str:
        ground = f"{self.size:,.0f} troops" if self.size else "no ground force"
        extra = ", under a disinformation campaign" if self.disinformation else ""
        return f"{self.kind.value.replace('_', ' ')} ({self.severity.value}; {ground}{extra})"


def _ground(p: Params, key: str, rng: np.random.Generator) -> tuple[float, float, float]:
    nominal = p[f"scenario.size.{key}"]
    size = nominal * math.exp(p["scenario.size_sd"] * float(rng.standard_normal()))
    return size, p[f"scenario.rate.{key}"] * size / nominal, p[f"scenario.objective.{key}"]


def draw_attack(family: Family, p: Params, rng: np.random.Generator) -> Attack:
    """The attack of one crisis of ``family``."""
    if family is Family.OVERT_INVASION:
        size, rate, objective = _ground(p, "overt_invasion", rng)
        return Attack(
            family, IncidentKind.OVERT_INVASION, Severity.HIGH, size, rate, objective, False
        )
    if family is Family.STRIKE:
        return Attack(family, IncidentKind.STRIKE, Severity.MEDIUM, 0.0, 0.0, 0.0, False)
    if family is Family.HYBRID_INCURSION:
        size, rate, objective = _ground(p, "hybrid_incursion", rng)
        return Attack(
            family, IncidentKind.HYBRID_INCURSION, Severity.MEDIUM, size, rate, objective, False
        )
    if family is Family.SALAMI:
        if float(rng.random()) < p["scenario.salami_hybrid_share"]:
            size, rate, objective = _ground(p, "salami", rng)
            return Attack(
                family, IncidentKind.HYBRID_INCURSION, Severity.LOW, size, rate, objective, False
            )
        return Attack(family, IncidentKind.STRIKE, Severity.LOW, 0.0, 0.0, 0.0, False)
    assert family is Family.DISINFORMATION
    if float(rng.random()) < p["scenario.disinformation_hybrid_share"]:
        size, rate, objective = _ground(p, "hybrid_incursion", rng)
        return Attack(
            family, IncidentKind.HYBRID_INCURSION, Severity.MEDIUM, size, rate, objective, True
        )
    return Attack(family, IncidentKind.STRIKE, Severity.MEDIUM, 0.0, 0.0, 0.0, True)
