"""The report's failure cases and calibration summary read what the package really does."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from pact24.designs.loader import resolve_design
from pact24.report.calibration import calibration_summary
from pact24.report.cases import failure_cases
from pact24.sim.models.timing import LagCovariates, TimingModel
from pact24.sim.reference import prepare, replay_run
from pact24.sim.reference.explain import explain


def test_failure_cases_are_runs_the_guarantee_did_not_honour_told_as_explain_tells_them() -> None:
    setup = prepare(resolve_design("meloni-24h"), "adaptive")
    cases = failure_cases(setup, seed=7, n=2)
    assert len(cases) == 2
    for title, lines in cases:
        run = int(title.split("run ")[1].split(" ")[0])
        record = replay_run(setup, 7, run)
        assert any(not c.honoured for c in record.crises)
        assert lines == explain(setup, record, 7)
        assert any("outcome: NOT honoured" in line for line in lines)


def test_the_calibration_summary_is_read_from_the_shipped_model() -> None:
    summary = calibration_summary()
    model = TimingModel.default()
    with (resources.files("pact24") / "data" / summary.data).open() as f:
        rows = list(csv.DictReader(f))
    assert summary.n_rows == len(rows)
    assert summary.n_crises == len({r["crisis"] for r in rows})
    assert summary.family == model.family
    first = summary.within_24h[0]
    assert first.p == pytest.approx(model.prob_within(LagCovariates(instrument="troops")))
    for w in summary.within_24h:
        assert 0.0 < w.lo < w.p < w.hi < 1.0
    # A standing procedure speeds the decision, a vote in parliament slows it.
    plain, framework, vote = summary.within_24h
    assert framework.p > plain.p > vote.p
