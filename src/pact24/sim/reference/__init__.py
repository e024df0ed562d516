"""The reference simulator: modelled actors drive the real mechanism event by event.

Scalar and explainable; ``sim/kernel`` (vectorised) is checked against it.
"""

from pact24.sim.reference.runner import (
    START,
    CrisisRecord,
    RunRecord,
    Setup,
    iter_runs,
    prepare,
    replay_run,
    run_generator,
    run_many,
    run_one,
)

__all__ = [
    "START",
    "CrisisRecord",
    "RunRecord",
    "Setup",
    "iter_runs",
    "prepare",
    "replay_run",
    "run_generator",
    "run_many",
    "run_one",
]
