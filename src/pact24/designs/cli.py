"""`pact24 designs list | show NAME | validate FILE`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Column, Table

from pact24.designs.loader import load_design, preset_names, resolve_design
from pact24.designs.schema import Design, MinAmount, MinGuarantors
from pact24.vocab import Instrument

app = typer.Typer(help="Guarantee designs: list the presets, show one, validate a file.")
out = Console()


@app.command("list")
def list_designs() -> None:
    """The shipped presets, one line each."""
    table = Table("posture", "window", "activation", "outcome rule", "guarantors")
    table.columns.insert(0, Column("name", no_wrap=True))
    for name in preset_names():
        d = resolve_design(name)
        table.add_row(
            d.name,
            d.posture.kind.value,
            "none" if d.window_hours is None else f"{d.window_hours:g} h",
            d.activation.rule,
            _rule(d),
            str(len(d.guarantors)),
        )
    out.print(table)


@app.command("show")
def show(name: str = typer.Argument(..., help="A preset name or a design file")) -> None:
    """A design in full: its rules, guarantors and sources."""
    d = resolve_design(name)
    out.print(f"[bold]{d.name}[/bold] — {d.title}")
    out.print(d.description.strip())
    out.print(
        f"window: {'none' if d.window_hours is None else f'{d.window_hours:g} h'} · "
        f"activation: {d.activation.rule}"
        + (f" ≥ {d.activation.threshold}" if d.activation.threshold else "")
        + f" · outcome: {_rule(d)} · posture: {d.posture.kind.value}"
    )
    out.print("silence: " + ", ".join(f"{i.value}→{r.value}" for i, r in d.silence.items()))
    allowed = ", ".join(c.value for c in d.conditions.allowed) or "none"
    out.print(
        f"conditions allowed: {allowed} "
        f"(count only if met: {'yes' if d.conditions.counts_only_if_met else 'no'})"
    )
    table = Table("iso3", "guarantor", "legislature for troops", "troops offered", "stationed")
    for g in d.guarantors:
        table.add_row(
            g.iso3,
            g.name,
            "yes" if g.legislature_approval_for_troops else "no",
            f"{d.offered(g.iso3, Instrument.TROOPS):,.0f}",
            f"{d.posture.stationed(g.iso3):,}" if d.posture.stations(g.iso3) else "",
        )
    out.print(table)
    for s in d.sources:
        out.print(f"source: {s}")
    for a in d.assumptions:
        out.print(f"assumption: {a}")


@app.command("validate")
def validate(path: Path = typer.Argument(..., help="A design YAML file")) -> None:
    """Exit 0 on a valid design; otherwise one line naming the field and the line."""
    d = load_design(path)
    out.print(f"{path}: valid design {d.name!r} ({len(d.guarantors)} guarantors)")


def _rule(d: Design) -> str:
    """Compact: 'troops ≥3 states', 'troops ≥10000', 'troops: all'."""
    r = d.outcome
    if isinstance(r, MinGuarantors):
        return f"{r.instrument.value} ≥{r.k} states"
    if isinstance(r, MinAmount):
        return f"{r.instrument.value} ≥{r.amount:g}"
    return f"{r.instrument.value}: all"
