"""``pact24 exercise samples`` and ``pact24 exercise run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

exercise_app = typer.Typer(
    help="Tabletop exercises: play an MSEL on a compressed clock, write the after-action report.",
    no_args_is_help=True,
)


@exercise_app.command("samples")
def samples() -> None:
    """List the sample MSELs shipped with pact24 (run one by its name)."""
    from pact24.exercise import msel

    for name in msel.sample_names():
        script, design = msel.resolve(name)
        typer.echo(f"{name:<18} {script.title} ({design.name}, {script.speed:g}x)")


@exercise_app.command("run")
def run(
    script: str = typer.Argument(..., help="An MSEL file, or a sample's name."),
    speed: float | None = typer.Option(
        None, "--speed", min=0.001, help="Exercise hours per wall hour (default: the MSEL's)."
    ),
    server: str | None = typer.Option(
        None, "--server", help="A running service (default: start one on SQLite in DIR/server)."
    ),
    token: str | None = typer.Option(
        None, "--token", envvar="PACT24_TOKEN", help="The director's admin token, with --server."
    ),
    out: Path = typer.Option(Path("exercise"), "--out", help="Folder for the report and ledger."),
    runs: int = typer.Option(300, "--runs", min=10, help="Simulator runs to compare with."),
) -> None:
    """Play an MSEL on the live service in exercise mode; write the report and the ledger."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

    from pact24 import wording
    from pact24.exercise import msel, session

    parsed, design = msel.resolve(script)
    hours = parsed.incident().at + (design.window_hours or 0.0)
    console = Console(stderr=True)

    def ready(players: Path) -> None:
        console.print(f"people's tokens and keys: {players}")

    with Progress(
        TextColumn("[bold]EXERCISE[/] {task.description}"),
        BarColumn(),
        TextColumn("hour {task.completed:.1f} of {task.total:.0f}"),
        TextColumn("{task.fields[decided]} decisions"),
        console=console,
    ) as progress:
        task = progress.add_task(parsed.title, total=hours, decided=0)

        def tick(hour: float, board: dict[str, Any]) -> None:
            decided = sum(1 for row in board["guarantors"] for c in row["decisions"].values() if c)
            progress.update(task, completed=min(hour, hours), decided=decided)

        result = session.run(
            script, out, speed=speed, url=server, token=token, runs=runs, tick=tick, on_ready=ready
        )
    d = result.debrief
    typer.echo(f"exercise {result.guarantee}: {wording.verdict(d.honoured)}")
    for line in d.comparison:
        typer.echo(f"  {line}")
    typer.echo(f"  {d.ledger.text()}")
    for path in result.files:
        typer.echo(f"wrote {path}")
    if not d.ledger.ok:
        raise typer.Exit(3)
