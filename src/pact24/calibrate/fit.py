"""Fitting the guarantor timing model: posterior mode (MAP) and a Laplace approximation.

The likelihood is the timing model's own (:func:`pact24.sim.models.timing.marginal_loglik`):
each observed lag ``d`` is interval-censored to ``[d, d+1)`` days, each censored row contributes
``log S(c)``, and the rows of one crisis share a crisis effect that is integrated out
(Gauss-Hermite quadrature). Normal priors (:func:`pact24.sim.models.timing.default_prior`)
regularise the ~70 rows. The posterior covariance is the inverse Hessian of the negative
log-posterior at the mode (central differences of the analytic gradient).

Predictive scale (nested calibration)
-------------------------------------
A model fitted to some crises is too sure of itself on a crisis it has not seen (its crisis
spread ``tau`` is estimated near 0: with ~10 crises the crisis-level covariates absorb the
differences between them). :func:`fit_events` therefore also estimates one predictive scale
``kappa`` (multiplying ``sigma`` and ``tau`` in predictions, see
:class:`pact24.sim.models.timing.TimingModel`) by an *inner* leave-one-crisis-out over the crises
it is given: for each of them, the model is refitted on the others and every held-out row is
scored for each ``kappa`` in :data:`SCALE_GRID` by its log score, ``-log P(d <= T < d + 1)``
(``-log P(T >= c)`` for a censored row); the ``kappa`` with the smallest mean log score over all
inner held-out rows is kept (ties: the smaller). Only the rows passed to :func:`fit_events` are
used, so when the backtest calls it on the training crises of a fold, the held-out crisis plays
no part.

Why the log score: it is the held-out predictive likelihood (the usual criterion for Bayesian
model comparison), it judges the whole distribution the simulator samples (including
``P(T < 1 day)``, not only an 80 % interval), it scores the censored rows, and it is the same
whether lags are measured in days or log-days. An interval score in days, the criterion before,
was half decided by the five longest held-out lags out of 98 and chose intervals that covered
about 67 % of held-out rows (``docs/calibration.md``). The inner interval score and coverage of
every ``kappa`` are still computed and kept in the model's ``meta`` for information.

Error family (nested choice)
----------------------------
The error family is chosen the same way, by the same inner leave-one-crisis-out and the same
criterion: with ``family=None`` (the default) :func:`fit_events` fits every family of
:data:`FAMILY_CANDIDATES` (each with its own default prior) to the rows it is given, runs the
inner leave-one-crisis-out of each over the ``kappa`` grid, and keeps the ``(family, kappa)``
pair with the smallest inner mean log score (ties: the earlier family in
:data:`FAMILY_CANDIDATES`, then the smaller ``kappa``). The chosen family and the inner scores of
every family are stored in the model's ``meta["family_selection"]``. Since the backtest calls
:func:`fit_events` per fold, each fold chooses its family from its training crises only. With
fewer than 3 crises there is nothing to choose on and the fit falls back to
:data:`pact24.sim.models.timing.DEFAULT_FAMILY` (``kappa`` 1).

The power-law families, ``loglogistic`` and ``frechet``, are not candidates (either can still be
fixed with ``family=...``): their upper tail falls like ``t^(-1/sigma)``, so with a log-scale
spread ``sigma >= 1`` (both fits on the shipped data have it) the lag has no finite mean, and with
``sigma >= 2`` no finite CRPS in days: the simulator's mean delays and one of the backtest's scores
would not exist. The candidates, ``lognormal`` and ``weibull``, have every moment for any
``sigma``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy import optimize

from pact24.calibrate.events import EventTable
from pact24.calibrate.scores import interval_score
from pact24.sim.models.timing import (
    DEFAULT_FAMILY,
    FAMILIES,
    FEATURES,
    PARAMS,
    DesignMatrix,
    TimingModel,
    default_prior,
    marginal_loglik,
)

#: Candidate predictive scales for the nested calibration (fixed in advance).
SCALE_GRID: tuple[float, ...] = tuple(round(0.8 + 0.1 * i, 1) for i in range(13))  # 0.8 .. 2.0
#: Central interval whose interval score and coverage the nested calibration reports.
SCALE_INTERVAL = 0.8
#: Candidate error families for the nested choice: the light-tailed ones, whose lag has a finite
#: mean and CRPS whatever its scale (see the module docstring).
FAMILY_CANDIDATES: tuple[str, ...] = ("lognormal", "weibull")
#: What the nested choice of family and ``kappa`` minimises.
CRITERION = (
    "mean log score -log P(d <= T < d + 1) (-log P(T >= c) if censored), "
    "inner leave-one-crisis-out over the fitted crises"
)
#: Gauss-Hermite nodes for the crisis effect in the full fit and in the inner (calibration) fits.
N_NODES = 96
INNER_N_NODES = 32


@dataclass(frozen=True)
class FitResult:
    """A fitted model and how the optimisation went."""

    model: TimingModel
    log_posterior: float
    log_likelihood: float
    converged: bool
    iterations: int
    message: str


def _prior_arrays(prior: Mapping[str, tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
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
    mean, sd = _prior_arrays(pri)
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
            options={"maxiter": 10_000, "maxfun": 20_000, "ftol": 1e-13, "gtol": 1e-7},
        )
    else:  # from a warm start BFGS needs few iterations (and no LAPACK call per iteration)
        res = optimize.minimize(
            fg, start, jac=True, method="BFGS", options={"maxiter": 2_000, "gtol": 1e-6}
        )
    theta = np.asarray(res.x, dtype=np.float64)
    # Newton steps polish the mode (the log-posterior is smooth and nearly quadratic there);
    # the Hessian at the polished mode is the Laplace precision.
    hess = _hessian(fg, theta)
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
        theta = trial
    if precise:
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


@dataclass(frozen=True)
class ScaleCalibration:
    """The nested (inner leave-one-crisis-out) estimate of the predictive scale.

    Per ``kappa`` of ``grid``: the mean log score over all inner held-out rows (the criterion),
    and, for information, the mean interval score in days and in log-days and the coverage of the
    central :data:`SCALE_INTERVAL` intervals over the observed ones."""

    kappa: float
    grid: tuple[float, ...]
    mean_log_score: tuple[float, ...]
    mean_interval_score: tuple[float, ...]
    mean_interval_score_log: tuple[float, ...]
    coverage: tuple[float, ...]
    n_rows: int
    n_observed: int
    n_crises: int

    @property
    def best(self) -> int:
        """Index of the chosen ``kappa`` in ``grid``."""
        return self.grid.index(self.kappa)

    def as_meta(self) -> dict[str, Any]:
        return {
            "kappa": self.kappa,
            "criterion": CRITERION,
            "n_rows": self.n_rows,
            "n_observed": self.n_observed,
            "n_crises": self.n_crises,
            "grid": list(self.grid),
            "mean_log_score": [round(v, 5) for v in self.mean_log_score],
            "mean_interval_score": [round(v, 3) for v in self.mean_interval_score],
            "mean_interval_score_log": [round(v, 4) for v in self.mean_interval_score_log],
            "coverage": [round(v, 4) for v in self.coverage],
        }


def calibrate_predictive_scale(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    *,
    family: str = DEFAULT_FAMILY,
    prior: Mapping[str, tuple[float, float]] | None = None,
    theta0: np.ndarray | None = None,
    grid: tuple[float, ...] = SCALE_GRID,
    interval: float = SCALE_INTERVAL,
) -> ScaleCalibration | None:
    """Inner leave-one-crisis-out estimate of ``kappa`` (see the module docstring).

    Uses only the rows given. ``None`` when there are fewer than 3 crises (nothing to learn
    from). Every held-out row enters the log score; only observed rows (an interval score
    needs the lag) enter the interval score and coverage.
    """
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    n_groups = int(g.max()) + 1 if g.size else 0
    if n_groups < 3:
        return None
    alpha = 1.0 - interval
    log_scores: list[list[np.ndarray]] = [[] for _ in grid]
    scores: list[list[np.ndarray]] = [[] for _ in grid]
    scores_log: list[list[np.ndarray]] = [[] for _ in grid]
    covered: list[list[np.ndarray]] = [[] for _ in grid]
    for held in range(n_groups):
        test = g == held
        train = ~test
        inner = fit_arrays(
            design.take(train),
            lo[train],
            hi[train],
            np.unique(g[train], return_inverse=True)[1],
            family=family,
            prior=prior,
            theta0=theta0,
            n_nodes=INNER_N_NODES,
            precise=False,
        ).model
        d_test = design.take(test)
        obs = np.isfinite(hi[test])
        y = lo[test][obs] + 0.5
        for j, kappa in enumerate(grid):
            m = inner.with_predictive_scale(kappa)
            log_scores[j].append(-m.log_prob_batch(d_test, lo[test], hi[test]))
            q_lo = m.quantile_batch(d_test, alpha / 2)[obs]
            q_hi = m.quantile_batch(d_test, 1 - alpha / 2)[obs]
            scores[j].append(interval_score(q_lo, q_hi, y, alpha))
            scores_log[j].append(interval_score(np.log(q_lo), np.log(q_hi), np.log(y), alpha))
            covered[j].append(((q_lo <= y) & (y <= q_hi)).astype(np.float64))
    mean_ls = tuple(float(np.mean(np.concatenate(s))) for s in log_scores)
    observed = np.concatenate(scores[0]).size
    mean_is = tuple(float(np.mean(np.concatenate(s))) if observed else math.nan for s in scores)
    mean_isl = tuple(
        float(np.mean(np.concatenate(s))) if observed else math.nan for s in scores_log
    )
    cover = tuple(float(np.mean(np.concatenate(c))) if observed else math.nan for c in covered)
    best = int(np.argmin(mean_ls))  # first minimum: the smaller kappa on ties
    return ScaleCalibration(
        kappa=float(grid[best]),
        grid=tuple(float(k) for k in grid),
        mean_log_score=mean_ls,
        mean_interval_score=mean_is,
        mean_interval_score_log=mean_isl,
        coverage=cover,
        n_rows=int(np.concatenate(log_scores[0]).size),
        n_observed=int(observed),
        n_crises=n_groups,
    )


@dataclass(frozen=True)
class FamilySelection:
    """The nested (inner leave-one-crisis-out) choice of the error family and its ``kappa``."""

    family: str
    kappa: float
    calibrations: Mapping[str, ScaleCalibration]

    def as_meta(self) -> dict[str, Any]:
        chosen = self.calibrations[self.family]
        families: dict[str, Any] = {}
        for fam, cal in self.calibrations.items():
            j = cal.best
            families[fam] = {
                "kappa": cal.kappa,
                "mean_log_score": round(cal.mean_log_score[j], 5),
                "mean_interval_score": round(cal.mean_interval_score[j], 3),
                "coverage": round(cal.coverage[j], 4),
                "grid_mean_log_score": [round(v, 5) for v in cal.mean_log_score],
            }
        return {
            "family": self.family,
            "kappa": self.kappa,
            "method": "nested",
            "criterion": f"smallest {CRITERION}, over families x kappa grid",
            "n_rows": chosen.n_rows,
            "n_crises": chosen.n_crises,
            "grid": list(chosen.grid),
            "families": families,
        }


def choose_family(calibrations: Mapping[str, ScaleCalibration]) -> FamilySelection:
    """The ``(family, kappa)`` with the smallest inner mean log score; ties go to the family
    listed first in ``calibrations``, then (within a family) to the smaller ``kappa``."""
    if not calibrations:
        raise ValueError("no family to choose from")
    best = min(calibrations, key=lambda f: min(calibrations[f].mean_log_score))
    return FamilySelection(
        family=best, kappa=calibrations[best].kappa, calibrations=dict(calibrations)
    )


def fit_nested(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    *,
    family: str | None = None,
    families: tuple[str, ...] = FAMILY_CANDIDATES,
    prior: Mapping[str, tuple[float, float]] | None = None,
    calibrate_scale: bool = True,
    meta: Mapping[str, Any] | None = None,
) -> FitResult:
    """MAP + Laplace on all rows, then (with ``calibrate_scale``, at least 3 crises) the nested
    choice of the family (``family=None``: among ``families``; a name fixes it) and of ``kappa``
    by the inner leave-one-crisis-out over ``groups`` (see the module docstring). Uses only the
    rows given. ``prior=None`` uses each family's :func:`default_prior`; a given prior is used
    for every family."""
    if family is not None and family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
    if family is None:
        if not calibrate_scale:
            raise ValueError("the nested family choice (family=None) needs calibrate_scale")
        unknown = [f for f in families if f not in FAMILIES]
        if unknown or not families:
            raise ValueError(f"families must be a non-empty subset of {FAMILIES}, got {families}")
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    n_crises = int(g.max()) + 1 if g.size else 0
    info: dict[str, Any] = dict(meta or {})
    if family is not None:
        candidates: tuple[str, ...] = (family,)
    elif n_crises < 3:  # nothing to choose on: the fallback family
        candidates = (DEFAULT_FAMILY,)
        info["family_selection"] = {
            "family": DEFAULT_FAMILY,
            "method": "fallback (fewer than 3 crises: no nested choice)",
        }
    else:
        candidates = tuple(dict.fromkeys(families))
    fits = {f: fit_arrays(design, lo, hi, g, family=f, prior=prior, meta=info) for f in candidates}
    if not calibrate_scale or n_crises < 3:
        return fits[candidates[0]]
    cals: dict[str, ScaleCalibration] = {}
    for f in candidates:
        cal = calibrate_predictive_scale(
            design, lo, hi, g, family=f, prior=prior, theta0=fits[f].model.theta
        )
        if cal is not None:
            cals[f] = cal
    selection = choose_family(cals)
    result = fits[selection.family]
    out = dict(result.model.meta)
    out["predictive_scale"] = cals[selection.family].as_meta()
    if family is None:
        out["family_selection"] = selection.as_meta()
    else:
        out["family_selection"] = {"family": family, "method": "fixed by the caller"}
    model = replace(result.model.with_predictive_scale(selection.kappa), meta=out)
    return replace(result, model=model)


def fit_events(
    events: EventTable,
    *,
    family: str | None = None,
    families: tuple[str, ...] = FAMILY_CANDIDATES,
    prior: Mapping[str, tuple[float, float]] | None = None,
    calibrate_scale: bool = True,
) -> FitResult:
    """Fit the timing model to a validated event table (:func:`fit_nested` on its rows, the
    crises given by its ``crisis`` column): by default the error family and ``kappa`` are chosen
    by the nested inner leave-one-crisis-out; ``family`` fixes the family."""
    lo, hi = events.bounds()
    return fit_nested(
        events.design(),
        lo,
        hi,
        events.groups(),
        family=family,
        families=families,
        prior=prior,
        calibrate_scale=calibrate_scale,
        meta={"data": events.source, "data_sha256": events.sha256},
    )


__all__ = [
    "FAMILY_CANDIDATES",
    "FEATURES",
    "SCALE_GRID",
    "FamilySelection",
    "FitResult",
    "ScaleCalibration",
    "calibrate_predictive_scale",
    "choose_family",
    "fit_arrays",
    "fit_events",
    "fit_nested",
    "neg_log_posterior",
]
