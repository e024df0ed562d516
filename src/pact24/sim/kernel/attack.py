"""The attack of one crisis, compiled: a port of ``models.scenario.draw_attack``.

Signature (njit; ``st`` the generator's state, ``kernel.rng``)::

    draw_attack(st, t: Tables, family: int) -> (kind: int, severity: int, size: float,
                                             rate_km2_per_day: float, objective_km2: float,
                                             disinformation: bool)

``family`` is a FAMILY_* code, ``kind`` a KIND_* code and ``severity`` a SEV_* code
(``kernel.tables``). A strike has no ground force (size, rate and objective 0).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel import rng
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import (
    FAMILY_HYBRID,
    FAMILY_OVERT,
    FAMILY_SALAMI,
    FAMILY_STRIKE,
    GROUND_HYBRID,
    GROUND_OVERT,
    GROUND_SALAMI,
    KIND_HYBRID,
    KIND_OVERT,
    KIND_STRIKE,
    SEV_HIGH,
    SEV_LOW,
    SEV_MEDIUM,
    Tables,
)


@njit(cache=True)
def _ground(
    st: State, sizes: np.ndarray, rates: np.ndarray, objectives: np.ndarray, sd: float, key: int
) -> tuple[float, float, float]:
    """Size (log-normal around the nominal), advance rate (proportional to size), objective."""
    nominal = sizes[key]
    size = nominal * math.exp(sd * rng.standard_normal(st))
    return size, rates[key] * size / nominal, objectives[key]


@njit(cache=True, inline="always")
def draw_attack(st: State, t: Tables, family: int) -> tuple[int, int, float, float, float, bool]:
    """The attack of one crisis of ``family``: ``(kind, severity, size, rate, objective,
    disinformation)``."""
    return _attack(
        st,
        family,
        t.ground_size,
        t.ground_rate,
        t.ground_objective,
        t.size_sd,
        t.salami_hybrid_share,
        t.disinformation_hybrid_share,
    )


@njit(cache=True)
def _attack(
    st: State,
    family: int,
    sizes: np.ndarray,
    rates: np.ndarray,
    objectives: np.ndarray,
    sd: float,
    salami_hybrid: float,
    disinformation_hybrid: float,
) -> tuple[int, int, float, float, float, bool]:
    if family == FAMILY_OVERT:
        size, rate, objective = _ground(st, sizes, rates, objectives, sd, GROUND_OVERT)
        return KIND_OVERT, SEV_HIGH, size, rate, objective, False
    if family == FAMILY_STRIKE:
        return KIND_STRIKE, SEV_MEDIUM, 0.0, 0.0, 0.0, False
    if family == FAMILY_HYBRID:
        size, rate, objective = _ground(st, sizes, rates, objectives, sd, GROUND_HYBRID)
        return KIND_HYBRID, SEV_MEDIUM, size, rate, objective, False
    if family == FAMILY_SALAMI:
        if rng.random(st) < salami_hybrid:
            size, rate, objective = _ground(st, sizes, rates, objectives, sd, GROUND_SALAMI)
            return KIND_HYBRID, SEV_LOW, size, rate, objective, False
        return KIND_STRIKE, SEV_LOW, 0.0, 0.0, 0.0, False
    if rng.random(st) < disinformation_hybrid:
        size, rate, objective = _ground(st, sizes, rates, objectives, sd, GROUND_HYBRID)
        return KIND_HYBRID, SEV_MEDIUM, size, rate, objective, True
    return KIND_STRIKE, SEV_MEDIUM, 0.0, 0.0, 0.0, True
