"""The defaults of an assessment, in a module that imports nothing heavy (the command line's
help reads them without loading numpy or the simulator).

``ENGINE`` is the one switch between the simulator's engines: ``"kernel"`` (the compiled fast
path, checked against the reference by tests/sim/kernel/test_conformance.py) or ``"reference"``
(the scalar runner that drives the mechanism event by event).
"""

from dataclasses import dataclass

ENGINE = "kernel"
ENGINES = ("kernel", "reference")

SEED = 0

TASKS_PER_DESIGN = 16
"""A design's futures are cut into at most this many tasks (one part file each): few enough
that a task's start-up is small beside its runs, enough to spread over workers and to resume."""


@dataclass(frozen=True)
class Sizes:
    """How much each part of the assessment simulates. Runs are campaigns per design, future
    and scenario family; the analyses after the sweep simulate futures and designs of their own
    (``pipeline``)."""

    samples: int
    """Futures drawn by Latin hypercube for the sweep."""
    runs_per_sample: int
    morris_trajectories: int
    """Morris trajectories over every "assumption" parameter (each costs parameters + 1 futures)."""
    sobol_base: int
    """Saltelli base sample (a power of 2; costs base × (parameters + 2) futures)."""
    lever_futures: int
    """The sweep's first futures over which the lever grid and the pivotal states are read."""
    analysis_runs: int
    """Runs per cell in the screening, Sobol, lever and pivotal simulations."""
    sweep_runs: int
    """Runs per cell for the window and speed-up curves (at the registry's defaults)."""

    def __post_init__(self) -> None:
        if self.morris_trajectories < 2:
            raise ValueError(
                "morris_trajectories must be at least 2: Morris's sigma is the spread of a "
                "parameter's elementary effects, one per trajectory"
            )
        if self.sobol_base < 1 or self.sobol_base & (self.sobol_base - 1):
            raise ValueError(f"sobol_base must be a power of 2 (Saltelli), not {self.sobol_base}")


FULL = Sizes(
    samples=64,
    runs_per_sample=100,
    morris_trajectories=8,
    sobol_base=32,
    lever_futures=8,
    analysis_runs=120,
    sweep_runs=400,
)
"""``pact24 assess`` and ``make demo``: sized to finish within 10 minutes on 2 cores."""

QUICK = Sizes(
    samples=8,
    runs_per_sample=20,
    morris_trajectories=2,
    sobol_base=8,
    lever_futures=2,
    analysis_runs=10,
    sweep_runs=60,
)
"""``--quick``: the same pipeline on a sweep small enough for a first look (< 2 min)."""

SAMPLES = FULL.samples
RUNS_PER_SAMPLE = FULL.runs_per_sample
QUICK_SAMPLES = QUICK.samples
QUICK_RUNS_PER_SAMPLE = QUICK.runs_per_sample

WINDOWS_HOURS = (6.0, 12.0, 24.0, 48.0, 72.0, 168.0, 720.0)
"""The window lengths of the window curve (6 h to 30 days)."""
SPEEDUPS = (0.5, 1.0, 2.0, 4.0, 10.0)
"""``guarantor.deadline_speedup`` values of the speed-up curve (1: the fitted effect alone)."""

FOCUS = "meloni-24h"
"""The design the seed asks about: the headline, failure cases, levers and pivotal states."""
