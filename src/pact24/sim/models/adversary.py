"""The adversary: whether to attack, with which family, and how it learns from the response.

The adversary holds a Beta belief about the guarantee's credibility, the probability that an
attack meets a response (the guarantee is honoured). Its prior mean is set by what it can see
before any attack: the posture (stationed forces and membership are visible commitments) and
whether the design has a deadline. Each crisis is one observation::

    alpha = m0 * n0 + w * responses,     beta = (1 - m0) * n0 + w * unanswered

so when a probe meets no response, the adversary's estimate falls and the next step looks safer:
it is calling the bluff. A response raises the estimate and deters the next step.

At each opportunity (one a year by default; salami steps come faster) the adversary weighs each
family ``f``::

    U_f = gain_f - cost_of_response * credibility * perceived_f

where ``perceived_f`` is how likely it thinks a family of attack is to trigger the guarantee
relative to an overt invasion (hybrid and salami attacks are built to stay below the threshold).
With a fixed family it attacks with probability ``logistic(U_f / noise)``; in the ``adaptive``
scenario it picks among waiting (``U = 0``) and the five families by a logit choice with the same
noise. A nuclear-armed adversary may issue a nuclear warning during a window.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pact24.sim.models.scenario import FAMILIES, Family
from pact24.sim.params import ASSUMPTION, Parameter, Params, flag
from pact24.vocab import PostureKind

_GAIN = {
    Family.OVERT_INVASION: 1.0,
    Family.STRIKE: 0.3,
    Family.HYBRID_INCURSION: 0.6,
    Family.SALAMI: 0.25,
    Family.DISINFORMATION: 0.45,
}
_PERCEIVED = {
    Family.OVERT_INVASION: 1.0,
    Family.STRIKE: 0.5,
    Family.HYBRID_INCURSION: 0.5,
    Family.SALAMI: 0.3,
    Family.DISINFORMATION: 0.4,
}
_PRIOR = {
    PostureKind.NONE: 0.35,
    PostureKind.QRF: 0.45,
    PostureKind.TRIPWIRE: 0.65,
    PostureKind.DMZ: 0.7,
    PostureKind.MEMBERSHIP: 0.85,
}

_SEED = (
    "assumption, after the seed: 'green men' are followed by 'a long period of diplomatic "
    "wrangling', so the adversary expects less response to them"
)

PARAMETERS: tuple[Parameter, ...] = (
    *(
        Parameter(
            f"adversary.gain.{f.value}",
            g,
            0.0,
            3.0,
            "invasion gains",
            ASSUMPTION,
            f"What a successful {f.value} is worth to the adversary (an overt invasion = 1)",
        )
        for f, g in _GAIN.items()
    ),
    *(
        Parameter(
            f"adversary.perceived_response.{f.value}",
            v,
            0.0,
            1.0,
            "factor",
            _SEED if f is not Family.OVERT_INVASION else ASSUMPTION,
            f"How likely the adversary thinks a {f.value} triggers the guarantee, relative to "
            "an overt invasion",
        )
        for f, v in _PERCEIVED.items()
    ),
    *(
        Parameter(
            f"adversary.prior_credibility.{k.value}",
            v,
            0.01,
            0.99,
            "probability",
            "assumption, after the seed: 'without stationed troops, it's just a paper plan'",
            f"The adversary's prior estimate that an attack meets a response, posture {k.value}",
        )
        for k, v in _PRIOR.items()
    ),
    Parameter(
        "adversary.window_bonus",
        0.05,
        -0.2,
        0.3,
        "probability",
        ASSUMPTION,
        "What a design's fixed decision deadline adds to the adversary's prior estimate",
    ),
    Parameter(
        "adversary.prior_strength",
        4.0,
        0.5,
        20.0,
        "observations",
        ASSUMPTION,
        "How many observed crises the adversary's prior is worth",
    ),
    Parameter(
        "adversary.learning_weight",
        1.0,
        0.0,
        5.0,
        "observations",
        ASSUMPTION,
        "How many observations one crisis counts for in the adversary's belief",
    ),
    Parameter(
        "adversary.cost_of_response",
        2.5,
        0.5,
        10.0,
        "invasion gains",
        ASSUMPTION,
        "What facing the guarantors' response costs the adversary (an overt invasion's gain = 1)",
    ),
    Parameter(
        "adversary.choice_noise",
        0.5,
        0.05,
        2.0,
        "invasion gains",
        ASSUMPTION,
        "Scale of the logit choice: how far the adversary's decision is from a pure calculation",
    ),
    Parameter(
        "adversary.nuclear",
        1.0,
        0.0,
        1.0,
        "flag",
        "SIPRI Yearbook 2025 (Russia is nuclear-armed), via guarantors.csv sources",
        "Whether the adversary holds nuclear weapons (1) or not (0)",
        flag=True,
    ),
    Parameter(
        "adversary.nuclear_signal_prob",
        0.3,
        0.0,
        1.0,
        "probability",
        "assumption, after 24-27 Feb 2022 (warning of 'consequences never seen'; deterrence "
        "forces put on special alert)",
        "Probability that a nuclear-armed adversary issues a nuclear warning during a window",
    ),
    Parameter(
        "campaign.opportunities",
        4.0,
        1.0,
        12.0,
        "crises",
        ASSUMPTION,
        "How many times, within one run, the adversary weighs an attack",
        integer=True,
    ),
    Parameter(
        "campaign.spacing_days",
        365.0,
        30.0,
        1095.0,
        "days",
        ASSUMPTION,
        "Days between the adversary's opportunities",
    ),
    Parameter(
        "campaign.salami_opportunities",
        8.0,
        2.0,
        20.0,
        "crises",
        ASSUMPTION,
        "How many salami steps the adversary may take within one run",
        integer=True,
    ),
    Parameter(
        "campaign.salami_spacing_days",
        45.0,
        7.0,
        365.0,
        "days",
        ASSUMPTION,
        "Days between salami steps",
    ),
)


@dataclass(frozen=True, slots=True)
class Belief:
    """What the adversary has seen: responses and unanswered crises so far."""

    responses: int = 0
    unanswered: int = 0

    def observe(self, responded: bool) -> Belief:
        if responded:
            return Belief(self.responses + 1, self.unanswered)
        return Belief(self.responses, self.unanswered + 1)


def prior_mean(posture: PostureKind, has_deadline: bool, p: Params) -> float:
    m = p[f"adversary.prior_credibility.{posture.value}"]
    if has_deadline:
        m += p["adversary.window_bonus"]
    return min(max(m, 0.01), 0.99)


def credibility(belief: Belief, posture: PostureKind, has_deadline: bool, p: Params) -> float:
    """The adversary's posterior mean estimate that an attack meets a response."""
    m0, n0 = prior_mean(posture, has_deadline, p), p["adversary.prior_strength"]
    w = p["adversary.learning_weight"]
    a = m0 * n0 + w * belief.responses
    b = (1.0 - m0) * n0 + w * belief.unanswered
    return a / (a + b)


def utility(family: Family, cred: float, p: Params) -> float:
    perceived = p[f"adversary.perceived_response.{family.value}"]
    return p[f"adversary.gain.{family.value}"] - p["adversary.cost_of_response"] * cred * perceived


def attack_probability(family: Family, cred: float, p: Params) -> float:
    """P(attack) at one opportunity with a fixed family."""
    z = utility(family, cred, p) / p["adversary.choice_noise"]
    return 1.0 / (1.0 + math.exp(-z))


def choose(fixed: Family | None, cred: float, p: Params, rng: np.random.Generator) -> Family | None:
    """The family the adversary attacks with at this opportunity, or ``None`` (it waits)."""
    if fixed is not None:
        return fixed if float(rng.random()) < attack_probability(fixed, cred, p) else None
    noise = p["adversary.choice_noise"]
    utils = np.array([0.0, *(utility(f, cred, p) / noise for f in FAMILIES)])
    weights = np.exp(utils - utils.max())
    pick = int(rng.choice(len(weights), p=weights / weights.sum()))
    return None if pick == 0 else FAMILIES[pick - 1]


def nuclear(p: Params) -> bool:
    return flag(p["adversary.nuclear"])
