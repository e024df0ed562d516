"""Leave-one-crisis-out backtest on the shipped data (the issue's Must-show)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pact24.calibrate.backtest import BacktestResult, backtest
from pact24.calibrate.events import BACKTEST_COLUMNS, read_events, shipped_events_path
from pact24.calibrate.fit import fit_events
from pact24.calibrate.predict import predict_events
from pact24.sim.models.timing import TimingModel


@pytest.fixture(scope="module")
def result() -> BacktestResult:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    return backtest(events, family=TimingModel.default().family, interval=0.8)


def test_every_row_is_held_out_once_per_method(result: BacktestResult) -> None:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    for method in ("pact24", "empirical", "lognormal"):
        ids = [r.event_id for r in result.rows if r.method == method]
        assert sorted(ids) == sorted(events.event_ids)
    overall = result.overall_for("pact24")
    rows = [r for r in result.rows if r.method == "pact24" and not r.censored]
    assert overall["coverage"] == pytest.approx(np.mean([r.covered for r in rows]))
    assert overall["interval_score"] == pytest.approx(np.mean([r.interval_score for r in rows]))
    censored = [r for r in result.rows if r.censored]
    assert censored and all(math.isnan(r.interval_score) and r.log_score > 0 for r in censored)


def test_held_out_crisis_is_predicted_by_a_model_that_never_saw_it(
    result: BacktestResult,
) -> None:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    held = np.array([c == "Korea 1950" for c in events.crises])
    model = fit_events(events.subset(~held), family=result.family).model
    preds = predict_events(model, events.subset(held), 0.8)
    got = {r.event_id: r for r in result.rows if r.method == "pact24" and r.crisis == "Korea 1950"}
    for p in preds:
        assert got[p.event_id].lag_median == pytest.approx(p.lag_median, rel=1e-9)


def test_what_the_backtest_shows(result: BacktestResult) -> None:
    """The numbers reported in docs/calibration.md (tolerances for platform noise)."""
    m, emp, ln = (result.overall_for(k) for k in ("pact24", "empirical", "lognormal"))
    # pact24 has the best log score (the full predictive distribution, censoring included) ...
    assert m["log_score"] < emp["log_score"] - 0.3
    assert m["log_score"] < ln["log_score"] - 0.3
    # ... and a better interval score than the per-cell log-normal baseline
    assert m["interval_score"] < ln["interval_score"]
    assert 0.55 <= m["coverage"] <= 0.9


@pytest.mark.xfail(
    strict=True,
    reason=(
        "Must-show not met on the shipped data: pact24's 80% intervals cover ~63% of held-out "
        "rows and its mean interval score (~980 days) is worse than the empirical baseline's "
        "(~904), driven by the 2022 heavy-weapons decisions; see docs/calibration.md"
    ),
)
def test_must_show_beats_both_baselines_with_calibrated_80pct_intervals(
    result: BacktestResult,
) -> None:
    m, emp, ln = (result.overall_for(k) for k in ("pact24", "empirical", "lognormal"))
    assert m["interval_score"] < emp["interval_score"]
    assert m["interval_score"] < ln["interval_score"]
    assert 0.7 <= m["coverage"] <= 0.9
