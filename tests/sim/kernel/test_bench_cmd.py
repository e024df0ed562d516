"""``pact24 bench`` at toy sizes: the figures issue 13 asks for, under its keys, with the machine
and what it measures next on stderr. The rates are read, never asserted (``make bench`` runs the
real sizes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pact24.cli import app
from pact24.sim import bench


def test_bench_writes_every_figure_and_says_what_it_measures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in {
        "KERNEL_MIN_RUNS": 300,
        "KERNEL_SECONDS": 0.01,
        "REPEATS": 2,
        "REFERENCE_RUNS": 2,
        "RSS_CRISES": (10**3, 10**4),
    }.items():
        monkeypatch.setattr(bench, name, value)
    path = tmp_path / "kernel.json"
    res = CliRunner().invoke(app, ["bench", "--json", str(path), "--workers", "2"])
    assert res.exit_code == 0, res.output
    figures = json.loads(path.read_text())
    assert json.loads(res.stdout) == figures
    kernel, reference = figures["kernel_crises_per_s"], figures["reference_crises_per_s"]
    assert kernel > 0 and reference > 0
    assert figures["ratio"] == pytest.approx(kernel / reference, rel=0.01)
    assert figures["kernel_workers"] == 2 and figures["machine"]["cpus"] >= 1
    for key in ("peak_rss_mib_1e3", "peak_rss_mib_1e4"):
        assert 10 < figures[key] < 1024
    assert "kernel: 2 timed runs" in res.stderr and "peak RSS: 10,000 crises" in res.stderr
