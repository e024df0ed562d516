"""``pact24 assess`` end to end, as one function the command line (or a script) calls.

The pipeline is the sweep (``api.assess``): every design against the sampled futures, streamed
to the output folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pact24.designs.schema import Design
from pact24.explore.api import assess
from pact24.explore.defaults import ENGINE, RUNS_PER_SAMPLE, SAMPLES, SEED
from pact24.explore.sweep import Progress


@dataclass(frozen=True)
class AssessArgs:
    """The arguments of ``pact24 assess`` (``out=None``: a new temporary folder)."""

    designs: Sequence[str | Design] | str = "all"
    samples: int = SAMPLES
    runs_per_sample: int = RUNS_PER_SAMPLE
    seed: int = SEED
    executor: str = "local"
    address: str | None = None
    workers: int | None = None
    out: Path | None = None
    engine: str = ENGINE


def run_pipeline(args: AssessArgs, progress: Progress | None = None) -> Path:
    """Run the assessment of ``args``; the folder that holds its results."""
    assessment = assess(
        designs=args.designs,
        samples=args.samples,
        runs_per_sample=args.runs_per_sample,
        seed=args.seed,
        executor=args.executor,
        workers=args.workers,
        address=args.address,
        out=args.out,
        engine=args.engine,
        progress=progress,
    )
    return assessment.path
