"""Every design against every future and every scenario family, ``runs`` campaigns each.

The work is cut into tasks, each one design and a chunk of consecutive futures (all five
families): at most ``TASKS_PER_DESIGN`` tasks per design, so that a task's start-up (a worker,
reading the design) is small beside its runs, yet there are enough tasks to keep workers busy
and to resume from. The chunks depend only on the number of futures, never on the executor or
the number of workers, and a row's numbers depend only on its seed (``evaluate.future_seed``):
the same arguments give the same tables whichever way they ran.

A task's rows go to its part file as soon as it finishes, and ``outcomes.parquet`` is rewritten
from the parts as they come in (``parts.Folder``), and at the end. A rewrite reads every part, so
they are spaced by :data:`MERGE_SECONDS` or ten times the last rewrite's time, whichever is
longer: the sweep never spends more than about a tenth of its time rewriting.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pact24 import __version__
from pact24.designs.schema import Design
from pact24.errors import InvalidInput
from pact24.explore import executors
from pact24.explore.defaults import ENGINE, ENGINES, TASKS_PER_DESIGN
from pact24.explore.evaluate import future_seed, simulate_columns
from pact24.explore.outcomes import summarise_columns
from pact24.explore.parts import Folder
from pact24.sim.models.scenario import FAMILIES
from pact24.sim.reference.setup import prepare

MERGE_SECONDS = 1.0
MERGE_SHARE = 0.1

Progress = Callable[[int, int], None]
"""``progress(done, total)``, counted in (design, future, family) cells."""


@dataclass(frozen=True)
class Task:
    """One design against a chunk of futures: ``futures`` holds ``(future, overrides)``."""

    key: str
    design: Design
    futures: tuple[tuple[int, dict[str, float]], ...]
    runs: int
    seed: int
    engine: str

    @property
    def cells(self) -> int:
        return len(self.futures) * len(FAMILIES)


def run_task(task: Task) -> list[dict[str, Any]]:
    """The outcome rows of one task (a module-level function: workers import it)."""
    rows = []
    for future, overrides in task.futures:
        for j, family in enumerate(FAMILIES):
            setup = prepare(task.design, family.value, overrides)
            seed = future_seed(task.seed, future, j)
            cols = simulate_columns(setup, task.runs, seed, task.engine)
            rows.append(
                {
                    "design": task.design.name,
                    "future": future,
                    "family": family.value,
                    "runs": task.runs,
                    **summarise_columns(cols),
                }
            )
    return rows


@dataclass(frozen=True)
class Sweep:
    """Designs × the futures of an experiments table × the families, ``runs`` runs each.

    ``experiments``: one row per future (``sampling``); its parameter columns are overrides of
    the registry, and a missing value (NaN) leaves the parameter at its default."""

    designs: tuple[Design, ...]
    experiments: pd.DataFrame
    runs: int
    seed: int
    engine: str = ENGINE

    def __post_init__(self) -> None:
        names = [d.name for d in self.designs]
        if not names or len(set(names)) != len(names):
            raise InvalidInput(f"a sweep needs distinct designs, got {', '.join(names) or 'none'}")
        if self.runs < 1:
            raise InvalidInput("a sweep needs at least one run per future")
        if self.engine not in ENGINES:
            raise InvalidInput(
                f"unknown engine {self.engine!r}; expected one of {', '.join(ENGINES)}"
            )

    @property
    def parameters(self) -> list[str]:
        return [c for c in self.experiments.columns if c not in ("future", "sample")]

    @property
    def chunk(self) -> int:
        """Futures per task."""
        return max(1, math.ceil(len(self.experiments) / TASKS_PER_DESIGN))

    def arguments(self) -> dict[str, Any]:
        """What the results depend on (``run.json``); not the executor nor the workers."""
        table = self.experiments.to_csv(index=False, float_format="%.17g").encode()
        designs = "\n".join(d.model_dump_json() for d in self.designs).encode()
        return {
            "designs": [d.name for d in self.designs],
            "designs_sha256": hashlib.sha256(designs).hexdigest(),
            "families": [f.value for f in FAMILIES],
            "futures": len(self.experiments),
            "samples": sorted(set(self.experiments["sample"].astype(str))),
            "parameters": self.parameters,
            "experiments_sha256": hashlib.sha256(table).hexdigest(),
            "runs_per_sample": self.runs,
            "seed": self.seed,
            "engine": self.engine,
            "futures_per_task": self.chunk,
            "pact24": __version__,
        }

    def tasks(self) -> list[Task]:
        futures = []
        for record in self.experiments.to_dict("records"):
            overrides = {p: float(record[p]) for p in self.parameters if not pd.isna(record[p])}
            futures.append((int(record["future"]), overrides))
        out = []
        for i, design in enumerate(self.designs):
            for start in range(0, len(futures), self.chunk):
                chunk = tuple(futures[start : start + self.chunk])
                key = f"d{i:03d}-f{chunk[0][0]:06d}"
                out.append(Task(key, design, chunk, self.runs, self.seed, self.engine))
        return out


def run_sweep(
    sweep: Sweep,
    out: Path | str,
    *,
    executor: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: Progress | None = None,
) -> Folder:
    """Run ``sweep`` into the folder ``out``, skipping the tasks a previous run of the same
    sweep finished there; the folder's tables are complete when this returns."""
    folder = Folder(out)
    tasks = sweep.tasks()
    finished = folder.finished()
    todo = [t for t in tasks if t.key not in finished]
    # Lazy: nothing runs (and no Ray starts) before the folder has accepted the sweep.
    results = executors.run(run_task, todo, executor=executor, workers=workers, address=address)
    folder.start(sweep.arguments(), sweep.experiments)
    total = sum(t.cells for t in tasks)
    done = total - sum(t.cells for t in todo)
    merged, gap = time.monotonic(), MERGE_SECONDS
    folder.merge()
    if progress is not None:
        progress(done, total)
    for task, rows in results:
        folder.add(task.key, rows)
        done += task.cells
        if time.monotonic() - merged >= gap:
            began = time.monotonic()
            folder.merge()
            merged = time.monotonic()
            gap = max(MERGE_SECONDS, (merged - began) / MERGE_SHARE)
        if progress is not None:
            progress(done, total)
    folder.merge()
    return folder


def designs_of(names: Sequence[str | Design] | str) -> tuple[Design, ...]:
    """``"all"`` (every preset), preset names and design files (a list, or comma-separated),
    or designs already made (variants a lever search builds)."""
    from pact24.designs import preset_names, resolve_design

    if isinstance(names, str):
        names = preset_names() if names == "all" else [n.strip() for n in names.split(",")]
    return tuple(n if isinstance(n, Design) else resolve_design(n) for n in names if n)
