"""How the report boils the outcomes table down: weights, percentiles and the arrival bound."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.report import synthetic

from pact24.report import summaries


def test_a_design_is_the_mean_over_futures_of_the_runs_weighted_mean_over_families() -> None:
    rows = synthetic.outcomes(
        synthetic.experiments(4, np.random.default_rng(0)), np.random.default_rng(1)
    )
    rows.loc[rows["family"] == "strike", "runs"] = 150  # three times the others' 50
    table = summaries.per_design(rows)
    one = rows[rows["design"] == "meloni-24h"]
    per_future = one.groupby("future").apply(
        lambda g: np.average(g["p_pledges_ge3_24h"], weights=g["runs"]), include_groups=False
    )
    assert table.loc["meloni-24h", "p_pledges_ge3_24h"] == pytest.approx(per_future.mean())
    assert table.loc["meloni-24h", "p_pledges_ge3_24h_q90"] == pytest.approx(
        per_future.quantile(0.9)
    )
    assert list(table.index) == list(synthetic.DESIGNS)
    assert (table["futures"] == 4).all()


def test_the_arrival_curve_is_a_lower_bound_on_the_cdf_of_every_run() -> None:
    rng = np.random.default_rng(5)
    hours = np.geomspace(1.0, 2000.0, 300)
    rows, every = [], []
    for family, runs, share in (("a", 200, 0.9), ("b", 100, 0.3), ("c", 100, 0.0)):
        times = rng.lognormal(4.0, 1.2, runs)
        arrived = rng.random(runs) < share
        q = np.quantile(times[arrived], [0.1, 0.5, 0.9]) if arrived.any() else [np.nan] * 3
        rows.append(
            {
                "design": "d",
                "family": family,
                "runs": runs,
                "p_arrival": arrived.mean(),
                "arrival_h_q10": q[0],
                "arrival_h_q50": q[1],
                "arrival_h_q90": q[2],
            }
        )
        every.append(np.where(arrived, times, np.inf))
    times = np.concatenate(every)
    true = (times[:, None] <= hours[None, :]).mean(axis=0)
    bound = summaries.arrival_lower_cdf(pd.DataFrame(rows), "d", hours)
    assert (bound <= true + 1e-12).all()
    # The bound is not vacuous: past every 90th percentile it holds 90 % of the arrivals.
    assert bound[-1] == pytest.approx(
        0.9 * (200 * rows[0]["p_arrival"] + 100 * rows[1]["p_arrival"]) / 400
    )
