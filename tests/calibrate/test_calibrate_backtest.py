"""Leave-one-crisis-out backtest on the shipped data (the issue's Must-show).

The Must-show asks for (1) pact24's 80 % intervals to cover 70-90 % of held-out rows and (2) its
mean interval score to be below both baselines'. On the shipped data (102 rows, 14 crises) (1)
holds (0.76) and pact24 now beats the empirical baseline (695 vs 737 days), but (2) does NOT hold
against the log-normal baseline (695 vs 692 days): see docs/calibration.md. These tests assert
what is true.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pact24.calibrate.backtest import METRICS, BacktestResult, backtest
from pact24.calibrate.events import BACKTEST_COLUMNS, read_events, shipped_events_path
from pact24.calibrate.fit import SCALE_GRID, fit_events
from pact24.calibrate.predict import predict_events
from pact24.calibrate.predictive import METHODS
from pact24.sim.models.timing import TimingModel


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    return backtest(events, family=TimingModel.default().family, interval=0.8)


def test_every_row_is_held_out_once_per_method(result: BacktestResult) -> None:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    for method in METHODS:
        ids = [r.event_id for r in result.rows if r.method == method]
        assert sorted(ids) == sorted(events.event_ids)
    overall = result.overall_for("pact24")
    rows = [r for r in result.rows if r.method == "pact24" and not r.censored]
    assert overall["coverage"] == pytest.approx(np.mean([r.covered for r in rows]))
    assert overall["interval_score"] == pytest.approx(np.mean([r.interval_score for r in rows]))
    censored = [r for r in result.rows if r.censored]
    assert censored and all(math.isnan(r.interval_score) and r.log_score > 0 for r in censored)


def test_every_metric_is_reported_for_every_crisis_and_method(result: BacktestResult) -> None:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    crises = set(events.crises)
    by = {(e["crisis"], e["method"]): e for e in result.by_crisis}
    assert set(by) == {(c, m) for c in crises for m in METHODS}
    for entry in [*result.by_crisis, *result.overall]:
        for metric in METRICS:
            value = entry[metric]
            assert not math.isnan(value), (entry.get("crisis"), entry["method"], metric)
            if not (metric == "crps" and entry["method"] == "pact24"):
                assert math.isfinite(value), (entry.get("crisis"), entry["method"], metric)
        if entry["method"] != "pact24":
            assert math.isfinite(entry["crps"])


def test_held_out_crisis_is_predicted_by_a_model_that_never_saw_it(
    result: BacktestResult,
) -> None:
    """The fold's model, its nested predictive scale included, comes from the other crises."""
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    held = np.array([c == "Korea 1950" for c in events.crises])
    model = fit_events(events.subset(~held), family=result.family).model
    assert model.predictive_scale in SCALE_GRID
    assert model.meta["predictive_scale"]["n_crises"] == len(set(events.crises)) - 1
    preds = predict_events(model, events.subset(held), 0.8)
    got = {r.event_id: r for r in result.rows if r.method == "pact24" and r.crisis == "Korea 1950"}
    for p in preds:
        assert got[p.event_id].lag_median == pytest.approx(p.lag_median, rel=1e-9)
        assert got[p.event_id].lag_hi == pytest.approx(p.lag_hi, rel=1e-9)


def test_what_the_backtest_shows(result: BacktestResult) -> None:
    """The numbers reported in docs/calibration.md: the coverage half of the Must-show holds,
    the interval score beats the empirical baseline but not the log-normal one (the Must-show is
    not met), and the log score and the log-days interval score beat both baselines.

    With the 69-row table the interval score beat the log-normal baseline (943 vs 1002 days) but
    not the empirical one (904); with 102 rows it is the other way round (695 vs 692 and 737).
    The log score's margin over the log-normal baseline fell from 0.81 to 0.19, so that
    assertion's margin is now 0.1 instead of 0.3 (reported, not hidden: see the docs)."""
    m, emp, ln = (result.overall_for(k) for k in METHODS)
    # 80 % intervals cover between 70 % and 90 % of held-out rows
    assert 0.70 <= m["coverage"] <= 0.90
    # the best log score (the full predictive distribution, censoring included) ...
    assert m["log_score"] < emp["log_score"] - 0.3
    assert m["log_score"] < ln["log_score"] - 0.1
    # ... a better interval score than the per-cell empirical baseline in days, and than both
    # baselines in log-days (NOT better than the log-normal baseline in days: 695 vs 692)
    assert m["interval_score"] < emp["interval_score"]
    assert m["interval_score_log"] < ln["interval_score_log"]
    assert m["interval_score_log"] < emp["interval_score_log"]
    # the reported values (platform noise tolerance)
    assert m["coverage"] == pytest.approx(74 / 98)
    assert m["interval_score"] == pytest.approx(695, rel=0.01)
    assert emp["interval_score"] == pytest.approx(737, rel=0.001)
    assert ln["interval_score"] == pytest.approx(692, rel=0.001)
