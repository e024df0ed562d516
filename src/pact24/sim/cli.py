"""``pact24 simulate``: run a design against a scenario family many times, summarise, explain."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from pact24 import __version__
from pact24.errors import InvalidInput
from pact24.sim.models.scenario import SCENARIOS

if TYPE_CHECKING:
    from pact24.sim.kernel.aggregates import Aggregates
    from pact24.sim.reference.setup import Setup
    from pact24.sim.summary import Share, Stat

KERNEL_FROM_RUNS = 1000
"""``--engine`` defaults to the kernel above this many runs, to the reference up to it."""

out = Console()
err = Console(stderr=True)


def _print_registry() -> None:
    """One line per parameter (greppable): name = default [low, high] unit; source."""
    from pact24.sim.registry import REGISTRY

    out.print(f"# {len(REGISTRY)} model parameters: name = default [low, high] unit; source")
    for p in REGISTRY.values():
        out.print(
            f"{p.name} = {p.default:g} [{p.low:g}, {p.high:g}] {p.unit}; {p.source}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _fmt(x: float, kind: str) -> str:
    if math.isnan(x):
        return "–"
    if kind == "proportion":
        return f"{x:.3f}"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


def _pledge_table(honoured: Share, grid: list[list[Share]]) -> Table:
    """P(troop pledges >= k) by horizon, next to P(honoured) (each ± its standard error)."""
    from pact24.sim.results import PLEDGE_HORIZONS
    from pact24.sim.summary import PLEDGE_KS

    def cell(s: Share) -> str:
        return "–" if math.isnan(s.p) else f"{s.p:.3f} ± {s.se:.3f}"

    table = Table(
        title=f"troop pledges over {honoured.n} attacked runs (± standard error); "
        f"P(honoured) = {cell(honoured)}",
        title_justify="left",
    )
    table.add_column("by", justify="left", no_wrap=True)
    for k in PLEDGE_KS:
        table.add_column(f"P(pledges ≥ {k})", justify="right", no_wrap=True)
    for label, line in zip(PLEDGE_HORIZONS, grid, strict=True):
        table.add_row(label, *(cell(s) for s in line))
    return table


def simulate_cmd(
    design: str = typer.Option(None, "--design", "-d", help="Preset name or design YAML file."),
    scenario: str = typer.Option(
        None, "--scenario", "-s", help=f"Scenario family: {', '.join(SCENARIOS)}."
    ),
    runs: int = typer.Option(1000, "--runs", "-n", min=1, help="Number of runs (campaigns)."),
    seed: int = typer.Option(
        0, "--seed", min=0, help="Seed; run k uses SeedSequence(seed).spawn(runs)[k]."
    ),
    out_path: Path = typer.Option(None, "--out", "-o", help="Write the results table (Parquet)."),
    explain_run: int = typer.Option(
        None, "--explain", min=0, help="Print run K as a narrative timeline."
    ),
    overrides: list[str] = typer.Option(
        [], "--set", help="Override a model parameter: name=value (repeatable)."
    ),
    list_params: bool = typer.Option(
        False, "--list-params", help="Print the parameter registry and exit."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary."),
    engine: str = typer.Option(
        None,
        "--engine",
        help=f"kernel or reference (default: kernel above {KERNEL_FROM_RUNS} runs); "
        "--explain always replays the run with the reference.",
    ),
    workers: int = typer.Option(
        os.cpu_count() or 1,
        "--workers",
        min=1,
        help="Kernel threads (default: every core; the results do not depend on it).",
    ),
    chunk: int = typer.Option(
        None, "--chunk", min=1, help="Kernel runs per chunk (memory, never the result)."
    ),
) -> None:
    """Simulate crises under a guarantee design and summarise how credible it is."""
    if list_params:
        _print_registry()
        return
    if design is None or scenario is None:
        raise InvalidInput("simulate needs --design and --scenario (or --list-params)")
    if explain_run is not None and explain_run >= runs:
        raise InvalidInput(f"--explain {explain_run}: there are only {runs} runs (0..{runs - 1})")
    engine = engine or ("kernel" if runs > KERNEL_FROM_RUNS else "reference")
    if engine not in ("kernel", "reference"):
        raise InvalidInput(f"--engine {engine!r}: expected kernel or reference", engine=engine)
    # Imported here, not at the top, so that `--help` and `--list-params` load none of them.
    from pact24.designs import resolve_design
    from pact24.sim import results
    from pact24.sim.reference import prepare, replay_run
    from pact24.sim.reference.explain import explain
    from pact24.sim.registry import parse_overrides
    from pact24.sim.summary import pledge_table, summarise

    d = resolve_design(design)
    setup = prepare(d, scenario, parse_overrides(overrides))
    meta = {
        "design": d.name,
        "scenario": scenario,
        "runs": runs,
        "seed": seed,
        "overrides": dict(sorted(setup.overrides.items())),
        "pact24": __version__,
    }

    if engine == "kernel":
        agg = _kernel_aggregate(
            setup, runs, seed, quiet, chunk_runs=chunk, workers=workers, parquet=out_path, meta=meta
        )
        stats, pledges = agg.summarise(), agg.pledge_table()
    else:
        rows = _reference_rows(setup, runs, seed, quiet)
        if out_path is not None:
            results.write_parquet(rows, out_path, meta)
        stats, pledges = summarise(rows), pledge_table(rows)

    if not quiet:
        _print_summary(f"{d.name} × {scenario}: {runs} runs, seed {seed}, {engine}", stats)
        out.print(_pledge_table(*pledges))
        if out_path is not None:
            out.print(f"results: {out_path}")

    if explain_run is not None:
        record = replay_run(setup, seed, explain_run)
        for line in explain(setup, record, seed):
            out.print(line, highlight=False, markup=False, soft_wrap=True)


@contextmanager
def _runs_bar(setup: Setup, runs: int) -> Iterator[tuple[Progress, TaskID]]:
    """A progress bar over ``runs`` runs on stderr, gone when they are done."""
    with Progress(
        TextColumn(f"[bold]{setup.design.name}[/] × {setup.scenario}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        yield bar, bar.add_task("runs", total=runs)


def _reference_rows(setup: Setup, runs: int, seed: int, quiet: bool) -> list[dict[str, Any]]:
    """The reference runner's rows, with a progress bar for long runs."""
    from pact24.sim.reference import run_many

    if quiet or runs < 200:
        return run_many(setup, runs, seed)
    with _runs_bar(setup, runs) as (bar, task):
        return run_many(setup, runs, seed, progress=lambda _k: bar.advance(task))


def _kernel_aggregate(
    setup: Setup,
    runs: int,
    seed: int,
    quiet: bool,
    *,
    chunk_runs: int | None,
    workers: int,
    parquet: Path | None,
    meta: dict[str, Any],
) -> Aggregates:
    """The kernel's aggregates, with a progress bar that moves chunk by chunk (10^8 crises take
    about 20 minutes on two cores)."""
    from pact24.sim.kernel import aggregate

    def run(progress: Callable[[int, int], None] | None) -> Aggregates:
        return aggregate(
            setup,
            runs,
            seed,
            chunk_runs=chunk_runs,
            workers=workers,
            parquet=parquet,
            metadata=meta,
            progress=progress,
        )

    if quiet:
        return run(None)
    with _runs_bar(setup, runs) as (bar, task):
        return run(lambda done, _: bar.update(task, completed=done))


def _print_summary(title: str, stats: list[Stat]) -> None:
    table = Table(title=f"{title} (95 % intervals)", title_justify="left")
    for col, just in (
        ("statistic", "left"),
        ("over", "left"),
        ("n", "right"),
        ("value", "right"),
        ("95 % CI", "right"),
    ):
        table.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
    for s in stats:
        ci = "" if math.isnan(s.lo) else f"[{_fmt(s.lo, s.kind)}, {_fmt(s.hi, s.kind)}]"
        label = f"P({s.name})" if s.kind == "proportion" else f"mean {s.name}"
        table.add_row(label, s.over, str(s.n), _fmt(s.value, s.kind), ci)
    out.print(table)
