"""The assessment from Python (a notebook, a script): DataFrames in, DataFrames out.

::

    from pact24.explore.api import assess
    a = assess(designs="meloni-24h,tripwire-presence", samples=16, runs_per_sample=50, seed=1)
    a.outcomes.groupby("design")["p_pledges_ge3_24h"].mean()

Runs stream to ``out`` (a temporary folder when none is given, kept so the tables can be read
again) and resume there; ``progress(done, total)`` is called as tasks finish.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pact24.designs.schema import Design
from pact24.explore.defaults import ENGINE, RUNS_PER_SAMPLE, SAMPLES, SEED
from pact24.explore.parts import read_arguments, read_tables
from pact24.explore.sampling import latin
from pact24.explore.sweep import Progress, Sweep, designs_of, run_sweep
from pact24.explore.uncertainties import UNCERTAINTIES


@dataclass(frozen=True)
class Assessment:
    """A finished sweep: its futures, one outcome row per (design, future, family), its folder
    and the arguments it was made with."""

    experiments: pd.DataFrame
    outcomes: pd.DataFrame
    path: Path
    arguments: dict[str, Any]


def read(path: Path | str) -> Assessment:
    """The assessment stored in the folder ``path``."""
    experiments, outcomes = read_tables(path)
    return Assessment(experiments, outcomes, Path(path), read_arguments(path))


def evaluate(
    experiments: pd.DataFrame,
    *,
    designs: Sequence[str | Design] | str = "all",
    runs_per_sample: int = RUNS_PER_SAMPLE,
    seed: int = SEED,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    out: Path | str | None = None,
    engine: str = ENGINE,
    progress: Progress | None = None,
) -> Assessment:
    """Every design against the futures of ``experiments`` (``sampling``'s tables: Latin
    hypercube, Saltelli, or a screening design)."""
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="pact24-assess-"))
    sweep = Sweep(designs_of(designs), experiments, runs_per_sample, seed, engine)
    run_sweep(sweep, folder, executor=executor, workers=workers, address=address, progress=progress)
    return read(folder)


Evaluate = Callable[[Sequence[Design], pd.DataFrame, int, int], pd.DataFrame]
"""``evaluate(designs, experiments, runs, seed)``: the outcome rows of a sweep."""


def evaluator(
    *,
    out: Path | str | None = None,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    engine: str = ENGINE,
    progress: Progress | None = None,
) -> Evaluate:
    """The sweep as a callback for analyses that simulate designs or futures of their own
    (screening, Sobol, lever search). Each call streams to ``out/sweep-<key>``, the key a hash
    of its arguments, so calling it again with the same arguments resumes or just reads."""
    root = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="pact24-assess-"))

    def evaluate_(
        designs: Sequence[Design], experiments: pd.DataFrame, runs: int, seed: int
    ) -> pd.DataFrame:
        sweep = Sweep(tuple(designs), experiments, runs, seed, engine)
        text = json.dumps(sweep.arguments(), sort_keys=True).encode()
        folder = root / f"sweep-{hashlib.sha256(text).hexdigest()[:16]}"
        run_sweep(
            sweep, folder, executor=executor, workers=workers, address=address, progress=progress
        )
        return read_tables(folder)[1]

    return evaluate_


def assess(
    *,
    designs: Sequence[str | Design] | str = "all",
    samples: int = SAMPLES,
    runs_per_sample: int = RUNS_PER_SAMPLE,
    seed: int = SEED,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    out: Path | str | None = None,
    engine: str = ENGINE,
    progress: Progress | None = None,
) -> Assessment:
    """Every design against ``samples`` futures drawn by Latin hypercube over the deep
    uncertainties (``uncertainties.UNCERTAINTIES``, drawn with ``seed``), each future and
    scenario family simulated ``runs_per_sample`` times."""
    return evaluate(
        latin(UNCERTAINTIES, samples, seed),
        designs=designs,
        runs_per_sample=runs_per_sample,
        seed=seed,
        executor=executor,
        workers=workers,
        address=address,
        out=out,
        engine=engine,
        progress=progress,
    )
