"""The defaults of an assessment, in a module that imports nothing (the command line's help
reads them without loading numpy or the simulator).

``ENGINE`` is the one switch between the simulator's engines: ``"reference"`` (the scalar
runner that drives the mechanism event by event) or ``"kernel"`` (the compiled fast path).
"""

ENGINE = "reference"
ENGINES = ("kernel", "reference")

SAMPLES = 100
"""Futures drawn by Latin hypercube."""
RUNS_PER_SAMPLE = 100
"""Runs (campaigns) per design, future and scenario family."""
SEED = 0

QUICK_SAMPLES = 8
QUICK_RUNS_PER_SAMPLE = 20
"""``--quick``: the same pipeline on a sweep small enough for a first look."""

TASKS_PER_DESIGN = 16
"""A design's futures are cut into at most this many tasks (one part file each): few enough
that a task's start-up is small beside its runs, enough to spread over workers and to resume."""
