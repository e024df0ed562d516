"""`pact24 calibrate` end to end: exact output columns, clear errors, nothing half-written."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from pact24.calibrate.events import PREDICT_COLUMNS, shipped_events_path
from pact24.calibrate.predictive import METHODS
from pact24.cli import main
from pact24.sim.models.timing import TimingModel

PRED_HEADER = ",".join(PREDICT_COLUMNS)
ROWS = [
    "P1,2027-03-01,Germany,state,1,troops,decision,treaty_guarantee,clear,high,true,true",
    "P2,2027-03-01,EU,eu,27,sanctions,decision,treaty_guarantee,contested,medium,true,false",
    "P3,2027-03-01,UK,state,1,defence_support,delivery,treaty_guarantee,clear,high,true,false",
]


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["pact24", "calibrate", *args])
    with pytest.raises(SystemExit) as info:
        main()
        raise SystemExit(0)
    return int(info.value.code or 0)


def write(path: Path, *rows: str, header: str = PRED_HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_predict_writes_exactly_the_promised_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = write(tmp_path / "in.csv", *ROWS)
    out = tmp_path / "pred.csv"
    assert run(monkeypatch, "predict", str(events), "--interval", "0.8", "--out", str(out)) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert out.read_text().splitlines()[0] == "event_id,lag_lo,lag_median,lag_hi"
    assert [r["event_id"] for r in rows] == ["P1", "P2", "P3"]
    for r in rows:
        lo, med, hi = float(r["lag_lo"]), float(r["lag_median"]), float(r["lag_hi"])
        assert 0 < lo < med < hi
    # the same numbers as the API, from the shipped default parameters
    model = TimingModel.default()
    from pact24.calibrate.events import read_events
    from pact24.calibrate.predict import predict_events

    api = predict_events(model, read_events(events, PREDICT_COLUMNS), 0.8)
    assert float(rows[0]["lag_median"]) == pytest.approx(api[0].lag_median, rel=1e-3)


def test_predict_ignores_extra_columns_including_lag_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "pred.csv"
    assert run(monkeypatch, "predict", str(shipped_events_path()), "--out", str(out)) == 0
    assert (
        len(out.read_text().splitlines())
        == 1 + len(shipped_events_path().read_text().splitlines()) - 1
    )


@pytest.mark.parametrize(
    ("bad", "column"),
    [
        (ROWS[1].replace("sanctions", "tanks"), "instrument"),
        (ROWS[1].replace("2027-03-01", "2027-02-30"), "trigger_date"),
        (ROWS[1].replace(",true,false", ",yes please,false"), "nuclear_adversary"),
    ],
)
def test_bad_row_is_one_clear_line_and_nothing_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bad: str,
    column: str,
) -> None:
    events = write(tmp_path / "in.csv", ROWS[0], bad, ROWS[2])
    out = tmp_path / "pred.csv"
    assert run(monkeypatch, "predict", str(events), "--out", str(out)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "row 2" in err and "event_id 'P2'" in err and f"column '{column}'" in err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [events]  # no temporary file left either


def test_missing_column_and_bad_params(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    header = PRED_HEADER.replace(",severity", "")
    rows = [r.replace(",high,", ",").replace(",medium,", ",") for r in ROWS]
    events = write(tmp_path / "in.csv", *rows, header=header)
    assert run(monkeypatch, "predict", str(events), "--out", str(tmp_path / "p.csv")) == 2
    assert "missing column 'severity'" in capsys.readouterr().err
    good = write(tmp_path / "good.csv", *ROWS)
    params = tmp_path / "params.json"
    params.write_text('{"family": "frechet"}')
    assert run(monkeypatch, "predict", str(good), "--params", str(params)) == 2
    assert "params.json: not a timing-parameter document" in capsys.readouterr().err
    assert run(monkeypatch, "predict", str(good), "--interval", "1.5") == 2
    assert "--interval" in capsys.readouterr().err


def test_fit_then_predict_with_its_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.json"
    assert run(monkeypatch, "fit", str(shipped_events_path()), "--out", str(params)) == 0
    doc = json.loads(params.read_text())
    assert {p["name"] for p in doc["parameters"]} >= {"intercept", "log_tau[crisis]"}
    assert all(p["sd"] > 0 for p in doc["parameters"])
    assert "instrument[troops]" in capsys.readouterr().out  # names survive Rich markup
    events = write(tmp_path / "in.csv", *ROWS)
    assert run(monkeypatch, "predict", str(events), "--params", str(params)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "event_id,lag_lo,lag_median,lag_hi" and len(out) == 4


def test_fit_bad_row_writes_no_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = shipped_events_path().read_text().splitlines()
    lines[5] = lines[5].replace(",state,", ",kingdom,", 1).replace(",eu,", ",kingdom,", 1)
    events = tmp_path / "events.csv"
    events.write_text("\n".join(lines) + "\n")
    params = tmp_path / "params.json"
    assert run(monkeypatch, "fit", str(events), "--out", str(params)) == 2
    assert "row 5" in capsys.readouterr().err
    assert not params.exists()


def test_backtest_writes_metrics_and_plots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = shipped_events_path().read_text().splitlines()
    keep = [lines[0]] + [
        ln for ln in lines[1:] if any(c in ln for c in ("Korea 1950", "Gulf War", "Falklands"))
    ]
    events = tmp_path / "small.csv"
    events.write_text("\n".join(keep) + "\n")
    out_dir = tmp_path / "bt"
    assert run(monkeypatch, "backtest", str(events), "--out-dir", str(out_dir)) == 0
    printed = capsys.readouterr().out
    assert "Leave-one-crisis-out" in printed and "empirical" in printed
    names = {p.name for p in out_dir.iterdir()}
    assert names == {
        "calibration_backtest_metrics.csv",
        "calibration_backtest_metrics.json",
        "calibration_backtest_rows.csv",
        "calibration_backtest_pit.png",
        "calibration_backtest_pred_vs_obs.png",
    }
    metrics = json.loads((out_dir / "calibration_backtest_metrics.json").read_text())
    assert {e["method"] for e in metrics["overall"]} == set(METHODS)
    assert (out_dir / "calibration_backtest_pit.png").read_bytes()[:4] == b"\x89PNG"
