"""The outcomes table (one row per design, future and scenario family) boiled down for reading.

A future is one sampled world; the families are the five kinds of attack, each simulated with
the same number of crises (``runs``), so a future's value is the runs-weighted mean over its
families. A design's value is then the mean over futures, with the 10th and 90th percentiles
across futures: how much the answer depends on the world we happen to be in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

METRICS: tuple[str, ...] = (
    "p_honoured",
    "p_pledges_ge1_24h",
    "p_pledges_ge3_24h",
    "p_pledges_ge3_7d",
    "p_pledges_ge3_30d",
    "troop_cover_mean",
    "package_eur_7d_mean",
    "p_effective_72h",
    "p_effective_7d",
    "p_arrival",
    "territory_km2_mean",
    "p_attacked",
    "crises_mean",
    "crises_honoured_mean",
    "readiness_cost_eur_per_year",
)
"""The columns of ``outcomes.parquet`` that average over runs (shares and means)."""


def designs(outcomes: pd.DataFrame) -> list[str]:
    """The designs in the order the sweep wrote them."""
    return list(dict.fromkeys(outcomes["design"]))


def per_future(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per design and future: each metric averaged over families, weighted by runs."""
    w = outcomes["runs"].astype(float)
    weighted = outcomes[list(METRICS)].mul(w, axis=0)
    weighted[["design", "future"]] = outcomes[["design", "future"]]
    weighted["runs"] = w
    sums = weighted.groupby(["design", "future"], sort=False).sum()
    out = sums[list(METRICS)].div(sums["runs"], axis=0)
    return out.reset_index()


def per_design(outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per design (index): the mean of each metric over futures (column ``m``) and its
    10th and 90th percentiles across futures (``m_q10``, ``m_q90``); ``arrival_h_median``: the
    median, over futures and families with an arrival, of their median hours to first arrival."""
    pf = per_future(outcomes)
    g = pf.groupby("design", sort=False)[list(METRICS)]
    parts = [g.mean(), g.quantile(0.1).add_suffix("_q10"), g.quantile(0.9).add_suffix("_q90")]
    table = pd.concat(parts, axis=1)
    table["futures"] = pf.groupby("design", sort=False).size()
    table["arrival_h_median"] = outcomes.groupby("design", sort=False)["arrival_h_q50"].median()
    return table.loc[designs(outcomes)]


def arrival_lower_cdf(outcomes: pd.DataFrame, design: str, hours: np.ndarray) -> np.ndarray:
    """A lower bound on P(first arrival within ``hours``) for ``design``, over all its runs.

    Each row holds only the 10th, 50th and 90th percentiles of the hours to first arrival among
    its runs with an arrival, and the share ``p_arrival`` of runs with one; by the definition of
    a quantile the row's distribution puts at least 10 %, 50 %, 90 % of those runs at or below
    them, so the step function through them bounds its CDF from below, and the runs-weighted
    mixture of the rows' bounds bounds the design's."""
    rows = outcomes[outcomes["design"] == design]
    total = np.zeros_like(hours, dtype=float)
    weight = 0.0
    for runs, p, q10, q50, q90 in rows[
        ["runs", "p_arrival", "arrival_h_q10", "arrival_h_q50", "arrival_h_q90"]
    ].itertuples(index=False):
        weight += runs
        if not p > 0:
            continue
        step = 0.1 * (hours >= q10) + 0.4 * (hours >= q50) + 0.4 * (hours >= q90)
        total += runs * p * step
    return total / weight if weight else total


def records(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """A table's numeric columns, row by row by index label, as plain floats (for writing
    sentences)."""
    return {
        str(label): {str(c): float(v) for c, v in row.items()}
        for label, row in table.select_dtypes("number").to_dict("index").items()
    }
