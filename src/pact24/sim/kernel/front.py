"""Territory at risk, compiled: a port of ``models.front.assess`` and ``ukraine_forces``.

Signatures (njit, deterministic)::

    troops_needed(size: float, ukraine: float, attacker_ratio: float) -> float
    assess(t: Tables, family: int, size: float, rate_km2_per_day: float, objective_km2: float,
           hours: float64[:], troops: float64[:], n: int)
        -> (territory_km2, effective_hours, troops_needed)

``hours[:n]``/``troops[:n]`` are the guarantor troops that arrive (hours after the attack);
``assess`` sorts them in place. Ukraine's forces in the sector are ``t.ukraine_forces[family]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel.tables import Tables


@njit(cache=True)
def troops_needed(size: float, ukraine: float, attacker_ratio: float) -> float:
    """Guarantor troops such that ``size / (ukraine + troops) <= attacker_ratio``."""
    return max(0.0, size / attacker_ratio - ukraine)


@njit(cache=True)
def _sort_pairs(hours: np.ndarray, amounts: np.ndarray, n: int) -> None:
    """Sort ``(hours, amounts)[:n]`` in place by hour, then amount (insertion sort: n is
    small)."""
    for j in range(1, n):
        h, a = hours[j], amounts[j]
        k = j - 1
        while k >= 0 and (hours[k] > h or (hours[k] == h and amounts[k] > a)):
            hours[k + 1], amounts[k + 1] = hours[k], amounts[k]
            k -= 1
        hours[k + 1], amounts[k + 1] = h, a


@njit(cache=True, inline="always")
def assess(
    t: Tables,
    family: int,
    size: float,
    rate_km2_per_day: float,
    objective_km2: float,
    hours: np.ndarray,
    troops: np.ndarray,
    n: int,
) -> tuple[float, float, float]:
    """Territory at risk, the hour of an effective response (NaN: none in time) and the
    guarantor troops needed, given the troops that arrive."""
    return _assess(
        t.ukraine_forces[family],
        t.attacker_ratio,
        t.front_horizon_h,
        size,
        rate_km2_per_day,
        objective_km2,
        hours,
        troops,
        n,
    )


@njit(cache=True)
def _assess(
    ukraine: float,
    attacker_ratio: float,
    horizon_h: float,
    size: float,
    rate_km2_per_day: float,
    objective_km2: float,
    hours: np.ndarray,
    troops: np.ndarray,
    n: int,
) -> tuple[float, float, float]:
    if size <= 0.0 or rate_km2_per_day <= 0.0:
        return 0.0, math.nan, 0.0
    needed = troops_needed(size, ukraine, attacker_ratio)
    if needed <= 0.0:
        return 0.0, 0.0, 0.0
    _sort_pairs(hours, troops, n)
    total = 0.0
    effective = math.nan
    for j in range(n):
        total += troops[j]
        if total >= needed:
            effective = max(hours[j], 0.0)
            break
    until = horizon_h if math.isnan(effective) else min(effective, horizon_h)
    return min(objective_km2, rate_km2_per_day * until / 24.0), effective, needed
