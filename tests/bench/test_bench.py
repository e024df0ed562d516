"""`make bench`: throughput of the mechanism, the ledger and the reference simulator, and how
long the command line takes to start.

Numbers go to ``bench-results/bench.json`` with the machine they were measured on; nothing
here asserts a time (a benchmark is read, not passed). Ratios between the parts are measured in
the same run, on the same machine.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.bench import machine

from pact24 import demo
from pact24.designs import preset_names, resolve_design
from pact24.mechanism import engine
from pact24.sim.reference import prepare, run_many

pytestmark = pytest.mark.bench
OUT = Path("bench-results") / "bench.json"
RESULTS: dict[str, object] = {}
RUNS_PER_S: dict[str, float] = {}
STARTUP: dict[str, dict[str, float]] = {}


def _rate(n: int, fn) -> float:
    t = time.perf_counter()
    fn()
    return n / (time.perf_counter() - t)


def test_mechanism_fold_rate():
    run = demo.run()
    events = run.state.history
    reps = 300
    rate = _rate(
        reps * len(events), lambda: [engine.replay(run.state.design, events) for _ in range(reps)]
    )
    RESULTS["mechanism_events_per_s"] = round(rate)
    assert engine.replay(run.state.design, events) == run.state


def test_ledger_append_rate():
    reps = 20
    rate = _rate(reps * demo.run().ledger.size, lambda: [demo.run() for _ in range(reps)])
    RESULTS["demo_ledger_entries_per_s_incl_signing"] = round(rate)
    assert rate > 0


@pytest.mark.parametrize("design", preset_names())
def test_reference_runs_per_s(design):
    setup = prepare(resolve_design(design), "overt_invasion")
    runs = 300
    rows: list[dict[str, object]] = []
    rate = _rate(runs, lambda: rows.extend(run_many(setup, runs, seed=1)))
    RUNS_PER_S[design] = round(rate, 1)
    assert len(rows) == runs


# Runs the command from a small interpreter, so that each run's peak RSS is its own: a child
# forked from pytest would report pytest's memory as its peak (Linux keeps it across exec).
_TIMER = """
import json, os, subprocess, sys, time
runs = []
for _ in range(6):
    t = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, sys.argv[1:]
    runs.append((time.perf_counter() - t, usage.ru_utime + usage.ru_stime, usage.ru_maxrss))
print(json.dumps(runs[1:]))
"""


@pytest.mark.parametrize("argv", [["--help"], ["designs", "list"]], ids=" ".join)
def test_cli_start_up(argv: list[str]) -> None:
    """Median of 5 runs of the entry point, after one that warms the bytecode and file caches."""
    entry = [sys.executable, "-c", "from pact24.cli import main; main()", *argv]
    timer = subprocess.run(
        [sys.executable, "-c", _TIMER, *entry], capture_output=True, text=True, check=True
    )
    walls, cpus, rss_kib = zip(*json.loads(timer.stdout), strict=True)
    STARTUP[f"pact24 {' '.join(argv)}"] = {
        "median_wall_s": round(statistics.median(walls), 3),
        "median_cpu_s": round(statistics.median(cpus), 3),
        "median_peak_rss_mib": round(statistics.median(rss_kib) / 1024, 1),
    }


def teardown_module() -> None:
    OUT.parent.mkdir(exist_ok=True)
    payload = {
        "machine": machine.describe(),
        "results": {
            **RESULTS,
            "reference_runs_per_s_overt_invasion": RUNS_PER_S,
            "cli_start_up": STARTUP,
        },
    }
    OUT.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nbenchmarks written to {OUT}")
