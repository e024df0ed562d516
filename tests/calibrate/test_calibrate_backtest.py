"""Leave-one-crisis-out backtest on all shipped rows (issue 11's Must-show).

The Must-show asks for pact24's 80 % intervals to cover 72-88 % of held-out rows and for its
mean interval score, CRPS and log score to be below every baseline's. Each fold's fit chooses
its predictive scale kappa by the inner leave-one-crisis-out log score over its training crises
(nested; the family is the log-normal, the only candidate since issue 11). On the shipped data
(199 rows, 28 crises) all four hold: the 80 % intervals cover 161 of 193 observed held-out rows
(0.83), the interval score is 427 days against 459-474, the CRPS 52.7 days against 54.1-56.2 and
the log score 4.479 against 4.507-4.649. The structure (framework kept against its log score,
the spread by instrument and actor kind dropped) was chosen on these folds: docs/calibration.md
discloses it. The backtest runs once per test session (about 2 to 5 minutes on 2 cores).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from pact24.calibrate.backtest import METRICS, NESTED, BacktestResult, backtest
from pact24.calibrate.events import BACKTEST_COLUMNS, EventTable, read_events, shipped_events_path
from pact24.calibrate.fit import FAMILY_CANDIDATES, SCALE_GRID, fit_events
from pact24.calibrate.predict import predict_events
from pact24.calibrate.predictive import BASELINES, METHODS


@pytest.fixture(scope="session")
def events() -> EventTable:
    return read_events(shipped_events_path(), BACKTEST_COLUMNS)


@pytest.fixture(scope="session")
def result(events: EventTable) -> BacktestResult:
    # the folds are fitted in 2 processes: the same results as serially (each fold is
    # deterministic; the Korea test below refits one fold in this process and compares)
    return backtest(events, interval=0.8, n_jobs=2)


def test_every_row_is_held_out_once_per_method(result: BacktestResult, events: EventTable) -> None:
    for method in METHODS:
        ids = [r.event_id for r in result.rows if r.method == method]
        assert sorted(ids) == sorted(events.event_ids)
    overall = result.overall_for("pact24")
    rows = [r for r in result.rows if r.method == "pact24" and not r.censored]
    assert overall["coverage"] == pytest.approx(np.mean([r.covered for r in rows]))
    assert overall["interval_score"] == pytest.approx(np.mean([r.interval_score for r in rows]))
    censored = [r for r in result.rows if r.censored]
    assert censored and all(math.isnan(r.interval_score) and r.log_score > 0 for r in censored)


def test_every_metric_is_reported_for_every_crisis_and_method(
    result: BacktestResult, events: EventTable
) -> None:
    crises = set(events.crises)
    by = {(e["crisis"], e["method"]): e for e in result.by_crisis}
    assert set(by) == {(c, m) for c in crises for m in METHODS}
    for entry in [*result.by_crisis, *result.overall]:
        # a crisis of censored rows only (the two EU battlegroups never used) has a log score
        # and nothing else: the other metrics need an observed lag
        scored = METRICS if entry["n_observed"] else ("log_score",)
        for metric in METRICS:
            value = entry[metric]
            assert math.isnan(value) == (metric not in scored), (entry.get("crisis"), metric)
            if metric in scored:
                assert math.isfinite(value), (entry.get("crisis"), entry["method"], metric)
    assert sum(not e["n_observed"] for e in result.by_crisis) == 2 * len(METHODS)


def test_each_fold_chooses_its_family_and_kappa_on_its_training_crises(
    result: BacktestResult, events: EventTable
) -> None:
    """Every fold ran the nested choice over every family; the choices reported in the docs."""
    assert result.family == NESTED
    crises = list(dict.fromkeys(events.crises))
    assert [f["crisis"] for f in result.folds] == crises
    for f in result.folds:
        assert f["how"] == "nested"
        assert set(f["inner_log_score"]) == set(FAMILY_CANDIDATES)
        inner = f["inner_log_score"]
        assert inner[f["family"]] == min(inner.values())
        assert f["kappa"] in SCALE_GRID
    # log-normal errors everywhere; kappa 1.2 in 27 folds, 1.1 in one
    assert {f["family"] for f in result.folds} == {"lognormal"}
    kappas = [f["kappa"] for f in result.folds]
    assert sorted(kappas) == [1.1] + [1.2] * 27


def test_held_out_crisis_is_predicted_by_a_model_that_never_saw_it(
    result: BacktestResult, events: EventTable
) -> None:
    """The fold's model, its nested family and predictive scale included, comes from the other
    crises: refitting on them alone (in this process) gives the same predictions."""
    held = np.array([c == "Korea 1950" for c in events.crises])
    model = fit_events(events.subset(~held)).model
    fold = next(f for f in result.folds if f["crisis"] == "Korea 1950")
    assert model.family == fold["family"] and model.predictive_scale == fold["kappa"]
    assert model.meta["family_selection"]["n_crises"] == len(set(events.crises)) - 1
    assert model.meta["predictive_scale"]["n_crises"] == len(set(events.crises)) - 1
    preds = predict_events(model, events.subset(held), 0.8)
    got = {r.event_id: r for r in result.rows if r.method == "pact24" and r.crisis == "Korea 1950"}
    for p in preds:
        assert got[p.event_id].lag_median == pytest.approx(p.lag_median, rel=1e-9)
        assert got[p.event_id].lag_hi == pytest.approx(p.lag_hi, rel=1e-9)


def test_altering_a_held_out_crisis_does_not_change_its_folds_choice(events: EventTable) -> None:
    """Five small crises of the shipped table; the lags of one of them are changed wildly. Its
    own fold (family, kappa, inner scores of every family, predictions) is unchanged, while the
    folds that train on it do change: the held-out crisis plays no part in its fold's choice."""
    keep = {
        "Falklands 1982",
        "Invasion of Poland 1939",
        "Invasion of Belgium 1914",
        "Yom Kippur 1973",
        "Hamas attack on Israel 2023",
    }
    small = events.subset(np.array([c in keep for c in events.crises]))
    target = "Hamas attack on Israel 2023"
    altered = EventTable(
        rows=tuple(
            replace(r, lag_days=float(r.lag_days) * 20 + 30) if r.crisis == target else r
            for r in small.rows
        ),
        source=small.source,
        sha256=small.sha256,
    )
    a = backtest(small, interval=0.8, n_jobs=2)
    b = backtest(altered, interval=0.8, n_jobs=2)
    fold_a = {f["crisis"]: f for f in a.folds}
    fold_b = {f["crisis"]: f for f in b.folds}
    assert fold_a[target] == fold_b[target]
    rows_a = [r for r in a.rows if r.method == "pact24" and r.crisis == target]
    rows_b = [r for r in b.rows if r.method == "pact24" and r.crisis == target]
    assert [(r.lag_lo, r.lag_median, r.lag_hi) for r in rows_a] == [
        (r.lag_lo, r.lag_median, r.lag_hi) for r in rows_b
    ]
    assert any(
        fold_a[c]["inner_log_score"] != fold_b[c]["inner_log_score"] for c in keep - {target}
    )


def test_what_the_backtest_shows(result: BacktestResult) -> None:
    """The Must-show and the numbers reported in docs/calibration.md: 80 % intervals cover
    between 72 % and 88 % of held-out rows, and the mean interval score, CRPS and log score are
    below every baseline's (so is the interval score on log-days)."""
    m = result.overall_for("pact24")
    baselines = [result.overall_for(b) for b in BASELINES]
    assert 0.72 <= m["coverage"] <= 0.88
    covered = sum(r.covered for r in result.rows if r.method == "pact24" and not r.censored)
    assert covered == 161
    for metric in ("interval_score", "crps", "log_score", "interval_score_log"):
        best = min(b[metric] for b in baselines)
        assert m[metric] < best, (metric, m[metric], best)
    assert m["coverage"] > max(b["coverage"] for b in baselines)
    # the reported values (platform noise tolerance on the model; the baselines are exact)
    assert m["interval_score"] == pytest.approx(426.8, rel=0.01)
    assert m["crps"] == pytest.approx(52.74, rel=0.01)
    assert m["log_score"] == pytest.approx(4.479, abs=0.005)
    reported = {
        "empirical": 469.5,
        "empirical_instrument": 458.9,
        "empirical_stage": 474.4,
        "empirical_pooled": 462.6,
        "lognormal": 460.5,
    }
    for b in BASELINES:
        assert result.overall_for(b)["interval_score"] == pytest.approx(reported[b], abs=0.05)
