"""`pact24 demo` and `pact24 replay`: the mechanism and the ledger, end to end, for a person.

Each command imports the mechanism, the ledger and the report when it runs, never when mounted.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from pact24.vocab import Instrument

out = Console()


def demo(
    ledger: Path = typer.Option(
        None, "--ledger", help="Where to write the demo's ledger (JSON Lines)."
    ),
) -> None:
    """Run a scripted 24-hour deliberation (meloni-24h, overt attack) and verify its ledger."""
    from pact24 import demo as demo_script
    from pact24.ledger import verify_jsonl, write_jsonl
    from pact24.report.timeline import outcome_panel, timeline_table

    path = ledger or demo_script.default_ledger_path()
    run = demo_script.run()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_jsonl(path, run.ledger)
    out.print(timeline_table(run.state.history, title="Demo deliberation — meloni-24h (EXERCISE)"))
    for r in run.refused:
        who = getattr(r.event, "guarantor", "?")
        out.print(f"[red]refused[/red] {who} at {r.event.at:%Y-%m-%d %H:%M}: {r.reason}")
    silent = [g for g, i in run.state.silent() if i is Instrument.TROOPS]
    out.print(f"silent on troops (the silence rule decides for them): {', '.join(silent)}")
    assert run.state.outcome is not None
    out.print(outcome_panel(run.state.outcome))
    verified = verify_jsonl(path)
    out.print(
        f"ledger verified: {verified.size} entries, root {verified.root.hex()[:16]}…, "
        f"checkpoints and signatures intact"
    )
    out.print(f"ledger written to {path}")
    out.print(f"check it yourself: pact24 ledger verify {path}   ·   pact24 replay {path}")


def replay(
    path: Path = typer.Argument(..., help="A ledger file (JSON Lines)."),
    design: str = typer.Option(
        None, "--design", help="Design (preset or file) for ledgers that name none."
    ),
) -> None:
    """Verify a ledger, replay it through the mechanism, print the timeline and the outcome."""
    from pact24.replay import replay_file
    from pact24.report.timeline import outcome_panel, timeline_table

    if not path.is_file():
        raise typer.BadParameter(f"{path}: no such file")
    verified, deliberations = replay_file(path, design)
    for r in deliberations:
        mark = " (EXERCISE)" if r.mode == "exercise" else ""
        out.print(timeline_table(r.state.history, title=f"{r.deliberation}{mark}"))
        if r.state.outcome is not None:
            out.print(outcome_panel(r.state.outcome))
        else:
            out.print(f"no outcome yet: the deliberation is {r.state.phase.value}")
    out.print(f"ledger verified: {verified.size} entries, root {verified.root.hex()[:16]}…")
