"""Guarantor lags of one crisis, compiled: a port of ``models.lags.LagSampler.draw``.

One joint posterior draw ``k`` per crisis (parameters, framework effect and crisis effect, a
column of the timing model's ``predictive_params`` as ``Tables.lag_mu``/``lag_sigma`` hold
them), then one ``eps`` per guarantor and instrument for the decision (the vote reuses it)
and one for the delivery; ``T = exp(min(mu + sigma * eps, 700))`` days. A delivery lag is
drawn only when an arrival needs it (``kernel.arrivals``): each ``eps`` is independent of the
rest of the crisis, so drawing it late leaves every distribution as the reference's, and a
crisis whose commitments are few draws few.

Signatures (njit; ``st`` the generator's state, ``kernel.rng``)::

    draw_error(st, family: int) -> float          # one eps of the model's error family
    draw_lags(st, t: Tables, severity: int, clear: bool[:], decision: float64[:, :],
              vote: float64[:]) -> int                       # k, the crisis's joint draw
    delivery_lag(st, mu: float64[:, :, :, :], sig: float64[:, :, :, :], family: int, clear: bool,
                 i: int, k: int) -> float

``clear[g]``: guarantor g's belief at activation reaches ``attribution.clear_at``. Outputs are
hours from the attack, indexed ``[g, i]`` (``vote[g]``: its parliament's vote on troops, never
before its troop decision); ``inf`` where guarantor g offers nothing of instrument i (troops
for ``vote``): nothing reads those (the offers are the same in both designs: a lapse changes only
the posture). Decisions under a deadline (``t.framework``) are divided by ``t.deadline_speedup``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel import rng
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import (
    ERROR_LOGLOGISTIC,
    ERROR_LOGNORMAL,
    ERROR_WEIBULL,
    LAG_DECISION,
    LAG_DELIVERY,
    LAG_VOTE,
    Tables,
)

_LOG_DAYS_CAP = 700.0
DAY = 24.0


@njit(cache=True)
def draw_error(st: State, family: int) -> float:
    """One standard error ``eps`` of the timing model's family (``timing.families``)."""
    if family == ERROR_LOGNORMAL:
        return rng.standard_normal(st)
    if family == ERROR_LOGLOGISTIC:
        return rng.logistic(st)
    if family == ERROR_WEIBULL:
        return -rng.gumbel(st)
    return rng.gumbel(st)


@njit(cache=True)
def _days(mu: float, sigma: float, eps: float) -> float:
    return math.exp(min(mu + sigma * eps, _LOG_DAYS_CAP))


@njit(cache=True, inline="always")
def draw_lags(
    st: State, t: Tables, severity: int, clear: np.ndarray, decision: np.ndarray, vote: np.ndarray
) -> int:
    """Decision and vote lags (hours) for every instrument guarantor ``g`` offers (``inf``
    where it offers none: no answer or vote reads them); returns the crisis's joint draw
    ``k`` for its delivery lags (``delivery_lag``)."""
    return _draw_lags(
        st,
        t.lag_mu[severity],
        t.lag_sigma[severity],
        t.n_lag_draws,
        t.lag_family,
        t.deadline_speedup,
        t.framework,
        t.troop_index,
        t.offered[0],
        clear,
        decision,
        vote,
    )


@njit(cache=True)
def _draw_lags(
    st: State,
    mu: np.ndarray,
    sig: np.ndarray,
    n_draws: int,
    family: int,
    speedup: float,
    framework: bool,
    troops: int,
    offered: np.ndarray,
    clear: np.ndarray,
    decision: np.ndarray,
    vote: np.ndarray,
) -> int:
    n_g, n_i = decision.shape
    factor = speedup if framework else 1.0
    k = rng.randint(st, n_draws)
    for g in range(n_g):
        a = 0 if clear[g] else 1
        vote[g] = math.inf
        for i in range(n_i):
            if offered[g, i] <= 0.0:
                decision[g, i] = math.inf
                continue
            eps = draw_error(st, family)
            dec = _days(mu[a, LAG_DECISION, i, k], sig[a, LAG_DECISION, i, k], eps)
            decision[g, i] = dec * DAY / factor
            if i == troops:
                v = _days(mu[a, LAG_VOTE, i, k], sig[a, LAG_VOTE, i, k], eps)
                vote[g] = max(v * DAY / factor, decision[g, i])
    return k


@njit(cache=True)
def delivery_lag(
    st: State, mu: np.ndarray, sig: np.ndarray, family: int, clear: bool, i: int, k: int
) -> float:
    """One delivery lag (hours) of instrument ``i`` in the crisis of joint draw ``k``;
    ``mu``/``sig`` are ``Tables.lag_mu``/``lag_sigma`` at the crisis's severity."""
    a = 0 if clear else 1
    return (
        _days(mu[a, LAG_DELIVERY, i, k], sig[a, LAG_DELIVERY, i, k], draw_error(st, family)) * DAY
    )
