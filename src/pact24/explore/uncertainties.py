"""The deep uncertainties: the registry parameters an assessment varies across futures.

An uncertainty is a registry parameter (``pact24.sim.registry.REGISTRY``) sampled over its
plausible range, never a range of its own, so a sampled future is always a parameter set the
registry accepts. :data:`UNCERTAINTIES` is the chosen set: the parameters on which the 24-hour
guarantee's credibility plausibly turns and that no data pins down, each with the reason it is
there. :func:`assumptions` lists every parameter whose source is the word "assumption", for
screening (Morris) before a variance-based analysis of the ones that matter.

Parameters whose range spans more than an order of magnitude are sampled on a log scale
(``log=True``): uniformly in the logarithm, so that a factor of 2 weighs the same at either end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pact24.sim.params import Parameter
from pact24.sim.registry import REGISTRY


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """A registry parameter sampled over its range; ``reason``: why it is uncertain and matters."""

    name: str
    reason: str
    log: bool = False

    def __post_init__(self) -> None:
        prm = REGISTRY.get(self.name)
        if prm is None:
            raise ValueError(f"{self.name}: not a registry parameter")
        if self.log and prm.low <= 0:
            raise ValueError(f"{self.name}: a log scale needs a positive lower bound")

    @property
    def parameter(self) -> Parameter:
        return REGISTRY[self.name]

    def value(self, u: float) -> float:
        """The parameter's value at ``u`` in [0, 1] of its range (uniform, or uniform in log)."""
        lo, hi = self.parameter.low, self.parameter.high
        if self.log:
            return math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        return lo + u * (hi - lo)


UNCERTAINTIES: tuple[Uncertainty, ...] = (
    Uncertainty(
        "attribution.tau_hours.hybrid_incursion",
        "attribution speed of deniable 'green men': the 24 h window may close before anyone "
        "is sure who attacked",
        log=True,
    ),
    Uncertainty(
        "attribution.tau_hours.strike",
        "attribution speed of a strike (Przewodow took a day to read): gates an "
        "on-attribution activation",
        log=True,
    ),
    Uncertainty(
        "guarantor.attribution_needed",
        "how sure a government must be before it sends troops without conditions",
    ),
    Uncertainty(
        "guarantor.escalation_fear.troops",
        "escalation fear: how much a nuclear-armed adversary deters troop commitments",
    ),
    Uncertainty(
        "guarantor.base.troops",
        "baseline will to fight a renewed attack, which no ceasefire guarantee has yet tested",
    ),
    Uncertainty(
        "guarantor.bandwagon_k.DEU",
        "bandwagon threshold of Germany, a large troop offer that waits for others",
    ),
    Uncertainty(
        "guarantor.bandwagon_k.POL",
        "bandwagon threshold of Poland, the largest neighbouring army, read as waiting",
    ),
    Uncertainty(
        "guarantor.legislature_reject_prob",
        "legislatures: a parliament that must approve a deployment may refuse it",
    ),
    Uncertainty(
        "guarantor.deadline_speedup",
        "deadline speed-up: how much faster governments decide when a deadline is agreed "
        "beforehand (no history of 24 h deadlines to fit it to)",
        log=True,
    ),
    Uncertainty(
        "guarantor.deadline_silence_prob",
        "whether a guarantor obliged to answer by the deadline lets it pass in silence",
    ),
    Uncertainty(
        "guarantor.unfinished_commit_prob",
        "whether a willing government still deciding commits by the deadline or lets it pass "
        "(nothing measured; moves P(honoured) as much as the window's length, docs/model.md)",
    ),
    Uncertainty(
        "guarantor.election_near_prob",
        "how often a crisis meets a guarantor close to an election",
    ),
    Uncertainty(
        "disinformation.slowdown",
        "disinformation strength: how much a campaign slows attribution",
    ),
    Uncertainty(
        "disinformation.opinion_shift",
        "disinformation strength: how much a campaign lowers public willingness",
    ),
    Uncertainty(
        "adversary.cost_of_response",
        "adversary boldness: what it expects the guarantors' response to cost it",
    ),
    Uncertainty(
        "adversary.prior_strength",
        "adversary boldness: how firmly it holds its first estimate of the guarantee",
        log=True,
    ),
    Uncertainty(
        "adversary.nuclear_signal_prob",
        "whether the adversary brandishes nuclear weapons during the window",
    ),
    Uncertainty(
        "delivery.high_days_max",
        "readiness: how late high-readiness troops arrive once sent",
    ),
    Uncertainty(
        "front.ukraine_forces.overt_invasion",
        "Ukraine's own forces in the attacked sector, which set how many troops are needed",
        log=True,
    ),
)


def assumptions(*, flags: bool = False) -> tuple[Uncertainty, ...]:
    """Every registry parameter whose source says "assumption", as uncertainties over its range
    (the reason is its source). 0/1 switches are left out unless ``flags``: a switch chooses a
    variant of the model and has no range to screen."""
    return tuple(
        Uncertainty(p.name, p.source)
        for p in REGISTRY.values()
        if p.is_assumption and p.high > p.low and (flags or not p.flag)
    )
