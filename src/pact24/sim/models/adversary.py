"""The adversary: whether to attack, with which family, and how it learns from the response.

The adversary holds one Beta belief per attack family: its estimate that an attack of that family
meets a response (the guarantee is honoured). The prior mean is set by what it can see before any
attack, the posture (stationed forces and membership are visible commitments) and whether the
design has a deadline, times ``perceived_f``, how likely it thinks a family is to trigger the
guarantee relative to an overt invasion (hybrid and salami attacks are built to stay below the
threshold). Each crisis of family ``g`` is evidence about every family ``f``, weighted by the
learning weight ``w`` and by how far the design links ``g`` to ``f``::

    alpha_f = m_f * n0 + w * sum(link(f, g) for each crisis g that met a response)
    beta_f  = (1 - m_f) * n0 + w * sum(link(f, g) for each crisis g that met none)

``link(f, f) = 1``. Between families the design decides: when its answer may wait on attribution
(activation on attribution, or ``attribution_confirmed`` conditions), a deniable attack (green men,
salami, disinformation) meets a different rule in practice from an attributed one (an invasion, a
strike), so a probe with green men says little about the answer to tanks
(``evidence_link.apart``); families the rule treats alike share more (``evidence_link.alike``).
So an unanswered probe lowers the estimate for the next, bigger step only as far as the design
links them: calling the bluff.

At each opportunity (one a year by default; salami steps come faster) the adversary weighs each
family ``f``::

    U_f = gain_f - cost_of_response * credibility_f

With a fixed family it attacks with probability ``logistic(U_f / noise)``; in the ``adaptive``
scenario it picks among waiting (``U = 0``) and the five families by a logit choice with the same
noise. The first crisis of a run comes before any learning, so nothing about it depends on ``w``;
the learning shows in later opportunities (campaign columns).

An *informed* adversary (``adversary.informed = 1``) knows the coalition's true willingness: its
prior for each family and posture is what it would have learnt from watching
``informed_pilot_crises`` crises of that family against that posture (the runner plays them,
``sim/reference/campaign.py``). A nuclear-armed adversary may issue a nuclear warning during a
window.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from pact24.designs.schema import Design
from pact24.sim.models.scenario import FAMILIES, Family
from pact24.sim.params import ASSUMPTION, Parameter, Params, flag
from pact24.vocab import ConditionKind, PostureKind

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
        "assumption: the range spans a divided literature, from past actions not mattering (0) "
        "to one crisis outweighing the prior (Tingley & Walter 2011, 'The Effect of Repeated Play "
        "on Reputation Building', International Organization: the field 'remains divided on "
        "whether, when, and how reputation matters')",
        "How many observations one crisis counts for in the adversary's belief",
    ),
    Parameter(
        "adversary.evidence_link.alike",
        0.7,
        0.0,
        1.0,
        "share",
        "assumption: the same rule meets both families, so what happened to one is most of what "
        "the adversary can learn about the other; the rest is the families' own politics",
        "How much of a crisis's evidence counts toward the belief about another family that the "
        "design's rule treats alike",
    ),
    Parameter(
        "adversary.evidence_link.apart",
        0.25,
        0.0,
        1.0,
        "share",
        "assumption, after the seed ('green men' meet 'a long period of diplomatic wrangling'): "
        "an unanswered deniable probe may only show that attribution was contested, not what an "
        "attributed invasion would meet",
        "How much of a crisis's evidence counts toward the belief about another family when the "
        "design's answer may wait on attribution and one family is deniable and the other not",
    ),
    Parameter(
        "adversary.informed",
        0.0,
        0.0,
        1.0,
        "flag",
        "assumption: a variant, not an estimate; the adversary knows the coalition's true "
        "willingness (intelligence on allied deliberations), the bound of what learning can reach",
        "Whether the adversary knows the true response rate of every family and posture (1) or "
        "learns it from crises (0)",
        flag=True,
    ),
    Parameter(
        "adversary.informed_pilot_crises",
        100.0,
        20.0,
        1000.0,
        "crises",
        "assumption: numerical; 100 crises put the informed estimate within about 0.05 (one "
        "standard error) of the true response rate",
        "How many crises of each family and posture the informed adversary's knowledge is worth",
        integer=True,
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


DENIABLE = frozenset({Family.HYBRID_INCURSION, Family.SALAMI, Family.DISINFORMATION})
"""Families whose incidents are, all or in part, hybrid incursions: attributed over days
(``sim/models/attribution.py``), so a design that waits on attribution meets them differently."""


@dataclass(frozen=True, slots=True)
class Prior:
    """The adversary's Beta belief about one family's response before any crisis of the run."""

    alpha: float
    beta: float


@dataclass(frozen=True, slots=True)
class Belief:
    """What the adversary has seen: each crisis's family and whether it met a response."""

    seen: tuple[tuple[Family, bool], ...] = ()

    def observe(self, family: Family, responded: bool) -> Belief:
        return Belief((*self.seen, (family, responded)))


def prior_mean(posture: PostureKind, has_deadline: bool, p: Params) -> float:
    """The prior estimate that an overt invasion meets a response, from what it can see."""
    m = p[f"adversary.prior_credibility.{posture.value}"]
    if has_deadline:
        m += p["adversary.window_bonus"]
    return min(max(m, 0.01), 0.99)


def posture_prior(family: Family, posture: PostureKind, has_deadline: bool, p: Params) -> Prior:
    """The uninformed prior for ``family``: the posture's estimate times ``perceived_f``, worth
    ``prior_strength`` observations."""
    m = prior_mean(posture, has_deadline, p) * p[f"adversary.perceived_response.{family.value}"]
    n0 = p["adversary.prior_strength"]
    return Prior(m * n0, (1.0 - m) * n0)


def waits_on_attribution(design: Design) -> bool:
    """Whether the design's answer may wait on attribution: it opens on attribution, or lets an
    answer be conditional on attribution being confirmed."""
    return (
        design.activation.rule == "on_attribution"
        or ConditionKind.ATTRIBUTION_CONFIRMED in design.conditions.allowed
    )


def link(f: Family, g: Family, gated: bool, p: Params) -> float:
    """The share of a crisis of family ``g``'s evidence that counts toward the belief about
    ``f``; ``gated``: the design's answer may wait on attribution (:func:`waits_on_attribution`)."""
    if f is g:
        return 1.0
    if gated and (f in DENIABLE) != (g in DENIABLE):
        return p["adversary.evidence_link.apart"]
    return p["adversary.evidence_link.alike"]


def credibility(belief: Belief, family: Family, prior: Prior, gated: bool, p: Params) -> float:
    """The adversary's posterior mean estimate that an attack of ``family`` meets a response."""
    w = p["adversary.learning_weight"]
    a, b = prior.alpha, prior.beta
    for g, responded in belief.seen:
        x = w * link(family, g, gated, p)
        if responded:
            a += x
        else:
            b += x
    return a / (a + b)


def utility(family: Family, cred: float, p: Params) -> float:
    return p[f"adversary.gain.{family.value}"] - p["adversary.cost_of_response"] * cred


def attack_probability(family: Family, cred: float, p: Params) -> float:
    """P(attack) at one opportunity with a fixed family."""
    z = utility(family, cred, p) / p["adversary.choice_noise"]
    return 1.0 / (1.0 + math.exp(-z))


def choose(
    fixed: Family | None, creds: Mapping[Family, float], p: Params, rng: np.random.Generator
) -> Family | None:
    """The family the adversary attacks with at this opportunity, or ``None`` (it waits);
    ``creds``: its credibility estimate for each family it may choose."""
    if fixed is not None:
        attack = float(rng.random()) < attack_probability(fixed, creds[fixed], p)
        return fixed if attack else None
    noise = p["adversary.choice_noise"]
    utils = np.array([0.0, *(utility(f, creds[f], p) / noise for f in FAMILIES)])
    weights = np.exp(utils - utils.max())
    pick = int(rng.choice(len(weights), p=weights / weights.sum()))
    return None if pick == 0 else FAMILIES[pick - 1]


def informed(p: Params) -> bool:
    return flag(p["adversary.informed"])


def nuclear(p: Params) -> bool:
    return flag(p["adversary.nuclear"])
