"""The actor-level effect (an option of the fit, not shipped): it fits on a small table, a
recurring actor's effect follows its data, and an unseen actor's prediction is wider."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from tests.sim.timinghelp import SEED, sample_rows, small_model

from pact24.calibrate.actor import actor_columns, fit_actor, loco_log_scores
from pact24.calibrate.likelihood import marginal_loglik, marginal_loglik_offset
from pact24.sim.models.timing import FEATURES, design_matrix

ACTORS = ("US", "UK", "slow")
SLOW = 1.5  # log-days: the slow actor decides e^1.5 = 4.5 times later


def _table() -> tuple:
    """8 crises x 7 rows (one of each sample row), actors cycling over :data:`ACTORS` and one
    actor seen once; lags drawn from the small model, the ``slow`` actor shifted by SLOW."""
    rng = np.random.default_rng(SEED)
    model = small_model(tau=0.3)
    p = len(FEATURES)
    rows, groups, actors = [], [], []
    for c in range(8):
        for i, cov in enumerate(sample_rows()):
            rows.append(cov)
            groups.append(c)
            actors.append("once" if (c, i) == (0, 0) else ACTORS[(c + i) % 3])
    d = design_matrix(rows)
    u = 0.3 * rng.standard_normal(8)[np.array(groups)]
    shift = np.where(np.array(actors) == "slow", SLOW, 0.0)
    mu = d.X @ model.theta[:p] + u + shift
    sigma = np.exp(d.Z @ model.theta[p:-1])
    lag = np.floor(np.exp(mu + sigma * rng.standard_normal(d.n)))
    return d, lag, lag + 1.0, np.array(groups), actors


def test_offset_likelihood_is_the_plain_one_with_a_shifted_intercept() -> None:
    d, lo, hi, g, _ = _table()
    theta = small_model().theta
    shifted = theta.copy()
    shifted[0] += 0.7
    plain, grad = marginal_loglik("lognormal", shifted, d, lo, hi, g, 32)
    off, grad_off, d_off = marginal_loglik_offset(
        "lognormal", theta, d, lo, hi, g, np.full(d.n, 0.7), 32
    )
    np.testing.assert_allclose(off, plain, rtol=1e-12)
    np.testing.assert_allclose(grad_off, grad, rtol=1e-10, atol=1e-12)
    assert float(np.sum(d_off)) == pytest.approx(grad[0], rel=1e-10)  # intercept column is 1


def test_actor_effect_follows_its_data_and_an_unseen_actor_is_wider() -> None:
    d, lo, hi, g, actors = _table()
    fit = fit_actor(d, lo, hi, g, actors, actor_sd=1.0)
    assert fit.columns == actor_columns(actors) == ("UK", "US", "slow")  # "once": no column
    effect = dict(zip(fit.columns, fit.effects, strict=True))
    assert effect["slow"] > max(effect["US"], effect["UK"]) + 0.5
    assert np.all(fit.effect_sd < fit.actor_sd)
    # one row predicted for the slow actor, a known ordinary one and an unseen one
    row = d.take(np.array([0, 0, 0]))
    who = ["slow", "US", "new"]
    median = math.exp(float(row.X[0] @ fit.model.theta[: len(FEATURES)]))
    below = np.exp(fit.log_prob_batch(row, who, np.zeros(3), np.full(3, median)))
    assert below[0] < below[1] - 0.2  # the slow actor is predicted later
    # centred alike (effects at 0), the unseen actor (sd s_actor) puts less mass near the median
    # than a known one (its posterior sd)
    centred = replace(fit, effects=np.zeros(len(fit.columns)))
    lo3, hi3 = np.full(3, median / 3), np.full(3, median * 3)
    band = np.exp(centred.log_prob_batch(row, who, lo3, hi3))
    assert band[2] < band[1] - 0.02


def test_actor_sd_zero_is_the_model_without_actor_effects() -> None:
    d, lo, hi, g, actors = _table()
    fit = fit_actor(d, lo, hi, g, actors, actor_sd=0.0)
    assert fit.columns == ()
    keep = g < 3  # three crises: three refits
    kept = [a for a, k in zip(actors, keep, strict=True) if k]
    scores = loco_log_scores(
        d.take(keep), lo[keep], hi[keep], g[keep], kept, actor_sd=0.0, kappas=(1.0, 1.5)
    )
    assert scores.shape == (2, int(keep.sum()))
    assert np.all(np.isfinite(scores))
    with pytest.raises(ValueError):
        fit_actor(d, lo, hi, g, actors, actor_sd=-1.0)
