"""``pact24 assess``: every design against sampled futures, streamed to a folder, resumable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from pact24.explore.defaults import (
    ENGINE,
    ENGINES,
    FULL,
    QUICK,
    QUICK_RUNS_PER_SAMPLE,
    QUICK_SAMPLES,
    RUNS_PER_SAMPLE,
    SAMPLES,
    SEED,
)

out = Console()
err = Console(stderr=True)


def assess_cmd(
    designs: str = typer.Option(
        "all",
        "--designs",
        help="'all' (every preset) or preset names / design files, comma-separated.",
    ),
    samples: int = typer.Option(
        None,
        "--samples",
        min=1,
        help=f"Futures drawn by Latin hypercube "
        f"(default: {SAMPLES}; {QUICK_SAMPLES} with --quick).",
        show_default=False,
    ),
    runs_per_sample: int = typer.Option(
        None,
        "--runs-per-sample",
        min=1,
        help=f"Runs per design, future and scenario family (default: {RUNS_PER_SAMPLE}; "
        f"{QUICK_RUNS_PER_SAMPLE} with --quick).",
        show_default=False,
    ),
    seed: int = typer.Option(SEED, "--seed", min=0, help="Seed of the futures and of every run."),
    executor: str = typer.Option("local", "--executor", help="local (worker processes) or ray."),
    address: str = typer.Option(
        None, "--address", help="Ray cluster address (default: start a local Ray)."
    ),
    workers: int = typer.Option(
        None,
        "--workers",
        min=1,
        help="Worker processes, or the CPUs of a local Ray (default: every core).",
        show_default=False,
    ),
    out_dir: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="Output folder; run again with the same arguments to resume "
        "(default: a new temporary folder).",
        show_default=False,
    ),
    quick: bool = typer.Option(
        False, "--quick", help="The same pipeline on a small sweep, for a first look."
    ),
    engine: str = typer.Option(
        ENGINE, "--engine", help=f"Simulator engine: {' or '.join(ENGINES)}."
    ),
    sweep_only: bool = typer.Option(
        False,
        "--sweep-only",
        help="Stop after the sweep (experiments.parquet, outcomes.parquet): no analyses or report.",
    ),
) -> None:
    """Assess the designs against sampled futures, find where each fails, and write the report."""
    from dataclasses import replace

    from pact24.explore.pipeline import AssessArgs, run_pipeline

    sizes = QUICK if quick else FULL
    if samples is not None:
        sizes = replace(sizes, samples=samples)
    if runs_per_sample is not None:
        sizes = replace(sizes, runs_per_sample=runs_per_sample)
    args = AssessArgs(
        designs=designs,
        sizes=sizes,
        seed=seed,
        executor=executor,
        address=address,
        workers=workers,
        out=out_dir,
        engine=engine,
        sweep_only=sweep_only,
    )
    with Progress(
        TextColumn("[bold]assess[/] {task.description:<8}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("design × future × family"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    ) as bar:

        def stage(name: str) -> Callable[[int, int], None]:
            task = bar.add_task(name, total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            return progress

        path = run_pipeline(args, stage)
    out.print(f"{'results' if sweep_only else 'report'}: {path}", highlight=False)
