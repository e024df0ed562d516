"""`make bench`: throughput of the mechanism, the ledger and the reference simulator.

Numbers go to ``bench-results/bench.json`` with the machine they were measured on; nothing
here asserts a time (a benchmark is read, not passed). Ratios between the parts are measured in
the same run, on the same machine.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import pytest

from pact24 import demo
from pact24.designs import preset_names, resolve_design
from pact24.mechanism import engine
from pact24.sim.reference.runner import prepare, run_many

pytestmark = pytest.mark.bench
OUT = Path("bench-results") / "bench.json"
RESULTS: dict[str, object] = {}
RUNS_PER_S: dict[str, float] = {}


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


def teardown_module() -> None:
    OUT.parent.mkdir(exist_ok=True)
    payload = {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "results": {**RESULTS, "reference_runs_per_s_overt_invasion": RUNS_PER_S},
    }
    OUT.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nbenchmarks written to {OUT}")
