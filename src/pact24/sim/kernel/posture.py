"""Stationed forces in a crisis and the posture's life, compiled: ports of
``models.posture.draw_engaged`` and ``draw_lapse_years``.

Signatures (njit; ``st`` the generator's state, ``kernel.rng``)::

    geography(kind: int, severity: int) -> int     # GEO_* of an attack
    engagement_probs(t: Tables, d: int, kind: int, severity: int,
                     objective_km2: float, out: float[:]) -> None   # writes out[g]
    draw_engaged(st, t: Tables, d: int, kind: int, severity: int, objective_km2: float,
                 engaged: bool[:], probs: float[:]) -> int  # writes engaged[g], how many
    draw_lapse_years(st, t: Tables, d: int) -> float   # inf: the posture never lapses

``posture.withdraw_prob`` is a table: ``t.withdraw_prob[d]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel import rng
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import (
    GEO_HYBRID,
    GEO_OVERT,
    GEO_SALAMI,
    GEO_STRIKE,
    KIND_OVERT,
    KIND_STRIKE,
    SEV_LOW,
    Tables,
)


@njit(cache=True)
def geography(kind: int, severity: int) -> int:
    """The GEO_* code of an attack: a strike, an overt advance, a salami bite or a hybrid one."""
    if kind == KIND_STRIKE:
        return GEO_STRIKE
    if kind == KIND_OVERT:
        return GEO_OVERT
    return GEO_SALAMI if severity == SEV_LOW else GEO_HYBRID


@njit(cache=True)
def _footprint(
    geo: int,
    stationed: np.ndarray,
    depth: float,
    front: float,
    frontages: np.ndarray,
    objective: float,
    km2_per_soldier: float,
) -> tuple[float, float, float]:
    """``(frontage, forced, reach)``: what every contingent's probability shares
    (``models.posture.engagement_probs``); zeros for a strike or without forces."""
    total = 0.0
    for h in range(stationed.shape[0]):
        total += stationed[h] * km2_per_soldier / depth
    if geo == GEO_STRIKE or total <= 0.0:  # no stationed forces: no contingent to touch
        return 0.0, 0.0, 0.0
    watched = min(front, total)
    frontage = min(front, frontages[geo])
    forced = min(1.0, max(0.0, frontage - (front - watched)) / watched)
    return frontage, forced, objective / frontage


@njit(cache=True)
def _prob(
    geo: int,
    aimed: float,
    frontage: float,
    forced: float,
    reach: float,
    width: float,
    distance_km: float,
    front: float,
    strike_hits_base: float,
) -> float:
    """One contingent's probability of being touched (``width``: the front it watches)."""
    if geo == GEO_STRIKE:
        return (1.0 - aimed) * strike_hits_base
    blind = min(1.0, (frontage + width) / front)
    return ((1.0 - aimed) * blind + aimed * forced) * math.exp(-distance_km / reach)


@njit(cache=True, inline="always")
def engagement_probs(
    t: Tables, d: int, kind: int, severity: int, objective_km2: float, out: np.ndarray
) -> None:
    """P(the attack touches guarantor ``g``'s stationed forces) under design ``d`` into
    ``out[g]`` (0 where it stations none), as ``models.posture.engagement_probs``."""
    _probs(
        t.has_force[d],
        t.stationed[d],
        t.distance_km[d],
        t.engagement_depth_km[d],
        t.front_km,
        t.frontage_km,
        t.aimed,
        t.km2_per_soldier,
        t.strike_hits_base,
        geography(kind, severity),
        objective_km2,
        out,
    )


@njit(cache=True, inline="always")
def draw_engaged(
    st: State,
    t: Tables,
    d: int,
    kind: int,
    severity: int,
    objective_km2: float,
    engaged: np.ndarray,
    probs: np.ndarray,
) -> int:
    """Whether the attack touches each guarantor's stationed forces (one draw per contingent,
    written to ``engaged[g]``; ``probs`` is scratch); the number touched."""
    engagement_probs(t, d, kind, severity, objective_km2, probs)
    n = 0
    for g in range(engaged.shape[0]):
        engaged[g] = t.has_force[d, g] and rng.random(st) < probs[g]
        n += 1 if engaged[g] else 0
    return n


@njit(cache=True)
def _probs(
    has_force: np.ndarray,
    stationed: np.ndarray,
    distance_km: np.ndarray,
    depth: float,
    front: float,
    frontages: np.ndarray,
    aimed: np.ndarray,
    km2_per_soldier: float,
    strike_hits_base: float,
    geo: int,
    objective_km2: float,
    out: np.ndarray,
) -> None:
    frontage, forced, reach = _footprint(
        geo, stationed, depth, front, frontages, objective_km2, km2_per_soldier
    )
    for g in range(out.shape[0]):
        if not has_force[g]:
            out[g] = 0.0
            continue
        width = stationed[g] * km2_per_soldier / depth
        out[g] = _prob(
            geo,
            aimed[geo],
            frontage,
            forced,
            reach,
            width,
            distance_km[g],
            front,
            strike_hits_base,
        )


@njit(cache=True, inline="always")
def draw_lapse_years(st: State, t: Tables, d: int) -> float:
    """Years until the coalition gives posture ``d`` up (``inf``: none, or membership)."""
    return _lapse_years(st, t.lapse_hazard[d])


@njit(cache=True)
def _lapse_years(st: State, hazard: float) -> float:
    if hazard <= 0.0:
        return math.inf
    return rng.exponential(st, 1.0 / hazard)
