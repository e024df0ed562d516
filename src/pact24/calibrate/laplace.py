"""Fitting the guarantor timing model: posterior mode (MAP) and a Laplace approximation.

The likelihood is the timing model's own (:func:`pact24.calibrate.likelihood.marginal_loglik`):
each observed lag ``d`` is interval-censored to ``[d, d+1)`` days, each censored row contributes
``log S(c)``, and the rows of one crisis share a crisis effect that is integrated out
(Gauss-Hermite quadrature). Normal priors (:func:`pact24.sim.models.timing.default_prior`)
regularise the ~100 rows. The posterior covariance is the inverse Hessian of the negative
log-posterior at the mode (central differences of the analytic gradient). The nested choice of
the family and the predictive scale around this fit is :mod:`pact24.calibrate.fit`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from pact24.calibrate.likelihood import marginal_loglik
from pact24.sim.models.timing import (
    DEFAULT_FAMILY,
    PARAMS,
    DesignMatrix,
    TimingModel,
    default_prior,
)

#: Gauss-Hermite nodes for the crisis effect in the full fit (96 gave the same log-likelihood
#: on the shipped data to 1e-11, at twice the cost).
N_NODES = 48


@dataclass(frozen=True)
class FitResult:
    """A fitted model and how the optimisation went."""

    model: TimingModel
    log_posterior: float
    log_likelihood: float
    converged: bool
    iterations: int
    message: str


def prior_arrays(prior: Mapping[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    missing = [p for p in PARAMS if p not in prior]
    if missing:
        raise ValueError(f"prior lacks {missing}")
    mean = np.array([prior[p][0] for p in PARAMS], dtype=np.float64)
    sd = np.array([prior[p][1] for p in PARAMS], dtype=np.float64)
    if np.any(sd <= 0):
        raise ValueError("prior sds must be > 0")
    return mean, sd


def neg_log_posterior(
    theta: np.ndarray,
    family: str,
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    prior_mean: np.ndarray,
    prior_sd: np.ndarray,
    n_nodes: int = N_NODES,
) -> tuple[float, np.ndarray]:
    """``-(log lik + log prior)`` (up to a constant) and its gradient."""
    ll, grad = marginal_loglik(family, theta, design, lo, hi, groups, n_nodes)
    r = (theta - prior_mean) / prior_sd
    value = -float(np.sum(ll)) + 0.5 * float(r @ r)
    g = -grad + r / prior_sd
    if not math.isfinite(value):
        return 1e300, np.zeros_like(theta)
    return value, g


def _hessian(fun_grad: Any, theta: np.ndarray, step: float = 1e-4) -> np.ndarray:
    p = theta.size
    h = np.empty((p, p))
    for i in range(p):
        e = np.zeros(p)
        e[i] = step
        h[i] = (fun_grad(theta + e)[1] - fun_grad(theta - e)[1]) / (2 * step)
    return 0.5 * (h + h.T)


def fit_arrays(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    family: str = DEFAULT_FAMILY,
    prior: Mapping[str, tuple[float, float]] | None = None,
    meta: Mapping[str, Any] | None = None,
    theta0: np.ndarray | None = None,
    n_nodes: int = N_NODES,
    predictive_scale: float = 1.0,
    precise: bool = True,
) -> FitResult:
    """Fit on arrays: ``lo <= T < hi`` per row (``hi = inf`` for right-censored rows);
    ``groups`` (codes 0..G-1) says which rows share a crisis (``None``: one crisis per row).

    ``theta0`` is a starting point (default: the prior means, intercept at the mean log-lag),
    ``n_nodes`` the quadrature size for the crisis effect; ``predictive_scale`` is stored in the
    model as given (:func:`fit_events` estimates it). ``precise=False`` (the inner fits of the
    nested calibration, started at the full fit's mode) uses BFGS to a gradient of 1e-6 and
    skips the Newton polish."""
    pri = dict(prior) if prior is not None else default_prior(family)
    mean, sd = prior_arrays(pri)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.arange(design.n) if groups is None else np.asarray(groups, dtype=np.int64)

    def fg(t: np.ndarray) -> tuple[float, np.ndarray]:
        return neg_log_posterior(t, family, design, lo, hi, g, mean, sd, n_nodes)

    if theta0 is None:
        start = mean.copy()
        obs = np.isfinite(hi)
        if np.any(obs):
            start[0] = float(np.mean(np.log(0.5 * (lo[obs] + hi[obs]))))
    else:
        start = np.asarray(theta0, dtype=np.float64).copy()
    if precise:
        res = optimize.minimize(
            fg,
            start,
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 10_000, "maxfun": 20_000, "ftol": 1e-10, "gtol": 1e-5},
        )
    else:  # from a warm start BFGS needs few iterations (and no LAPACK call per iteration)
        res = optimize.minimize(
            fg, start, jac=True, method="BFGS", options={"maxiter": 2_000, "gtol": 1e-6}
        )
    theta = np.asarray(res.x, dtype=np.float64)
    # Newton steps polish the mode to a gradient of ~1e-9 (the log-posterior is smooth and
    # nearly quadratic there, so L-BFGS-B need only get close); the Hessian is recomputed at the
    # polished mode if the polish moved it by more than 1e-3.
    hess = _hessian(fg, theta)
    moved = 0.0
    for _ in range(5 if precise else 0):
        value, grad = fg(theta)
        if float(np.max(np.abs(grad))) < 1e-9:
            break
        try:
            trial = theta - np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            break
        if fg(trial)[0] > value + 1e-12:
            break
        moved = max(moved, float(np.max(np.abs(trial - theta))))
        theta = trial
    if moved > 1e-3:
        hess = _hessian(fg, theta)
    vals, vecs = np.linalg.eigh(hess)
    vals = np.clip(vals, 1e-8, None)
    cov = (vecs / vals) @ vecs.T
    value = fg(theta)[0]
    ll, _ = marginal_loglik(family, theta, design, lo, hi, g, n_nodes)
    grad_norm = float(np.max(np.abs(fg(theta)[1])))
    info = dict(meta or {})
    info.update(
        {
            "n_rows": int(design.n),
            "n_crises": int(g.max()) + 1 if g.size else 0,
            "n_censored": int(np.sum(~np.isfinite(hi))),
            "log_likelihood": round(float(np.sum(ll)), 6),
            "max_abs_gradient": grad_norm,
            "method": (
                "MAP (L-BFGS-B + Newton polish), Laplace covariance"
                if precise
                else "MAP (BFGS, no polish), Laplace covariance"
            ),
        }
    )
    model = TimingModel.from_theta(
        family, theta, covariance=cov, prior=pri, meta=info, predictive_scale=predictive_scale
    )
    return FitResult(
        model=model,
        log_posterior=-value,
        log_likelihood=float(np.sum(ll)),
        converged=bool(res.success) or grad_norm < 1e-5,
        iterations=int(res.nit),
        message=str(res.message),
    )
