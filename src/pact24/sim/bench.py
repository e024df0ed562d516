"""``pact24 bench``: the kernel's and the reference's crises per second on one workload, and the
kernel's peak memory, written as JSON with the machine they were measured on.

The workload is issue 13's: ``meloni-24h`` with its first :data:`GUARANTORS` guarantors, the
``adaptive`` scenario (the adversary mixes the five families), default parameters. The unit is a
crisis (an attack simulated), the same for both engines; each rate is the median of
:data:`REPEATS` timed runs after one untimed run (the kernel's compiles or loads its code then).
The reference runs on one core, as it always does; the kernel on every core (``workers``, in the
JSON). Peak RSS is measured in a fresh interpreter per size that keeps aggregates only, so it
is the kernel's own footprint, not the parent's.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from pact24.sim.reference.setup import Setup

DESIGN = "meloni-24h"
SCENARIO = "adaptive"
GUARANTORS = 10
REPEATS = 5
KERNEL_SECONDS = 1.0
"""About how long each timed kernel run lasts (its runs are sized from the untimed one)."""
KERNEL_MIN_RUNS = 20_000
"""The untimed kernel run, and the fewest runs a timed one has."""
REFERENCE_RUNS = 40
RSS_CRISES = (10**6, 10**8)

_RSS_CHILD = """
import json, resource, sys
from pact24.sim.kernel import aggregate
from pact24.sim.bench import workload
runs, workers = int(sys.argv[1]), int(sys.argv[2])
agg = aggregate(workload(), runs, 1, workers=workers)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"crises": agg.crises, "peak_rss_kib": peak}))
"""


def workload() -> Setup:
    """The benchmark's setup (module docstring)."""
    from pact24.designs import resolve_design
    from pact24.designs.schema import Design
    from pact24.sim.reference import prepare

    raw = resolve_design(DESIGN).model_dump()
    raw["guarantors"] = raw["guarantors"][:GUARANTORS]
    return prepare(Design.model_validate(raw), SCENARIO)


def machine() -> dict[str, Any]:
    """Platform, processor, cores, Python and numba, and the load average when measured."""
    import numba

    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numba": numba.__version__,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def kernel_rate(setup: Setup, workers: int) -> tuple[float, float]:
    """Median crises/s of the kernel, and its crises per run."""
    from pact24.sim.kernel import aggregate

    t = time.perf_counter()
    first = aggregate(setup, KERNEL_MIN_RUNS, 0, workers=workers)
    per_run = first.crises / first.runs
    elapsed = time.perf_counter() - t
    runs = max(KERNEL_MIN_RUNS, round(KERNEL_MIN_RUNS * KERNEL_SECONDS / elapsed))
    rates = []
    for seed in range(1, REPEATS + 1):
        t = time.perf_counter()
        agg = aggregate(setup, runs, seed, workers=workers)
        rates.append(agg.crises / (time.perf_counter() - t))
    return statistics.median(rates), per_run


def reference_rate(setup: Setup) -> float:
    """Median crises/s of the reference runner."""
    from pact24.sim.reference import run_many

    run_many(setup, 2, 0)
    rates = []
    for seed in range(1, REPEATS + 1):
        t = time.perf_counter()
        rows = run_many(setup, REFERENCE_RUNS, seed)
        rates.append(sum(r["crises"] for r in rows) / (time.perf_counter() - t))
    return float(statistics.median(rates))


def peak_rss_mib(crises: int, per_run: float, workers: int) -> float:
    """Peak RSS (MiB) of a fresh interpreter that aggregates about ``crises`` crises."""
    runs = math.ceil(crises / per_run)
    proc = subprocess.run(
        [sys.executable, "-c", _RSS_CHILD, str(runs), str(workers)],
        capture_output=True,
        text=True,
        check=True,
    )
    kib = json.loads(proc.stdout)["peak_rss_kib"]
    return round(float(kib) / 1024, 1)


def measure(workers: int, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Every figure of the JSON; ``say`` hears what is measured next (the whole takes about
    half an hour on two cores, most of it the 10^8 crises)."""
    setup = workload()
    say(f"kernel: {REPEATS} timed runs of about {KERNEL_SECONDS:g} s each, {workers} threads")
    kernel, per_run = kernel_rate(setup, workers)
    say(f"reference: {REPEATS} timed runs of {REFERENCE_RUNS} runs each, one core")
    reference = reference_rate(setup)
    rss = {}
    for n in RSS_CRISES:
        minutes = n / kernel / 60
        say(f"peak RSS: {n:,} crises in a fresh interpreter, about {minutes:.1f} min")
        rss[f"peak_rss_mib_1e{round(math.log10(n))}"] = peak_rss_mib(n, per_run, workers)
    return {
        "workload": f"{DESIGN} (first {GUARANTORS} guarantors) × {SCENARIO}",
        "kernel_crises_per_s": round(kernel),
        "reference_crises_per_s": round(reference, 1),
        "ratio": round(kernel / reference, 1),
        "kernel_workers": workers,
        "crises_per_run": round(per_run, 3),
        **rss,
        "machine": machine(),
    }


def bench_cmd(
    json_path: Path = typer.Option(None, "--json", help="Also write the figures to this file."),
    workers: int = typer.Option(
        os.cpu_count() or 1, "--workers", min=1, help="Kernel threads (default: every core)."
    ),
) -> None:
    """Measure the kernel's and the reference's crises per second and the kernel's peak memory."""
    from pact24.files import write_atomic

    figures = measure(workers, say=lambda what: typer.echo(what, err=True))
    text = json.dumps(figures, indent=2) + "\n"
    typer.echo(text, nl=False)
    if json_path is not None:
        write_atomic(json_path, text)
