"""Postures: where stationed forces stand, whether an attack touches them, whether their states
hold when it does, how long the coalition keeps the posture up, and what it costs.

Engagement (footprint against the attack's geography)
-----------------------------------------------------
Each contingent watches a stretch of the line of contact::

    frontage_g = troops_g * km2_per_soldier / depth

where ``depth`` is the posture's ``dmz_depth_km`` for a DMZ force, else the ground a garrison
holds around its base (``engagement.garrison_depth_km``). A ground attack crosses
``engagement.frontage_km.<family>`` of a ``engagement.front_km`` line and reaches
``reach = objective_km2 / frontage`` km deep on average. An advance is uneven (it goes deepest
along a few axes), so the depth it reaches where a contingent stands is taken as exponential with
that mean (an assumption: the shape is not sourced, the mean is the scenario's): a contingent
standing ``StationedForce.distance_km`` behind the line is within reach with probability
``exp(-distance_km / reach)``, which avoids a knife edge at ``distance_km = reach`` (membership's
forward presence stands 100 km back; an invasion's mean reach is 75 km at the defaults). Within
reach, the attack touches contingent ``g`` with probability::

    blind:  min(1, (A + frontage_g) / F)              (the attack falls anywhere on the line)
    aimed:  min(1, max(0, A - (F - W)) / W)           (it goes around the W km that forces watch,
                                                       crossing them only where it must)
    P_g  =  ((1 - aimed_f) * blind + aimed_f * aimed) * exp(-distance_km / reach)

with ``A`` the attack's frontage, ``F`` the front and ``aimed_f`` the share of attacks of that kind
aimed around known positions. A front-wide invasion touches every contingent within reach; green
men on 200 km of a 1,200 km line go around a tripwire when they are aimed. A strike touches a
contingent only when it hits its base (``engagement.strike_hits_base``), and only unaimed.

Withdrawal and durability (fitted to history)
---------------------------------------------
Two kinds of deployment: ``garrison`` (tripwire forces, membership's forward presence and a QRF
held for the beneficiary: Berlin, Korea, eFP) and ``interposition`` (a force between the lines:
MNF Lebanon, UNDOF, UNIFIL). ``engaged_forces.csv`` lists stationed forces that were attacked and
whether their state held or withdrew; the withdrawal probability per kind is the mean of a Beta
posterior (Jeffreys prior). ``deployments.csv`` lists deployments that lasted or ended; the yearly
hazard of giving the posture up is the mean of a Gamma posterior (Jeffreys prior) of an
exponential survival model with right-censoring: deployments still running, or ended because
their purpose ended (``settled``) or the host ended them (``host``), are censored; only a
``lapse`` (given up while the threat remained) is an event. Membership does not lapse: no ally
has left the North Atlantic Treaty.

Cost
----
A year of posture costs ``stationed * stationed_cost_per_troop_year`` for stationed forces (the
Lithuania brigade's all-in running cost, rotation included: counted once) and
``size * rule_of_thirds * cost_per_troop_year * premium[readiness]`` for a QRF held at home.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from importlib import resources

import numpy as np
from scipy import special

from pact24.designs.schema import Posture
from pact24.sim.models.scenario import Attack
from pact24.sim.params import ASSUMPTION, Parameter, Params
from pact24.vocab import IncidentKind, PostureKind, Severity

CENSUS = date(2025, 12, 31)
"""Deployments still running are observed until this date (the tables' census)."""

KINDS = ("garrison", "interposition")

_KIND = {
    PostureKind.TRIPWIRE: "garrison",
    PostureKind.MEMBERSHIP: "garrison",
    PostureKind.QRF: "garrison",
    PostureKind.DMZ: "interposition",
}


def kind_of(posture: Posture) -> str | None:
    """The kind of deployment a posture is, for withdrawal and durability (None: no posture)."""
    return _KIND.get(posture.kind)


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("pact24") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True, slots=True)
class Fit:
    """A posterior mean with its 95 % interval, and the data behind it."""

    mean: float
    low: float
    high: float
    events: int
    n: float
    """Cases (withdrawal) or years at risk (durability)."""


def withdrawal_fit(kind: str) -> Fit:
    """P(a state withdraws its attacked forces): Beta(0.5 + withdrew, 0.5 + held)."""
    rows = [r for r in _rows("engaged_forces.csv") if r["kind"] == kind]
    withdrew = sum(1 for r in rows if r["outcome"] == "withdrew")
    a, b = 0.5 + withdrew, 0.5 + len(rows) - withdrew
    return Fit(
        a / (a + b),
        float(special.betaincinv(a, b, 0.025)),
        float(special.betaincinv(a, b, 0.975)),
        withdrew,
        float(len(rows)),
    )


def lapse_fit(kind: str) -> Fit:
    """Yearly hazard of giving a posture up: Gamma(0.5 + lapses, years at risk)."""
    lapses, years = 0, 0.0
    for r in _rows("deployments.csv"):
        if r["kind"] != kind:
            continue
        end = date.fromisoformat(r["end"]) if r["end"] else CENSUS
        years += (end - date.fromisoformat(r["start"])).days / 365.25
        lapses += r["ended_by"] == "lapse"
    shape = 0.5 + lapses
    return Fit(
        shape / years,
        float(special.gammaincinv(shape, 0.025)) / years,
        float(special.gammaincinv(shape, 0.975)) / years,
        lapses,
        years,
    )


def _fit_source(fit: Fit, table: str, what: str) -> str:
    return (
        f"fit to pact24/data/{table}: {fit.events} {what} in {fit.n:g}; posterior mean, 95 % "
        f"interval [{fit.low:.3g}, {fit.high:.3g}] (Jeffreys prior)"
    )


def _fit_parameters() -> tuple[Parameter, ...]:
    out = []
    for kind in KINDS:
        w = withdrawal_fit(kind)
        out.append(
            Parameter(
                f"posture.withdraw_prob.{kind}",
                round(w.mean, 4),
                0.0,
                1.0,
                "probability",
                _fit_source(w, "engaged_forces.csv", "withdrawals of attacked forces among cases"),
                f"Probability that a state whose {kind} forces are attacked withdraws them",
            )
        )
        lapse = lapse_fit(kind)
        out.append(
            Parameter(
                f"posture.lapse_rate.{kind}",
                round(lapse.mean, 5),
                0.0,
                0.2,
                "1/year",
                _fit_source(lapse, "deployments.csv", "lapses over deployment-years"),
                f"Yearly hazard that the coalition gives up a {kind} posture",
            )
        )
    return tuple(out)


_GROUND = ("overt_invasion", "hybrid_incursion", "salami")
_FRONTAGE = {
    "overt_invasion": (
        1_200.0,
        300.0,
        2_400.0,
        "assumption, after February 2022 (attacks from the north, east and south at once: "
        "front-wide)",
    ),
    "hybrid_incursion": (
        200.0,
        20.0,
        600.0,
        "assumption: a Crimea- or Donbas-sized operation (its objective reached about 135 km deep)",
    ),
    "salami": (10.0, 1.0, 50.0, "assumption: one battalion-sized bite"),
}
_AIMED = {
    "overt_invasion": (
        0.2,
        "assumption: an invasion goes where its objectives are; front-wide, it cannot avoid "
        "forces on the line anyway",
    ),
    "hybrid_incursion": (
        0.8,
        "assumption: deniable operations are chosen where no one resists (Crimea 2014)",
    ),
    "salami": (0.8, "assumption: small bites are placed where no one resists"),
    "strike": (
        0.8,
        "assumption, after the strike on the Yavoriv training centre (13 March 2022), weeks "
        "after Western instructors had left",
    ),
}

PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "engagement.front_km",
        1_200.0,
        900.0,
        2_400.0,
        "km",
        "Gen. Syrskyi (Ukrinform, 2024-08-20): active front about 1,040 km; about 1,250 km in "
        "2025 (interbellumnews.com); the borders with Russia and Belarus add up to 2,393 km",
        "Length of the line of contact an attack may cross",
    ),
    Parameter(
        "engagement.km2_per_soldier",
        0.4,
        0.1,
        10.0,
        "km2/person",
        "UNFICYP: a 346 km2 buffer zone held by about 860 troops (Wikipedia 'United Nations "
        "Buffer Zone in Cyprus'; Cyprus News Agency, March 2014)",
        "Ground one stationed soldier watches",
    ),
    Parameter(
        "engagement.garrison_depth_km",
        10.0,
        2.0,
        50.0,
        "km",
        ASSUMPTION,
        "Depth of the ground a garrison outside a DMZ holds around its base",
    ),
    *(
        Parameter(
            f"engagement.frontage_km.{f}",
            v,
            lo,
            hi,
            "km",
            src,
            f"Stretch of the line of contact a {f.replace('_', ' ')} crosses",
        )
        for f, (v, lo, hi, src) in _FRONTAGE.items()
    ),
    *(
        Parameter(
            f"engagement.aimed.{f}",
            v,
            0.0,
            1.0,
            "probability",
            src,
            f"Share of {f.replace('_', ' ')} attacks aimed around known stationed forces",
        )
        for f, (v, src) in _AIMED.items()
    ),
    Parameter(
        "engagement.strike_hits_base",
        0.1,
        0.0,
        0.5,
        "probability",
        ASSUMPTION,
        "Probability that an unaimed strike hits a base where foreign forces stand",
    ),
    *_fit_parameters(),
    Parameter(
        "readiness.rule_of_thirds",
        3.0,
        2.0,
        5.0,
        "units per ready unit",
        "Rule of thirds (military), Wikipedia: one third ready, one preparing, one recovering",
        "Units needed to keep one unit ready",
    ),
    Parameter(
        "readiness.cost_per_troop_year_eur",
        75_000.0,
        40_000.0,
        150_000.0,
        "EUR/year",
        "Tagesspiegel 2024 on Panzerbrigade 45: running a regular brigade (~4,800) at home "
        "costs over EUR 30 million a month",
        "Yearly cost of one soldier held at home",
    ),
    Parameter(
        "readiness.stationed_cost_per_troop_year_eur",
        200_000.0,
        100_000.0,
        400_000.0,
        "EUR/year",
        "Spiegel/SZ Apr 2024: the Lithuania brigade's running costs about "
        "EUR 1 bn a year for ~4,800 soldiers and 200 civilians",
        "Yearly all-in cost of one soldier stationed abroad",
    ),
    Parameter(
        "readiness.premium.very_high",
        1.5,
        1.0,
        3.0,
        "factor",
        "assumption, after NATO's Gen. Palomeros (AFP, Sep 2014): holding the spearhead "
        "at readiness costs 'several hundred million euros' a year",
        "Cost factor of holding troops at very high readiness",
    ),
    Parameter(
        "readiness.premium.high",
        1.2,
        1.0,
        2.0,
        "factor",
        ASSUMPTION,
        "Cost factor of holding troops at high readiness",
    ),
    Parameter(
        "readiness.premium.low",
        1.0,
        1.0,
        1.5,
        "factor",
        ASSUMPTION,
        "Cost factor of holding troops at low readiness",
    ),
    Parameter(
        "readiness.horizon_years",
        10.0,
        1.0,
        30.0,
        "years",
        ASSUMPTION,
        "Years over which the posture's cost is counted",
    ),
)


def _geography(attack: Attack) -> str:
    """Which attack geography applies: a strike, a salami bite or a hybrid or overt advance."""
    if attack.kind is IncidentKind.STRIKE:
        return "strike"
    if attack.kind is IncidentKind.OVERT_INVASION:
        return "overt_invasion"
    return "salami" if attack.severity is Severity.LOW else "hybrid_incursion"


def engagement_probs(posture: Posture, attack: Attack, p: Params) -> dict[str, float]:
    """Per stationed guarantor, the probability that ``attack`` touches its forces."""
    if not posture.forces:
        return {}
    geo = _geography(attack)
    aimed = p[f"engagement.aimed.{geo}"]
    if geo == "strike":
        return {
            f.guarantor: (1.0 - aimed) * p["engagement.strike_hits_base"] for f in posture.forces
        }
    front = p["engagement.front_km"]
    depth = (
        posture.dmz_depth_km
        if posture.kind is PostureKind.DMZ and posture.dmz_depth_km is not None
        else p["engagement.garrison_depth_km"]
    )
    width = {
        f.guarantor: f.troops * p["engagement.km2_per_soldier"] / depth for f in posture.forces
    }
    watched = min(front, sum(width.values()))
    frontage = min(front, p[f"engagement.frontage_km.{geo}"])
    reach = attack.objective_km2 / frontage
    forced = min(1.0, max(0.0, frontage - (front - watched)) / watched)
    return {
        f.guarantor: (
            (1.0 - aimed) * min(1.0, (frontage + width[f.guarantor]) / front) + aimed * forced
        )
        * math.exp(-f.distance_km / reach)
        for f in posture.forces
    }


def draw_engaged(
    posture: Posture, attack: Attack, p: Params, rng: np.random.Generator
) -> tuple[str, ...]:
    """The guarantors whose stationed forces this attack touches (one draw per contingent)."""
    probs = engagement_probs(posture, attack, p)
    u = rng.random(len(posture.forces))
    return tuple(
        f.guarantor for f, x in zip(posture.forces, u, strict=True) if x < probs[f.guarantor]
    )


def withdraw_prob(posture: Posture, p: Params) -> float:
    """P(an engaged state withdraws its forces), by the kind of deployment."""
    kind = kind_of(posture)
    return 0.0 if kind is None else p[f"posture.withdraw_prob.{kind}"]


def annual_cost(posture: Posture, p: Params) -> float:
    """Yearly cost (EUR) of the posture, each cost counted once."""
    if posture.kind is PostureKind.QRF:
        assert posture.size is not None and posture.readiness is not None
        return (
            posture.size
            * p["readiness.rule_of_thirds"]
            * p["readiness.cost_per_troop_year_eur"]
            * p[f"readiness.premium.{posture.readiness.value}"]
        )
    if posture.kind in (PostureKind.TRIPWIRE, PostureKind.DMZ):
        stationed = sum(f.troops for f in posture.forces)
        return stationed * p["readiness.stationed_cost_per_troop_year_eur"]
    return 0.0


def draw_lapse_years(posture: Posture, p: Params, rng: np.random.Generator) -> float:
    """Years until the coalition gives the posture up (``inf``: none, or membership)."""
    kind = kind_of(posture)
    if kind is None or posture.kind is PostureKind.MEMBERSHIP:
        return math.inf
    hazard = p[f"posture.lapse_rate.{kind}"]
    return math.inf if hazard <= 0.0 else float(rng.exponential(1.0 / hazard))
