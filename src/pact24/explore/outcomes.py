"""The outcome vector of one design in one future against one family, from its runs' columns.

One row of ``outcomes.parquet`` per (design, future, family). What the guarantee did in a crisis
is read over the runs in which the adversary attacked (the first crisis of each, as the results
table describes it) and is NaN when it never attacked: a design that deters every attack has no
crisis to be honoured or not, which is a different finding from failing one (``p_attacked``
says which). What the campaign cost or lost is read over all runs.
"""

from __future__ import annotations

import math

import numpy as np

from pact24.sim.results import PLEDGE_HORIZONS
from pact24.sim.summary import PLEDGE_KS

EFFECTIVE_HOURS: dict[str, float] = {"72h": 72.0, "7d": 7 * 24.0}
"""Horizons of P(an effective response): the defence held by the 3:1 rule by then."""

ARRIVAL_QUANTILES: tuple[int, ...] = (10, 50, 90)

OUTCOMES: tuple[str, ...] = (
    "p_honoured",
    *(f"p_pledges_ge{k}_{h}" for k in PLEDGE_KS for h in PLEDGE_HORIZONS),
    "troops_pledged_mean",
    "troops_needed_mean",
    "troop_cover_mean",
    "package_eur_7d_mean",
    *(f"p_effective_{h}" for h in EFFECTIVE_HOURS),
    *(f"arrival_h_q{q}" for q in ARRIVAL_QUANTILES),
    "p_arrival",
    "territory_km2_mean",
    "p_attacked",
    "crises_mean",
    "crises_honoured_mean",
    "readiness_cost_eur_per_year",
)
"""The outcome columns, in table order (all float64)."""


def _mean(x: np.ndarray) -> float:
    return float(np.mean(x)) if x.size else math.nan


def summarise_columns(cols: dict[str, np.ndarray]) -> dict[str, float]:
    """The outcome vector (:data:`OUTCOMES`) of one set of runs (``simulate_columns``)."""
    attacked = np.asarray(cols["attacked"], dtype=bool)

    def crisis(name: str) -> np.ndarray:
        values: np.ndarray = np.asarray(cols[name])[attacked]
        return values

    out: dict[str, float] = {"p_honoured": _mean(crisis("decided").astype(np.float64))}
    for k in PLEDGE_KS:
        for h in PLEDGE_HORIZONS:
            out[f"p_pledges_ge{k}_{h}"] = _mean(crisis(f"troop_pledges_{h}") >= k)
    pledged = crisis("troops_pledged").astype(np.float64)
    needed = crisis("troops_needed").astype(np.float64)
    safe = np.where(needed > 0, needed, 1.0)
    cover = np.where(needed > 0, np.minimum(1.0, pledged / safe), 1.0)
    out |= {
        "troops_pledged_mean": _mean(pledged),
        "troops_needed_mean": _mean(needed),
        "troop_cover_mean": _mean(cover),
        "package_eur_7d_mean": _mean(crisis("package_eur_7d").astype(np.float64)),
    }
    effective = crisis("hours_to_effective_response").astype(np.float64)
    for label, hours in EFFECTIVE_HOURS.items():
        out[f"p_effective_{label}"] = _mean(effective <= hours)  # NaN (never) compares False
    arrival = crisis("hours_to_first_arrival").astype(np.float64)
    arrived = arrival[np.isfinite(arrival)]
    for q in ARRIVAL_QUANTILES:
        out[f"arrival_h_q{q}"] = float(np.percentile(arrived, q)) if arrived.size else math.nan
    out["p_arrival"] = _mean(np.isfinite(arrival))
    years = float(np.sum(cols["posture_years_held"]))
    cost = float(np.sum(cols["readiness_cost_eur"]))
    out |= {
        "territory_km2_mean": _mean(np.asarray(cols["territory_at_risk_km2"], dtype=np.float64)),
        "p_attacked": _mean(attacked.astype(np.float64)),
        "crises_mean": _mean(np.asarray(cols["crises"], dtype=np.float64)),
        "crises_honoured_mean": _mean(np.asarray(cols["crises_honoured"], dtype=np.float64)),
        "readiness_cost_eur_per_year": cost / years if years > 0 else 0.0,
    }
    return {name: out[name] for name in OUTCOMES}
