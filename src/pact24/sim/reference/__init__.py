"""The reference simulator: modelled actors drive the real mechanism event by event.

Scalar and explainable; a vectorised ``sim/kernel`` (planned) is to be checked against it.
``setup`` reads a design and scenario once; ``campaign`` runs campaigns of crises; ``crisis``
drives one deliberation through the mechanism, with ``guarantors``, ``procedures``,
``assessment`` and ``arrivals`` as the actors' models acting on it through one ``driver``.
"""

from pact24.sim.reference.campaign import iter_runs, replay_run, run_generator, run_many, run_one
from pact24.sim.reference.records import CrisisRecord, RunRecord
from pact24.sim.reference.setup import START, Setup, prepare

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
