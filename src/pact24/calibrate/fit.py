"""Fitting the guarantor timing model: the MAP fit (:mod:`pact24.calibrate.laplace`) with its
error family and predictive scale chosen by a nested leave-one-crisis-out.

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

The inner refits (:func:`leave_one_crisis_out_fits`) start at the mode of the fit on all the
rows given, with the exact curvature of the posterior without the held-out crisis, and run to
the same mode as a refit from scratch; only their Laplace covariance is taken at the starting
mode. This made the inner leave-one-crisis-out about five times cheaper when issue 11 brought
the table to 199 rows and 28 crises (before, each inner fit computed its own Hessian).

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
from functools import partial
from typing import Any

import numpy as np
from scipy import optimize

from pact24.calibrate.events import EventTable
from pact24.calibrate.laplace import FitResult, fit_arrays, neg_log_posterior, prior_arrays
from pact24.calibrate.likelihood import group_gradients
from pact24.calibrate.scores import interval_score
from pact24.sim.models.timing import (
    DEFAULT_FAMILY,
    FAMILIES,
    DesignMatrix,
    TimingModel,
    default_prior,
)

#: Candidate predictive scales for the nested calibration (fixed in advance).
SCALE_GRID: tuple[float, ...] = tuple(round(0.8 + 0.1 * i, 1) for i in range(13))  # 0.8 .. 2.0
#: Central interval whose interval score and coverage the nested calibration reports.
SCALE_INTERVAL = 0.8
#: Candidate error families for the nested choice. Since issue 11 only the log-normal: it won
#: every fold of the previous backtest against Weibull (the other light-tailed family, whose lag
#: has a finite mean and CRPS whatever its scale; see the module docstring), and dropping
#: Weibull halves the cost of every fit. ``families=(...)`` still offers a choice.
FAMILY_CANDIDATES: tuple[str, ...] = ("lognormal",)
#: What the nested choice of family and ``kappa`` minimises.
CRITERION = (
    "mean log score -log P(d <= T < d + 1) (-log P(T >= c) if censored), "
    "inner leave-one-crisis-out over the fitted crises"
)
#: Gauss-Hermite nodes for the crisis effect in the inner (calibration) fits.
INNER_N_NODES = 32
#: The gradient at which an inner refit has converged.
INNER_GTOL = 1e-6


def leave_one_crisis_out_fits(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    theta: np.ndarray,
    *,
    family: str,
    prior: Mapping[str, tuple[float, float]] | None = None,
) -> list[TimingModel]:
    """The model refitted without each crisis in turn (crisis ``c`` -> entry ``c``).

    Each refit is BFGS on the posterior of the other crises, started at ``theta`` (the mode on
    all the rows given) with the inverse of an exact Hessian as its first curvature: the
    Hessian of the whole posterior at ``theta`` less the held-out crisis' part. The per-crisis
    parts come from one pass of central differences over per-crisis gradients, so the refits
    need one Hessian in all instead of one each. BFGS runs to a gradient of
    :data:`INNER_GTOL`, so the mode is the refit's own; its Laplace covariance is the inverse
    of that Hessian (at ``theta``, not at the refit's mode: the one approximation, worth at
    most a few hundredths in a held-out row's log score on the shipped data). Where that
    Hessian is not positive definite (``theta`` is far from the refit's mode: small tables),
    the refit is done from scratch by :func:`fit_arrays`, with the Hessian at its own mode.
    Only the rows given are used."""
    pri = dict(prior) if prior is not None else default_prior(family)
    mean, sd = prior_arrays(pri)
    g = np.asarray(groups, dtype=np.int64)
    n_groups = int(g.max()) + 1
    step = 1e-4
    n_par = theta.size
    parts = np.empty((n_groups, n_par, n_par))
    for j in range(n_par):
        e = np.zeros(n_par)
        e[j] = step
        up = group_gradients(family, theta + e, design, lo, hi, g, INNER_N_NODES)
        down = group_gradients(family, theta - e, design, lo, hi, g, INNER_N_NODES)
        parts[:, :, j] = -(up - down) / (2 * step)
    parts = 0.5 * (parts + parts.transpose(0, 2, 1))
    full = parts.sum(axis=0) + np.diag(1.0 / sd**2)
    models = []
    for held in range(n_groups):
        train = g != held
        d_tr, lo_tr, hi_tr = design.take(train), lo[train], hi[train]
        g_tr = np.unique(g[train], return_inverse=True)[1]
        vals, vecs = np.linalg.eigh(full - parts[held])
        if float(vals.min()) <= 0.0:  # not a maximum there: refit from scratch, own Hessian
            models.append(
                fit_arrays(
                    d_tr,
                    lo_tr,
                    hi_tr,
                    g_tr,
                    family=family,
                    prior=pri,
                    theta0=theta,
                    n_nodes=INNER_N_NODES,
                    precise=False,
                ).model
            )
            continue
        cov = (vecs / vals) @ vecs.T
        cov = 0.5 * (cov + cov.T)
        objective = partial(
            neg_log_posterior,
            family=family,
            design=d_tr,
            lo=lo_tr,
            hi=hi_tr,
            groups=g_tr,
            prior_mean=mean,
            prior_sd=sd,
            n_nodes=INNER_N_NODES,
        )
        res = optimize.minimize(
            objective,
            theta,
            jac=True,
            method="BFGS",
            options={"hess_inv0": cov, "gtol": INNER_GTOL, "maxiter": 2_000},
        )
        models.append(TimingModel.from_theta(family, res.x, covariance=cov, prior=pri))
    return models


@dataclass(frozen=True)
class ScaleCalibration:
    """The nested (inner leave-one-crisis-out) estimate of the predictive scale.

    Per ``kappa`` of ``grid``: the mean log score over all inner held-out rows (the criterion),
    and, for information, the mean interval score in days and in log-days and the coverage of the
    central :data:`SCALE_INTERVAL` intervals over the observed ones (NaN for every ``kappa`` but
    the chosen one unless asked for: they cost most of the calibration's time)."""

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
        j = self.best
        return {
            "kappa": self.kappa,
            "criterion": CRITERION,
            "n_rows": self.n_rows,
            "n_observed": self.n_observed,
            "n_crises": self.n_crises,
            "grid": list(self.grid),
            "mean_log_score": [round(v, 5) for v in self.mean_log_score],
            "mean_interval_score": round(self.mean_interval_score[j], 3),
            "mean_interval_score_log": round(self.mean_interval_score_log[j], 4),
            "coverage": round(self.coverage[j], 4),
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
    intervals_on_grid: bool = False,
) -> ScaleCalibration | None:
    """Inner leave-one-crisis-out estimate of ``kappa`` (see the module docstring).

    Uses only the rows given. ``None`` when there are fewer than 3 crises (nothing to learn
    from). Every held-out row enters the log score; only observed rows (an interval score
    needs the lag) enter the interval score and coverage, computed at the chosen ``kappa``
    (``intervals_on_grid``: at every ``kappa``).
    """
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    n_groups = int(g.max()) + 1 if g.size else 0
    if n_groups < 3:
        return None
    if theta0 is None:
        theta0 = fit_arrays(design, lo, hi, g, family=family, prior=prior).model.theta
    refits = leave_one_crisis_out_fits(design, lo, hi, g, theta0, family=family, prior=prior)
    tests = [g == held for held in range(n_groups)]
    log_scores = [
        np.concatenate(
            [
                -refits[c].with_predictive_scale(kappa).log_prob_batch(design.take(t), lo[t], hi[t])
                for c, t in enumerate(tests)
            ]
        )
        for kappa in grid
    ]
    mean_ls = tuple(float(np.mean(s)) for s in log_scores)
    best = int(np.argmin(mean_ls))  # first minimum: the smaller kappa on ties
    alpha = 1.0 - interval
    mean_is = [math.nan] * len(grid)
    mean_isl = [math.nan] * len(grid)
    cover = [math.nan] * len(grid)
    observed = int(np.sum(np.isfinite(hi)))
    for j in range(len(grid)) if intervals_on_grid else (best,):
        if not observed:
            continue
        parts: list[list[np.ndarray]] = [[], [], []]
        for c, t in enumerate(tests):
            m = refits[c].with_predictive_scale(grid[j])
            obs = np.isfinite(hi[t])
            y = lo[t][obs] + 0.5
            q_lo = m.quantile_batch(design.take(t), alpha / 2)[obs]
            q_hi = m.quantile_batch(design.take(t), 1 - alpha / 2)[obs]
            parts[0].append(interval_score(q_lo, q_hi, y, alpha))
            parts[1].append(interval_score(np.log(q_lo), np.log(q_hi), np.log(y), alpha))
            parts[2].append(((q_lo <= y) & (y <= q_hi)).astype(np.float64))
        mean_is[j], mean_isl[j], cover[j] = (float(np.mean(np.concatenate(p))) for p in parts)
    return ScaleCalibration(
        kappa=float(grid[best]),
        grid=tuple(float(k) for k in grid),
        mean_log_score=mean_ls,
        mean_interval_score=tuple(mean_is),
        mean_interval_score_log=tuple(mean_isl),
        coverage=tuple(cover),
        n_rows=int(log_scores[0].size),
        n_observed=observed,
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
    "SCALE_GRID",
    "FamilySelection",
    "FitResult",
    "ScaleCalibration",
    "calibrate_predictive_scale",
    "choose_family",
    "fit_arrays",
    "fit_events",
    "fit_nested",
]
