"""One design in one future against one scenario family: ``runs`` campaigns as result columns.

The assessment does not care which engine runs the campaigns: ``simulate_columns`` gives every
column of ``pact24.sim.results.COLUMNS`` as arrays in run order, from the compiled kernel
(``pact24.sim.kernel.run_table``) or from the reference runner's rows.

Seeds: future ``f`` and family index ``j`` (in ``scenario.FAMILIES``) take their seed from
``SeedSequence(seed, spawn_key=(f, j))`` (its first 32-bit word). The design is not in the
key, so every design meets the same random numbers in the same future (common random numbers:
differences between designs are not noise between their draws).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pact24.errors import InvalidInput
from pact24.explore.defaults import ENGINE, ENGINES
from pact24.sim.reference.setup import Setup
from pact24.sim.results import COLUMNS

_NUMPY = {"bool": np.bool_, "int64": np.int64, "float64": np.float64, "string": object}


def future_seed(seed: int, future: int, family: int) -> int:
    """The seed of future ``future`` against family index ``family`` (not the design)."""
    return int(np.random.SeedSequence(seed, spawn_key=(future, family)).generate_state(1)[0])


def simulate_columns(
    setup: Setup, runs: int, seed: int, engine: str = ENGINE
) -> dict[str, np.ndarray]:
    """``runs`` campaigns of ``setup`` as one array per results column (run order)."""
    if engine == "kernel":
        from pact24.sim.kernel import run_table

        table: dict[str, np.ndarray] = run_table(setup, runs, seed)
        return table
    if engine == "reference":
        from pact24.sim.reference import run_many

        return columns(run_many(setup, runs, seed))
    raise InvalidInput(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def columns(rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Results rows as columns, each with its schema dtype."""
    return {c.name: np.asarray([r[c.name] for r in rows], dtype=_NUMPY[c.dtype]) for c in COLUMNS}
