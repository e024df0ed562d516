"""``pact24 simulate``, the results schema and the summary statistics."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from pact24.cli import app
from pact24.sim import results
from pact24.sim.summary import mean_ci, summarise, wilson

runner = CliRunner()


def _simulate(*args: str) -> str:
    res = runner.invoke(app, ["simulate", *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_same_command_twice_gives_identical_parquet_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    for out in (a, b):
        _simulate(
            "--design",
            "meloni-24h",
            "--scenario",
            "salami",
            "--runs",
            "30",
            "--seed",
            "4",
            "--out",
            str(out),
            "--quiet",
        )
    assert a.read_bytes() == b.read_bytes()
    df = results.read_parquet(a)
    assert list(df.columns) == list(results.NAMES)
    assert len(df) == 30 and list(df["run"]) == list(range(30))
    for col in (
        "decided",
        "troops_in_window",
        "hours_to_first_troop_commitment",
        "hours_to_first_arrival",
        "territory_at_risk_km2",
        "attacked",
        "readiness_cost_eur",
        "commits_troops",
        "commits_defence_support",
        "commits_economic_aid",
        "commits_sanctions",
    ):
        assert col in df.columns
    meta = results.metadata_of(a)
    assert meta["design"] == "meloni-24h" and meta["seed"] == 4 and meta["runs"] == 30
    c = tmp_path / "c.parquet"
    _simulate(
        "--design",
        "meloni-24h",
        "--scenario",
        "salami",
        "--runs",
        "30",
        "--seed",
        "5",
        "--out",
        str(c),
        "--quiet",
    )
    assert c.read_bytes() != a.read_bytes()


def test_summary_prints_intervals() -> None:
    out = _simulate("--design", "tripwire-presence", "--scenario", "strike", "--runs", "40")
    assert "P(decided)" in out and "95 % CI" in out and "mean territory_at_risk_km2" in out


def test_explain_tells_run_k_from_its_event_log() -> None:
    out = _simulate(
        "--design",
        "meloni-24h",
        "--scenario",
        "overt_invasion",
        "--runs",
        "10",
        "--seed",
        "3",
        "--explain",
        "4",
        "--quiet",
        "--set",
        "guarantor.deadline_speedup=6",
        "--set",
        "campaign.opportunities=1",
        "--set",
        "adversary.gain.overt_invasion=3",
    )
    assert "Run 4 of meloni-24h against overt_invasion (seed 3)" in out
    for text in (
        "reports overt invasion",
        "opens the window; deadline +24.0 h after the attack",
        "closes the window (deadline)",
        "receipts frozen",
        "outcome:",
        "front:",
    ):
        assert text in out, text


def test_list_params_and_bad_input(tmp_path: Path) -> None:
    out = _simulate("--list-params")
    assert "guarantor.deadline_speedup" in out
    for args, msg in (
        (["--design", "meloni-24h", "--scenario", "invasion"], "unknown scenario"),
        (["--design", "no-such-design", "--scenario", "strike"], "no preset"),
        (["--design", "meloni-24h", "--scenario", "strike", "--set", "x.y=1"], "unknown model"),
        (
            ["--design", "meloni-24h", "--scenario", "strike", "--runs", "3", "--explain", "3"],
            "only 3 runs",
        ),
        (["--scenario", "strike"], "needs --design"),
    ):
        res = runner.invoke(app, ["simulate", *args])
        assert res.exit_code != 0
        assert msg in str(res.exception) or msg in res.output, (args, res.output)


def test_wilson_interval() -> None:
    p, lo, hi = wilson(50, 100)
    assert (
        p == 0.5 and lo == pytest.approx(0.4038, abs=1e-3) and hi == pytest.approx(0.5962, abs=1e-3)
    )
    assert wilson(0, 10)[1] == 0.0 and wilson(10, 10)[2] == pytest.approx(1.0)
    assert all(math.isnan(v) for v in wilson(0, 0))


def test_mean_interval_is_the_standard_error_interval() -> None:
    x = np.arange(100, dtype=float)
    n, m, lo, hi = mean_ci(x)
    assert m - lo == pytest.approx(hi - m)
    se = x.std(ddof=1) / 10
    assert n == 100 and m == 49.5 and hi - m == pytest.approx(1.959964 * se, rel=1e-5)
    assert mean_ci([math.nan, 1.0])[0] == 1


def test_summary_uses_attacked_runs_for_crisis_columns() -> None:
    r1 = results.empty_row() | {"attacked": True, "decided": True, "territory_at_risk_km2": 5.0}
    r2 = results.empty_row() | {"attacked": False, "territory_at_risk_km2": 0.0}
    stats = {s.name: s for s in summarise([r1, r2])}
    assert stats["decided"].n == 1 and stats["decided"].value == 1.0
    assert stats["attacked"].n == 2 and stats["attacked"].value == 0.5
    assert stats["territory_at_risk_km2"].value == 2.5


def test_rows_must_match_the_schema() -> None:
    row = results.empty_row()
    results.check_row(row)
    with pytest.raises(ValueError):
        results.check_row({**row, "extra": 1})
    del row["decided"]
    with pytest.raises(ValueError):
        results.check_row(row)
