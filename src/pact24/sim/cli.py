"""``pact24 simulate``: run a design against a scenario family many times, summarise, explain."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pact24 import __version__
from pact24.errors import InvalidInput
from pact24.sim.models.scenario import SCENARIOS

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


def _pledge_table(rows: list[dict[str, Any]]) -> Table:
    """P(troop pledges >= k) by horizon, next to P(honoured) (each ± its standard error)."""
    from pact24.sim.results import PLEDGE_HORIZONS
    from pact24.sim.summary import PLEDGE_KS, Share, pledge_table

    def cell(s: Share) -> str:
        return "–" if math.isnan(s.p) else f"{s.p:.3f} ± {s.se:.3f}"

    honoured, grid = pledge_table(rows)
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
) -> None:
    """Simulate crises under a guarantee design and summarise how credible it is."""
    if list_params:
        _print_registry()
        return
    if design is None or scenario is None:
        raise InvalidInput("simulate needs --design and --scenario (or --list-params)")
    if explain_run is not None and explain_run >= runs:
        raise InvalidInput(f"--explain {explain_run}: there are only {runs} runs (0..{runs - 1})")
    # Imported here, not at the top, so that `--help` and `--list-params` load none of them.
    from pact24.designs import resolve_design
    from pact24.sim import results
    from pact24.sim.reference import prepare, replay_run, run_many
    from pact24.sim.reference.explain import explain
    from pact24.sim.registry import parse_overrides
    from pact24.sim.summary import summarise

    d = resolve_design(design)
    setup = prepare(d, scenario, parse_overrides(overrides))

    if quiet or runs < 200:
        rows = run_many(setup, runs, seed)
    else:
        with Progress(
            TextColumn(f"[bold]{d.name}[/] × {scenario}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("runs", total=runs)
            rows = run_many(setup, runs, seed, progress=lambda _k: bar.advance(task))

    if out_path is not None:
        meta = {
            "design": d.name,
            "scenario": scenario,
            "runs": runs,
            "seed": seed,
            "overrides": dict(sorted(setup.overrides.items())),
            "pact24": __version__,
        }
        results.write_parquet(rows, out_path, meta)

    if not quiet:
        table = Table(
            title=f"{d.name} × {scenario}: {runs} runs, seed {seed} (95 % intervals)",
            title_justify="left",
        )
        for col, just in (
            ("statistic", "left"),
            ("over", "left"),
            ("n", "right"),
            ("value", "right"),
            ("95 % CI", "right"),
        ):
            table.add_column(col, justify=just, no_wrap=True)  # type: ignore[arg-type]
        for s in summarise(rows):
            ci = "" if math.isnan(s.lo) else f"[{_fmt(s.lo, s.kind)}, {_fmt(s.hi, s.kind)}]"
            label = f"P({s.name})" if s.kind == "proportion" else f"mean {s.name}"
            table.add_row(label, s.over, str(s.n), _fmt(s.value, s.kind), ci)
        out.print(table)
        out.print(_pledge_table(rows))
        if out_path is not None:
            out.print(f"results: {out_path}")

    if explain_run is not None:
        record = replay_run(setup, seed, explain_run)
        for line in explain(setup, record, seed):
            out.print(line, highlight=False, markup=False, soft_wrap=True)
