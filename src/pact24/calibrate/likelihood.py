"""The timing model's likelihood, with analytic gradients: what fitting maximises.

Day-precision data (:func:`observation_bounds`): an observed lag ``d`` is ``d <= T < d + 1``, a
censored row ``T >= c``. :func:`interval_loglik` scores rows given the crisis effect ``u``;
:func:`marginal_loglik` integrates the shared ``u ~ Normal(0, tau^2)`` of each crisis out by
Gauss-Hermite quadrature. Both take any parameter vector ordered as
:data:`pact24.sim.models.timing.PARAMS`; :func:`loglik` and :func:`loglik_rows` evaluate them at a
fitted model's mode (never at its predictive scale: the likelihood is of the fitted parameters).
Only calibration needs this, so it lives here and the simulator never imports it.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from pact24.sim.models.timing import (
    FEATURES,
    PARAMS,
    SCALE_FEATURES,
    DesignMatrix,
    FloatArray,
    IntArray,
    TimingModel,
    log_days,
    log_interval_prob,
    log_pdf,
)


def _row_terms(
    family: str, mu: FloatArray, sigma: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``log P(lo <= T < hi)`` and its derivatives in ``mu`` and ``log sigma`` (broadcasting)."""
    za = (log_days(lo) - mu) / sigma
    zb = (log_days(hi) - mu) / sigma
    ll = log_interval_prob(family, za, zb)
    fin_a, fin_b = np.isfinite(za), np.isfinite(zb)
    za0 = np.where(fin_a, za, 0.0)
    zb0 = np.where(fin_b, zb, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        ra = np.where(fin_a, np.exp(log_pdf(family, za0) - ll), 0.0)
        rb = np.where(fin_b, np.exp(log_pdf(family, zb0) - ll), 0.0)
    d_mu = np.asarray(-(rb - ra) / sigma, dtype=np.float64)
    d_logsig = np.asarray(-(rb * zb0 - ra * za0), dtype=np.float64)
    return ll, d_mu, d_logsig


def _split(theta: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """``(beta, gamma, log tau)``: median coefficients, spread coefficients, crisis sd."""
    p = len(FEATURES)
    if theta.shape != (len(PARAMS),):
        raise ValueError(f"theta must have {len(PARAMS)} entries, got {theta.shape}")
    return theta[:p], theta[p : p + len(SCALE_FEATURES)], float(theta[-1])


def interval_loglik(
    family: str,
    theta: FloatArray,
    design: DesignMatrix,
    lo: FloatArray,
    hi: FloatArray,
    crisis_effect: float | FloatArray = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Per-row ``log P(lo <= T < hi)`` given the crisis effect ``u``, and the gradient of the sum.

    ``theta`` is ordered as :data:`PARAMS`. ``lo = 0`` makes a row left-censored, ``hi = inf``
    right-censored (its contribution is ``log S(lo)``). The gradient has ``len(PARAMS)``
    entries (zero for ``log_tau``, which this conditional likelihood does not involve).
    """
    beta, gamma, _ = _split(theta)
    mu = design.X @ beta + np.asarray(crisis_effect, dtype=np.float64)
    sigma = np.exp(design.Z @ gamma)
    ll, d_mu, d_logsig = _row_terms(family, mu, sigma, lo, hi)
    grad = np.zeros(len(PARAMS), dtype=np.float64)
    p = len(FEATURES)
    grad[:p] = design.X.T @ d_mu
    grad[p : p + len(SCALE_FEATURES)] = design.Z.T @ d_logsig
    return ll, grad


@lru_cache(maxsize=16)
def _gauss_hermite(n_nodes: int) -> tuple[FloatArray, FloatArray]:
    """Nodes and log-weights for E[f(Z)], Z ~ Normal(0, 1/2) scaled: ``sum w_k f(x_k)/sqrt(pi)``."""
    x, w = np.polynomial.hermite.hermgauss(n_nodes)
    return np.asarray(x, dtype=np.float64), np.asarray(np.log(w) - 0.5 * math.log(math.pi))


def marginal_loglik(
    family: str,
    theta: FloatArray,
    design: DesignMatrix,
    lo: FloatArray,
    hi: FloatArray,
    groups: IntArray,
    n_nodes: int = 96,
) -> tuple[FloatArray, FloatArray]:
    """Log-likelihood per crisis with the shared crisis effect integrated out, and its gradient.

    Rows with the same ``groups`` value (0..G-1) share one ``u ~ Normal(0, tau^2)``; the integral
    is done by ``n_nodes``-point Gauss-Hermite quadrature. Returns ``(ll_groups (G,), grad)``.
    """
    beta, gamma, log_tau = _split(theta)
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    x, log_w = _gauss_hermite(n_nodes)
    tau = math.exp(log_tau)
    u = math.sqrt(2.0) * tau * x
    mu = (design.X @ beta)[:, None] + u[None, :]
    sigma = np.exp(design.Z @ gamma)[:, None]
    ll, d_mu, d_logsig = _row_terms(family, mu, sigma, lo[:, None], hi[:, None])
    per_group = np.zeros((n_groups, n_nodes), dtype=np.float64)
    np.add.at(per_group, groups, ll)
    a = log_w[None, :] + per_group
    ll_groups = special.logsumexp(a, axis=1)
    omega = np.exp(a - ll_groups[:, None])[groups]  # (n, K) node weights per row's group
    wd_mu = np.sum(omega * d_mu, axis=1)
    grad = np.empty(len(PARAMS), dtype=np.float64)
    p = len(FEATURES)
    grad[:p] = design.X.T @ wd_mu
    grad[p : p + len(SCALE_FEATURES)] = design.Z.T @ np.sum(omega * d_logsig, axis=1)
    grad[-1] = float(np.sum(omega * d_mu * u[None, :]))
    return np.asarray(ll_groups, dtype=np.float64), grad


def group_gradients(
    family: str,
    theta: FloatArray,
    design: DesignMatrix,
    lo: FloatArray,
    hi: FloatArray,
    groups: IntArray,
    n_nodes: int = 96,
) -> FloatArray:
    """``(G, len(PARAMS))``: the gradient of each crisis' marginal log-likelihood (the rows of
    :func:`marginal_loglik`'s gradient before they are summed)."""
    beta, gamma, log_tau = _split(theta)
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    x, log_w = _gauss_hermite(n_nodes)
    u = math.sqrt(2.0) * math.exp(log_tau) * x
    mu = (design.X @ beta)[:, None] + u[None, :]
    sigma = np.exp(design.Z @ gamma)[:, None]
    ll, d_mu, d_logsig = _row_terms(family, mu, sigma, lo[:, None], hi[:, None])
    per_group = np.zeros((n_groups, n_nodes), dtype=np.float64)
    np.add.at(per_group, groups, ll)
    a = log_w[None, :] + per_group
    omega = np.exp(a - special.logsumexp(a, axis=1)[:, None])[groups]
    rows = np.concatenate(
        [
            design.X * np.sum(omega * d_mu, axis=1)[:, None],
            design.Z * np.sum(omega * d_logsig, axis=1)[:, None],
            np.sum(omega * d_mu * u[None, :], axis=1)[:, None],
        ],
        axis=1,
    )
    out = np.zeros((n_groups, len(PARAMS)), dtype=np.float64)
    np.add.at(out, groups, rows)
    return out


def observation_bounds(lag_days: ArrayLike, censored: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(lo, hi)`` for day-precision lags: ``[d, d+1)`` if observed, ``[c, inf)`` if censored."""
    lag = np.asarray(lag_days, dtype=np.float64)
    cens = np.asarray(censored, dtype=bool)
    if np.any(lag < 0) or not np.all(np.isfinite(lag)):
        raise ValueError("lag_days must be finite and >= 0")
    hi = np.where(cens, np.inf, lag + 1.0)
    return lag.copy(), np.asarray(hi, dtype=np.float64)


def group_codes(groups: ArrayLike) -> IntArray:
    """Integer codes 0..G-1 for any labels (first appearance order)."""
    labels = list(np.asarray(groups).tolist())
    codes: dict[object, int] = {}
    return np.array([codes.setdefault(g, len(codes)) for g in labels], dtype=np.int64)


def loglik_rows(
    model: TimingModel,
    design: DesignMatrix,
    lag_days: ArrayLike,
    censored: ArrayLike,
    crisis_effect: float = 0.0,
) -> FloatArray:
    """Per-row log-likelihood at ``model``'s mode given the crisis effect (default 0): an
    observed day ``d`` gives ``log P(d <= T < d + 1)``, a censored row ``log S(c)``."""
    lo, hi = observation_bounds(lag_days, censored)
    ll, _ = interval_loglik(model.family, model.theta, design, lo, hi, crisis_effect)
    return ll


def loglik(
    model: TimingModel,
    design: DesignMatrix,
    lag_days: ArrayLike,
    censored: ArrayLike,
    groups: ArrayLike | None = None,
) -> float:
    """Log-likelihood at ``model``'s mode, the crisis effect integrated out per group
    (``groups``: one label per row; ``None``: every row its own crisis)."""
    lo, hi = observation_bounds(lag_days, censored)
    g = np.arange(design.n) if groups is None else group_codes(groups)
    ll, _ = marginal_loglik(model.family, model.theta, design, lo, hi, g)
    return float(np.sum(ll))
