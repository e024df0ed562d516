"""The kernel: the reference simulator's models compiled (numba) and run over blocks of runs.

``run_table`` gives every column of ``sim.results`` for N runs; ``aggregate`` gives the summaries
``sim/summary`` prints, in memory that does not grow with N (and, if asked, the rows as Parquet).
Conformance tests (``tests/sim/kernel``) hold its outcome distributions to the reference's.
"""

from pact24.sim.kernel import cache

cache.refresh()

from pact24.sim.kernel.aggregates import Aggregates  # noqa: E402
from pact24.sim.kernel.engine import BLOCK, aggregate, run_table  # noqa: E402

__all__ = ["BLOCK", "Aggregates", "aggregate", "run_table"]
