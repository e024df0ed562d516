"""Stationed forces in a crisis and the posture's life, compiled: ports of
``models.posture.draw_engaged`` and ``draw_lapse_years``.

Signatures (njit; numba's ``np.random``, seeded by the caller)::

    engagement_prob(t: Tables, d: int, g: int, kind: int, severity: int,
                    objective_km2: float) -> float
    draw_engaged(t: Tables, d: int, kind: int, severity: int, objective_km2: float,
                 engaged: bool[:]) -> int          # writes engaged[g], returns how many
    draw_lapse_years(t: Tables, d: int) -> float   # inf: the posture never lapses

``posture.withdraw_prob`` is a table: ``t.withdraw_prob[d]``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel.tables import (
    GEO_HYBRID,
    GEO_OVERT,
    GEO_SALAMI,
    GEO_STRIKE,
    KIND_OVERT,
    KIND_STRIKE,
    POSTURE_DMZ,
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
def engagement_prob(
    t: Tables, d: int, g: int, kind: int, severity: int, objective_km2: float
) -> float:
    """P(the attack touches guarantor ``g``'s stationed forces) under design ``d`` (0 where it
    stations none), as ``models.posture.engagement_probs``."""
    if not t.has_force[d, g]:
        return 0.0
    geo = geography(kind, severity)
    aimed = t.aimed[geo]
    if geo == GEO_STRIKE:
        return float((1.0 - aimed) * t.strike_hits_base)
    front = t.front_km
    depth = t.garrison_depth_km
    if t.posture_kind[d] == POSTURE_DMZ and not math.isnan(t.dmz_depth_km[d]):
        depth = t.dmz_depth_km[d]
    total = 0.0
    for h in range(t.stationed.shape[1]):
        total += t.stationed[d, h] * t.km2_per_soldier / depth
    width = t.stationed[d, g] * t.km2_per_soldier / depth
    watched = min(front, total)
    frontage = min(front, t.frontage_km[geo])
    reach = objective_km2 / frontage
    forced = min(1.0, max(0.0, frontage - (front - watched)) / watched)
    blind = min(1.0, (frontage + width) / front)
    return float(((1.0 - aimed) * blind + aimed * forced) * math.exp(-t.distance_km[d, g] / reach))


@njit(cache=True)
def draw_engaged(
    t: Tables, d: int, kind: int, severity: int, objective_km2: float, engaged: np.ndarray
) -> int:
    """Whether the attack touches each guarantor's stationed forces (one draw per contingent,
    written to ``engaged[g]``); the number touched."""
    n = 0
    for g in range(engaged.shape[0]):
        engaged[g] = False
        if t.has_force[d, g]:
            p = engagement_prob(t, d, g, kind, severity, objective_km2)
            if np.random.random() < p:
                engaged[g] = True
                n += 1
    return n


@njit(cache=True)
def draw_lapse_years(t: Tables, d: int) -> float:
    """Years until the coalition gives posture ``d`` up (``inf``: none, or membership)."""
    hazard = t.lapse_hazard[d]
    if hazard <= 0.0:
        return math.inf
    return float(np.random.exponential(1.0 / hazard))
