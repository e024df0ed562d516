"""Predict each historical case with the guarantor model and score it against what happened.

Per case and run, each guarantor draws the guarantor model's troop willingness
(:func:`pact24.sim.models.guarantor.static_willingness` and ``willing``: troop base, severity,
attribution, escalation fear of a nuclear-armed adversary less its own deterrent's relief, an
election close, public opinion) and its time to a troop decision from the calibrated timing model
(:func:`pact24.sim.models.lags.sample_crises`, one crisis draw shared by the case's guarantors)
with the case's covariates. It has committed troops by a horizon if it is willing, its decision
came before the horizon and, where the case needs a vote in parliament, the vote passed
(``guarantor.legislature_reject_prob``). The prediction is the share of runs in which at least
one guarantor did.

What the backcast leaves out, and why: the stance readings and bandwagon thresholds (they are
readings of today's coalition; a historical guarantor gets ``guarantor.stance.default``), the
attribution gate and the conditions of a deliberation (no historical guarantor answered inside a
pre-agreed window). A contested attack is read as belief 0.5 (no better than a guess), a clear
one as ``attribution.ceiling``.

Scores: the Brier score (mean squared error of the probability against the 0/1 outcome) of the
model and of a base rate, the share of the *other* cases with the outcome (leave-one-out, so the
baseline does not see the case it predicts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pact24.sim.backcast.cases import HORIZONS, Case
from pact24.sim.models.guarantor import GuarantorParams, static_willingness, willing
from pact24.sim.models.lags import sample_crises
from pact24.sim.models.states import Profile
from pact24.sim.models.timing import LagCovariates, TimingModel, design_matrix
from pact24.sim.params import Params
from pact24.vocab import Instrument, Severity

_CONTESTED_BELIEF = 0.5


@dataclass(frozen=True, slots=True)
class Prediction:
    """P(at least one guarantor commits troops) per horizon, with its Monte Carlo standard error."""

    case: Case
    prob: tuple[float, ...]
    se: tuple[float, ...]
    base_rate: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Backcast:
    """Every case's prediction and the Brier scores per horizon."""

    predictions: tuple[Prediction, ...]
    brier_model: tuple[float, ...]
    brier_base: tuple[float, ...]
    difference_se: tuple[float, ...]
    """Standard error of the mean per-case difference of squared errors (model - base rate):
    with a dozen cases, a difference smaller than about two of these is not evidence."""
    runs: int
    seed: int

    def model_wins(self) -> tuple[bool, ...]:
        """Per horizon: whether the model's Brier score is below the base rate's."""
        return tuple(m < b for m, b in zip(self.brier_model, self.brier_base, strict=True))


def _covariates(case: Case) -> LagCovariates:
    return LagCovariates(
        instrument=Instrument.TROOPS.value,
        stage="decision",
        n_deciders=1,
        commitment=case.commitment,
        attribution=case.attribution,
        severity=case.severity,
        nuclear_adversary=case.nuclear_adversary,
        legislature_required=case.legislature_required,
    )


def _profile(case: Case, iso3: str, p: Params) -> Profile:
    return Profile(
        iso3=iso3,
        name=iso3,
        delegate="",
        legislature=case.legislature_required,
        stance=p["guarantor.stance.default"],
        bandwagon_k=0,
        retroactive=0.0,
        own_nuclear=iso3 in case.nuclear_guarantors,
    )


def committed_by(
    case: Case, p: Params, model: TimingModel, rng: np.random.Generator, runs: int
) -> np.ndarray:
    """``(runs, len(HORIZONS))`` booleans: whether at least one guarantor committed troops."""
    gp = GuarantorParams.from_params(p)
    n_g = len(case.guarantors)
    design = design_matrix([_covariates(case)] * n_g)
    lags = sample_crises(model, design, rng, runs)  # (runs, n_g) days
    belief = p["attribution.ceiling"] if case.attribution == "clear" else _CONTESTED_BELIEF
    severity = Severity(case.severity)
    profiles = [_profile(case, g, p) for g in case.guarantors]
    will = np.zeros((runs, n_g), dtype=bool)
    for r in range(runs):
        for g, prof in enumerate(profiles):
            z = static_willingness(
                gp,
                prof,
                instrument=Instrument.TROOPS,
                severity=severity,
                nuclear_adversary=case.nuclear_adversary,
                election_near=bool(rng.random() < gp.election_near_prob),
                opinion=float(rng.normal(0.0, gp.opinion_sd)),
                disinformation=False,
            )
            will[r, g] = willing(
                gp, z, Instrument.TROOPS, belief=belief, warned=False, u=float(rng.random())
            )
    if case.legislature_required:
        will &= rng.random((runs, n_g)) >= gp.reject_prob
    horizons = np.array([days for _, days in HORIZONS])
    by = will[:, :, None] & (lags[:, :, None] < horizons[None, None, :])
    return np.asarray(by.any(axis=1))


def brier(prob: Sequence[float], outcome: Sequence[bool]) -> float:
    """Mean squared difference between the probabilities and the 0/1 outcomes."""
    p = np.asarray(prob, dtype=float)
    y = np.asarray(outcome, dtype=float)
    return float(np.mean((p - y) ** 2))


def difference_se(prob: Sequence[float], base: Sequence[float], outcome: Sequence[bool]) -> float:
    """Standard error of the mean of ``(prob - y)^2 - (base - y)^2`` over the cases."""
    y = np.asarray(outcome, dtype=float)
    d = (np.asarray(prob, dtype=float) - y) ** 2 - (np.asarray(base, dtype=float) - y) ** 2
    return float(np.std(d, ddof=1) / np.sqrt(len(d)))


def leave_one_out_rates(outcome: Sequence[bool]) -> list[float]:
    """For each case, the share of the other cases with the outcome."""
    y = np.asarray(outcome, dtype=float)
    n = len(y)
    if n < 2:
        raise ValueError("a leave-one-out base rate needs at least two cases")
    return [float((y.sum() - y[i]) / (n - 1)) for i in range(n)]


def backcast(
    cases: Sequence[Case],
    p: Params,
    model: TimingModel | None = None,
    runs: int = 2000,
    seed: int = 2026,
) -> Backcast:
    """Predict every case (case ``i`` uses ``SeedSequence(seed).spawn(n)[i]``) and score it."""
    model = model or TimingModel.default()
    seeds = np.random.SeedSequence(seed).spawn(len(cases))
    probs, ses = [], []
    for case, s in zip(cases, seeds, strict=True):
        hit = committed_by(case, p, model, np.random.default_rng(s), runs)
        prob = hit.mean(axis=0)
        probs.append(tuple(float(x) for x in prob))
        ses.append(tuple(float(x) for x in np.sqrt(prob * (1.0 - prob) / runs)))
    n_h = len(HORIZONS)
    outcomes = [[c.troops[h] for c in cases] for h in range(n_h)]
    base = [leave_one_out_rates(outcomes[h]) for h in range(n_h)]
    preds = tuple(
        Prediction(case, probs[i], ses[i], tuple(base[h][i] for h in range(n_h)))
        for i, case in enumerate(cases)
    )
    return Backcast(
        predictions=preds,
        brier_model=tuple(brier([pr[h] for pr in probs], outcomes[h]) for h in range(n_h)),
        brier_base=tuple(brier(base[h], outcomes[h]) for h in range(n_h)),
        difference_se=tuple(
            difference_se([pr[h] for pr in probs], base[h], outcomes[h]) for h in range(n_h)
        ),
        runs=runs,
        seed=seed,
    )
