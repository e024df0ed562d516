"""The timing model's likelihood: censoring, gradients, quadrature, and its independence of
the predictive scale."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from tests.sim.timinghelp import SEED, sample_rows, small_model

from pact24.calibrate.likelihood import (
    interval_loglik,
    loglik,
    loglik_rows,
    marginal_loglik,
    observation_bounds,
)
from pact24.sim.models.timing import (
    FAMILIES,
    FEATURES,
    PARAMS,
    LagCovariates,
    design_matrix,
)


def test_censored_row_contributes_log_survival() -> None:
    model = small_model()
    cov = LagCovariates("sanctions", n_deciders=27, attribution="contested", severity="medium")
    d = design_matrix([cov, cov])
    ll = loglik_rows(model, d, [24, 24], [True, False])
    mu = float(d.X[0] @ model.theta[: len(FEATURES)])
    sigma = math.exp(model.log_scale[0])
    assert ll[0] == pytest.approx(stats.norm.logsf((math.log(24) - mu) / sigma), rel=1e-10)
    want_obs = math.log(
        stats.norm.cdf((math.log(25) - mu) / sigma) - stats.norm.cdf((math.log(24) - mu) / sigma)
    )
    assert ll[1] == pytest.approx(want_obs, rel=1e-9)
    # a same-day decision is "T < 1 day"
    ll0 = loglik_rows(model, design_matrix([cov]), [0], [False])[0]
    assert ll0 == pytest.approx(stats.norm.logcdf((0.0 - mu) / sigma), rel=1e-10)


def test_observation_bounds() -> None:
    lo, hi = observation_bounds([0, 5, 24], [False, False, True])
    assert list(lo) == [0, 5, 24] and list(hi) == [1, 6, np.inf]
    with pytest.raises(ValueError):
        observation_bounds([-1], [False])


@pytest.mark.parametrize("family", FAMILIES)
def test_gradients_match_finite_differences(family: str) -> None:
    rng = np.random.default_rng(SEED)
    rows = sample_rows() * 3
    d = design_matrix(rows)
    lag = rng.integers(0, 200, size=d.n).astype(float)
    cens = rng.random(d.n) < 0.2
    lo, hi = observation_bounds(lag, cens)
    groups = np.arange(d.n) % 4
    theta = small_model(family).theta + 0.1 * rng.standard_normal(len(PARAMS))
    eps = 1e-6

    def cond(t: np.ndarray) -> float:
        return float(np.sum(interval_loglik(family, t, d, lo, hi, 0.3)[0]))

    def marg(t: np.ndarray) -> float:
        return float(np.sum(marginal_loglik(family, t, d, lo, hi, groups)[0]))

    for f, grad in (
        (cond, interval_loglik(family, theta, d, lo, hi, 0.3)[1]),
        (marg, marginal_loglik(family, theta, d, lo, hi, groups)[1]),
    ):
        num = np.array(
            [(f(theta + e) - f(theta - e)) / (2 * eps) for e in np.eye(len(PARAMS)) * eps]
        )
        np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-5)


def test_marginal_likelihood_quadrature_and_limits() -> None:
    model = small_model("frechet", tau=0.7)
    d = design_matrix(sample_rows() * 4)
    rng = np.random.default_rng(SEED)
    lag = rng.integers(0, 100, size=d.n).astype(float)
    lo, hi = observation_bounds(lag, np.zeros(d.n, bool))
    groups = np.zeros(d.n, dtype=np.int64)  # one crisis: the hardest integral
    a = marginal_loglik("frechet", model.theta, d, lo, hi, groups)[0]
    b = marginal_loglik("frechet", model.theta, d, lo, hi, groups, n_nodes=200)[0]
    assert a == pytest.approx(b, abs=1e-4)
    # with a negligible crisis effect the marginal likelihood is the conditional one at u = 0
    tiny = model.theta.copy()
    tiny[-1] = math.log(1e-8)
    m = marginal_loglik("frechet", tiny, d, lo, hi, groups)[0].sum()
    c = interval_loglik("frechet", tiny, d, lo, hi)[0].sum()
    assert m == pytest.approx(c, rel=1e-9)


def test_the_likelihood_ignores_the_predictive_scale() -> None:
    """kappa widens predictions only: the likelihood is of the fitted parameters."""
    model = small_model("lognormal")
    wide = model.with_predictive_scale(1.5)
    d = design_matrix(sample_rows())
    lag, cens = np.array([0.0, 3.0, 40.0, 2.0, 9.0, 1.0, 5.0]), np.zeros(7, dtype=bool)
    assert loglik(wide, d, lag, cens) == loglik(model, d, lag, cens)
    np.testing.assert_array_equal(loglik_rows(wide, d, lag, cens), loglik_rows(model, d, lag, cens))
