"""Attribution: how confident the guarantors become, over time, that the adversary did it.

The shared assessment (what a joint intelligence cell would report to the mechanism as
``AttributionAssessed``) rises from an initial confidence ``c0`` towards a ceiling ``cmax``::

    c(t) = c0 + (cmax - c0) * (1 - exp(-t / tau))          t in hours since the attack

``c0`` and ``tau`` are set by the incident kind: an overt invasion is attributed at once, a
"green men" incursion takes about a week to be called "highly likely", a cyber attack months.
Each crisis draws its own pace (``tau`` times a log-normal factor). A disinformation campaign
multiplies ``tau`` (slower) and widens the spread of the guarantors' own beliefs, which sit
around the shared one on the logit scale::

    belief_g(t) = logistic(logit(c(t)) + delta_g),     delta_g ~ Normal(0, split_sd)

A design with ``on_attribution`` activation opens its window at the first assessment that
reaches its threshold; the ``attribution_confirmed`` condition is judged by the mechanism on the
shared assessment at close.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from pact24.sim.params import ASSUMPTION, Parameter, Params
from pact24.vocab import IncidentKind

_KIND_ANCHORS: dict[IncidentKind, tuple[float, float, str]] = {
    IncidentKind.OVERT_INVASION: (
        0.95,
        1.0,
        "24 Feb 2022: the invasion was announced by the aggressor itself (decision_lags.csv "
        "E018: NAC met the same day)",
    ),
    IncidentKind.STRIKE: (
        0.5,
        12.0,
        "assumption, anchored on Przewodow 15-16 Nov 2022 (the missile's origin settled in "
        "about a day)",
    ),
    IncidentKind.HYBRID_INCURSION: (
        0.3,
        84.0,
        "Crimea 2014 (Western governments called it aggression within ~5 days; Putin admitted "
        "on 17 Apr) and Salisbury 2018 ('highly likely' Russia after 8 days, PM statement "
        "12 Mar 2018): c reaches 0.9 after ~7 days",
    ),
    IncidentKind.MARITIME: (
        0.6,
        12.0,
        "assumption, anchored on Kerch Strait 25 Nov 2018 (the FSB acknowledged the seizure "
        "the same day)",
    ),
    IncidentKind.CYBER: (
        0.1,
        2400.0,
        "NotPetya: attack 27 Jun 2017, UK and US attribution 15 Feb 2018 (233 days; Reuters, "
        "BBC): c reaches 0.9 after ~230 days",
    ),
}


def _kind_parameters() -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    for kind, (c0, tau, src) in _KIND_ANCHORS.items():
        out.append(
            Parameter(
                f"attribution.initial.{kind.value}",
                c0,
                0.0,
                0.99,
                "probability",
                src,
                f"Shared attribution confidence when a {kind.value} is reported",
            )
        )
        out.append(
            Parameter(
                f"attribution.tau_hours.{kind.value}",
                tau,
                tau / 4.0,
                tau * 4.0,
                "hours",
                src,
                f"Time constant of the growth of attribution confidence after a {kind.value}",
            )
        )
    return tuple(out)


PARAMETERS: tuple[Parameter, ...] = (
    *_kind_parameters(),
    Parameter(
        "attribution.ceiling",
        0.99,
        0.8,
        1.0,
        "probability",
        ASSUMPTION,
        "Confidence the shared assessment approaches but never passes",
    ),
    Parameter(
        "attribution.pace_sd",
        0.5,
        0.0,
        1.5,
        "log",
        ASSUMPTION,
        "Log-normal spread of the pace of attribution between crises of one kind",
    ),
    Parameter(
        "attribution.belief_split_sd",
        0.3,
        0.0,
        2.0,
        "logit",
        ASSUMPTION,
        "Spread of guarantors' own beliefs around the shared assessment",
    ),
    Parameter(
        "disinformation.slowdown",
        3.0,
        1.0,
        10.0,
        "factor",
        "assumption, informed by MH17 (17 Jul 2014): governments named Russia within days, the "
        "JIT's finding on the Buk's origin came on 24 May 2018 amid a denial campaign",
        "Factor by which a disinformation campaign slows the growth of attribution",
    ),
    Parameter(
        "disinformation.belief_split_sd",
        1.2,
        0.0,
        3.0,
        "logit",
        ASSUMPTION,
        "Spread of guarantors' beliefs under a disinformation campaign",
    ),
    Parameter(
        "attribution.tick_hours",
        3.0,
        0.5,
        24.0,
        "hours",
        "assumption (resolution of the simulation, not a behaviour)",
        "How often the shared assessment is updated and guarantors re-read it",
    ),
    Parameter(
        "attribution.report_step",
        0.05,
        0.01,
        0.2,
        "probability",
        "assumption (resolution of the simulation, not a behaviour)",
        "Smallest change of the shared assessment that is reported as a new AttributionAssessed",
    ),
    Parameter(
        "attribution.clear_at",
        0.8,
        0.5,
        0.99,
        "probability",
        "assumption: the timing model's 'clear' vs 'contested' attribution, read as a belief",
        "A guarantor's belief at which its timing covariate 'attribution' reads clear",
    ),
)


@dataclass(frozen=True, slots=True)
class AttributionPath:
    """The shared assessment of one crisis: ``c(t)`` for ``t`` hours after the attack."""

    c0: float
    cmax: float
    tau_hours: float

    def confidence(self, t_hours: float) -> float:
        if t_hours <= 0.0:
            return self.c0
        return self.c0 + (self.cmax - self.c0) * (1.0 - math.exp(-t_hours / self.tau_hours))

    def time_to(self, level: float) -> float:
        """Hours until ``c(t) >= level`` (0 if already; ``inf`` if never)."""
        if level <= self.c0:
            return 0.0
        if level >= self.cmax:
            return math.inf
        return -self.tau_hours * math.log1p(-(level - self.c0) / (self.cmax - self.c0))


def draw_path(
    kind: IncidentKind, disinformation: bool, p: Params, rng: np.random.Generator
) -> AttributionPath:
    """The attribution path of one crisis."""
    c0 = p[f"attribution.initial.{kind.value}"]
    cmax = max(p["attribution.ceiling"], c0)
    tau = p[f"attribution.tau_hours.{kind.value}"]
    tau *= math.exp(p["attribution.pace_sd"] * float(rng.standard_normal()))
    if disinformation:
        tau *= p["disinformation.slowdown"]
    return AttributionPath(c0=c0, cmax=cmax, tau_hours=tau)


def draw_offsets(
    n: int, disinformation: bool, p: Params, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Each guarantor's belief offset from the shared assessment (logit scale)."""
    sd = p["disinformation.belief_split_sd" if disinformation else "attribution.belief_split_sd"]
    return np.asarray(sd * rng.standard_normal(n), dtype=np.float64)


def logit(c: float) -> float:
    c = min(max(c, 1e-9), 1.0 - 1e-9)
    return math.log(c / (1.0 - c))


def belief(c: float, offset: float) -> float:
    """A guarantor's own belief given the shared assessment ``c`` and its offset."""
    return 1.0 / (1.0 + math.exp(-(logit(c) + offset)))
