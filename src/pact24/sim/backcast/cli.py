"""``pact24 backcast [CASES.csv]``: the guarantor model against historical tests of guarantees.

Imports only Typer and Rich at module level, so ``pact24 backcast --help`` stays light; the
model is imported when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

out = Console()


def backcast_cmd(
    cases_path: Path = typer.Argument(
        None,
        metavar="CASES.csv",
        help="Cases to backcast (default: the shipped backcast_cases.csv).",
    ),
    runs: int = typer.Option(2000, "--runs", "-n", min=10, help="Runs per case."),
    seed: int = typer.Option(
        2026, "--seed", min=0, help="Seed; case i draws from the i-th stream spawned from it."
    ),
    overrides: list[str] = typer.Option(
        [], "--set", help="Override a model parameter: name=value (repeatable)."
    ),
    json_path: Path = typer.Option(None, "--json", help="Also write the results as JSON."),
) -> None:
    """Backcast the guarantor model on historical guarantees; Brier score against a base rate."""
    from pact24.files import write_atomic
    from pact24.sim.backcast.cases import HORIZONS, load_cases
    from pact24.sim.backcast.score import backcast
    from pact24.sim.registry import parse_overrides, resolve

    result = backcast(
        load_cases(cases_path), resolve(parse_overrides(overrides)), runs=runs, seed=seed
    )
    labels = [h for h, _ in HORIZONS]
    table = Table(
        title=f"P(at least one guarantor commits troops) against what happened ({runs} runs)"
    )
    table.add_column("case")
    table.add_column("guarantors")
    for h in labels:
        table.add_column(f"P by {h}", justify="right")
        table.add_column(f"by {h}", justify="center")
    for pr in result.predictions:
        cells = [pr.case.name, " ".join(pr.case.guarantors)]
        for i in range(len(labels)):
            cells += [f"{pr.prob[i]:.3f}", "yes" if pr.case.troops[i] else "no"]
        table.add_row(*cells)
    out.print(table)
    scores = Table(title="Brier score (lower is better); base rate = share of the other cases")
    scores.add_column("horizon")
    scores.add_column("model", justify="right")
    scores.add_column("base rate", justify="right")
    scores.add_column("difference (SE)", justify="right")
    scores.add_column("model beats base rate")
    for i, h in enumerate(labels):
        scores.add_row(
            h,
            f"{result.brier_model[i]:.3f}",
            f"{result.brier_base[i]:.3f}",
            f"{result.brier_model[i] - result.brier_base[i]:+.3f} ({result.difference_se[i]:.3f})",
            "yes" if result.model_wins()[i] else "NO",
        )
    out.print(scores)
    losing = [h for h, win in zip(labels, result.model_wins(), strict=True) if not win]
    if losing:
        out.print(f"The model does NOT beat the base rate at {', '.join(losing)}.")
    else:
        out.print("The model beats the base rate at every horizon.")
    within = [
        h
        for i, h in enumerate(labels)
        if abs(result.brier_model[i] - result.brier_base[i]) < 2 * result.difference_se[i]
    ]
    if within:
        out.print(
            f"At {', '.join(within)} the difference is within two standard errors: "
            f"{len(result.predictions)} cases cannot tell the two apart."
        )
    if json_path is not None:
        doc = {
            "runs": result.runs,
            "seed": result.seed,
            "horizons": labels,
            "brier_model": list(result.brier_model),
            "brier_base_rate": list(result.brier_base),
            "brier_difference_se": list(result.difference_se),
            "cases": [
                {
                    "case": pr.case.name,
                    "guarantors": list(pr.case.guarantors),
                    "prob": list(pr.prob),
                    "se": list(pr.se),
                    "base_rate": list(pr.base_rate),
                    "outcome": list(pr.case.troops),
                    "source": pr.case.source,
                }
                for pr in result.predictions
            ],
        }
        write_atomic(json_path, json.dumps(doc, indent=2) + "\n")
