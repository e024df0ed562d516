"""``pact24 simulate --engine``: the kernel above 1,000 runs by default, the same summary and
results file as the reference, and ``--explain`` replayed by the reference whatever the engine.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

import pact24.sim.kernel
from pact24.cli import app
from pact24.designs import resolve_design
from pact24.errors import InvalidInput
from pact24.sim import cli as sim_cli
from pact24.sim import results
from pact24.sim.kernel import Aggregates, run_table
from pact24.sim.reference import prepare

runner = CliRunner()


def _simulate(*args: str) -> str:
    res = runner.invoke(app, ["simulate", *args], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_kernel_is_the_default_above_a_thousand_runs() -> None:
    many = _simulate("-d", "meloni-24h", "-s", "strike", "-n", "1001", "--workers", "2")
    few = _simulate("-d", "meloni-24h", "-s", "strike", "-n", "20")
    assert "seed 0, kernel" in many and "P(decided)" in many and "P(pledges ≥ 3)" in many
    assert "seed 0, reference" in few


def test_kernel_writes_the_results_file_of_run_table(tmp_path: Path) -> None:
    out = tmp_path / "k.parquet"
    _simulate(
        "-d",
        "nato-membership",
        "-s",
        "hybrid_incursion",
        "-n",
        "300",
        "--engine",
        "kernel",
        "--chunk",
        "1",
        "--seed",
        "3",
        "--out",
        str(out),
        "--quiet",
    )
    frame = results.read_parquet(out)
    cols = run_table(prepare(resolve_design("nato-membership"), "hybrid_incursion"), 300, 3)
    for name, values in cols.items():
        np.testing.assert_array_equal(frame[name].to_numpy(), values, err_msg=name)
    assert results.metadata_of(out)["runs"] == 300


def test_explain_replays_with_the_reference_under_the_kernel() -> None:
    args = ("-d", "meloni-24h", "-s", "overt_invasion", "-n", "10", "--seed", "3")
    kernel = _simulate(*args, "--engine", "kernel", "--explain", "4", "--quiet")
    reference = _simulate(*args, "--engine", "reference", "--explain", "4", "--quiet")
    assert kernel == reference and "run 4" in kernel.lower()


def test_unknown_engine_is_refused() -> None:
    res = runner.invoke(app, ["simulate", "-d", "meloni-24h", "-s", "strike", "--engine", "gpu"])
    assert isinstance(res.exception, InvalidInput)
    assert "kernel or reference" in str(res.exception)


def test_kernel_shows_progress_and_uses_every_core_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A long kernel run moves a bar on stderr chunk by chunk, on every core unless told."""
    calls: list[dict[str, Any]] = []
    real = pact24.sim.kernel.aggregate

    def spy(*args: Any, **kw: Any) -> Aggregates:
        calls.append(kw)
        return real(*args, **kw)

    monkeypatch.setattr(pact24.sim.kernel, "aggregate", spy)
    buffer = io.StringIO()
    terminal = Console(file=buffer, force_terminal=True, color_system=None, width=100)
    monkeypatch.setattr(sim_cli, "err", terminal)
    args = ("-d", "meloni-24h", "-s", "strike", "-n", "2100", "--engine", "kernel")
    _simulate(*args, "--chunk", "1024")
    assert calls[0]["workers"] == (os.cpu_count() or 1) and callable(calls[0]["progress"])
    assert "meloni-24h × strike" in buffer.getvalue() and "2100/2100" in buffer.getvalue()
    _simulate(*args, "--quiet")
    assert calls[1]["progress"] is None
