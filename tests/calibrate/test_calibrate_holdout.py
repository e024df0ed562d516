"""`calibrate holdout`: a frozen model and the baselines scored on crises none of them saw."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from pact24.calibrate.backtest import score_holdout
from pact24.calibrate.cli import backtest_tables
from pact24.calibrate.events import (
    BACKTEST_COLUMNS,
    EventTable,
    read_events,
    shipped_events_path,
)
from pact24.calibrate.predict import predict_events
from pact24.calibrate.predictive import METHODS, LogNormalPredictive
from pact24.cli import main
from pact24.sim.models.timing import TimingModel

HELD = ("Falklands 1982", "Yom Kippur 1973")


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["pact24", "calibrate", *args])
    with pytest.raises(SystemExit) as info:
        main()
        raise SystemExit(0)
    return int(info.value.code or 0)


@pytest.fixture(scope="module")
def split() -> tuple[EventTable, EventTable]:
    events = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    held = np.array([c in HELD for c in events.crises])
    return events.subset(~held), events.subset(held)


def test_the_frozen_model_predicts_as_it_is_and_the_baselines_use_only_train(
    split: tuple[EventTable, EventTable],
) -> None:
    train, test = split
    model = TimingModel.default()
    result = score_holdout(model, train, test, interval=0.8)
    assert result.stem == "calibration_holdout" and result.folds == ()
    for method in METHODS:
        ids = [r.event_id for r in result.rows if r.method == method]
        assert ids == list(test.event_ids)
    # pact24: exactly the frozen model's predictions (nothing refitted, nothing chosen)
    got = [r for r in result.rows if r.method == "pact24"]
    for r, p in zip(got, predict_events(model, test, 0.8), strict=True):
        assert r.lag_lo == pytest.approx(p.lag_lo, rel=1e-9)
        assert r.lag_hi == pytest.approx(p.lag_hi, rel=1e-9)
    # the log-normal baseline: fitted on the training rows only
    ln = LogNormalPredictive.fit(train, [r.covariates for r in test.rows])
    med = [r.lag_median for r in result.rows if r.method == "lognormal"]
    np.testing.assert_allclose(med, np.exp(ln.mu), rtol=1e-9)
    assert {e["crisis"] for e in result.by_crisis} == set(HELD)


def test_a_crisis_in_both_tables_is_refused(split: tuple[EventTable, EventTable]) -> None:
    train, test = split
    both = read_events(shipped_events_path(), BACKTEST_COLUMNS)
    with pytest.raises(ValueError, match=r"not a holdout: .*Falklands 1982"):
        score_holdout(TimingModel.default(), both, test)
    with pytest.raises(ValueError, match="interval"):
        score_holdout(TimingModel.default(), train, test, interval=1.0)


def _write_split(tmp_path: Path) -> tuple[Path, Path]:
    lines = shipped_events_path().read_text().splitlines()
    train = [lines[0]] + [ln for ln in lines[1:] if not any(c in ln for c in HELD)]
    test = [lines[0]] + [ln for ln in lines[1:] if any(c in ln for c in HELD)]
    a, b = tmp_path / "train.csv", tmp_path / "new.csv"
    a.write_text("\n".join(train) + "\n")
    b.write_text("\n".join(test) + "\n")
    return a, b


def test_cli_writes_metrics_rows_and_plots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    train, new = _write_split(tmp_path)
    out_dir = tmp_path / "ho"
    args = ("holdout", str(new), "--train", str(train), "--out-dir", str(out_dir))
    assert run(monkeypatch, *args) == 0
    printed = capsys.readouterr().out
    assert "Holdout" in printed and "fitted on other data" in printed
    names = {p.name for p in out_dir.iterdir()}
    assert names == {
        "calibration_holdout_metrics.csv",
        "calibration_holdout_metrics.json",
        "calibration_holdout_rows.csv",
        "calibration_holdout_pit.png",
        "calibration_holdout_pred_vs_obs.png",
    }
    metrics = json.loads((out_dir / "calibration_holdout_metrics.json").read_text())
    assert {e["crisis"] for e in metrics["by_crisis"]} == set(HELD)


def test_cli_refuses_a_table_that_is_not_a_holdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, new = _write_split(tmp_path)
    out_dir = tmp_path / "ho"
    code = run(monkeypatch, "holdout", str(new), "--out-dir", str(out_dir))
    assert code == 2
    err = capsys.readouterr().err
    assert "not a holdout" in err and "Yom Kippur 1973" in err
    assert not out_dir.exists()


def test_the_holdout_is_a_file_collected_after_the_freeze(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every shipped row is fitted (the first prospective holdout included), so there is no
    shipped holdout: `calibrate holdout` needs the file of the next one."""
    assert run(monkeypatch, "holdout") == 2
    assert "Missing argument" in capsys.readouterr().err


def test_each_crisis_reads_on_one_line_with_its_scores(
    split: tuple[EventTable, EventTable],
) -> None:
    train, test = split
    result = score_holdout(TimingModel.default(), train, test, interval=0.8)
    console = Console(width=120, record=True, color_system=None)
    for table in backtest_tables(result):
        console.print(table)
    lines = console.export_text().splitlines()
    by = {(e["crisis"], e["method"]): e for e in result.by_crisis}
    for crisis in HELD:
        rows = [line for line in lines if crisis in line]
        assert len(rows) == 2  # one per score: interval score, then log score
        for line, score, digits in zip(rows, ("interval_score", "log_score"), (1, 2), strict=True):
            cells = [c.strip() for c in line.split("│")[1:-1]]
            want = [f"{by[(crisis, m)][score]:.{digits}f}" for m in METHODS]
            assert cells[0] == crisis and cells[3:] == want
