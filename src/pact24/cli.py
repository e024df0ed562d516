"""The `pact24` command: one Typer app that fronts every package.

Each package owns its sub-app (``pact24.<package>.cli``); this module only mounts them and turns
domain errors into one clear line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys

# Piped output (CI logs, files) gets readable tables rather than Rich's 80-column default; set
# before any sub-app creates its Console.
if not sys.stdout.isatty():
    os.environ.setdefault("COLUMNS", "120")

import typer
from rich.console import Console

from pact24 import __version__, commands
from pact24.calibrate.cli import calibrate_app
from pact24.designs.cli import app as designs_app
from pact24.errors import Pact24Error
from pact24.ledger.cli import ledger_app
from pact24.service import cli as service_cli
from pact24.sim.cli import simulate_cmd
from pact24.store import cli as store_cli

app = typer.Typer(
    name="pact24",
    help="Run a rapid-deliberation security guarantee live, as an exercise, or in simulation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pact24 {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """pact24: the mechanism, its service and its simulator."""


# Sub-apps: each package registers its commands here (one line each).
app.command("simulate")(simulate_cmd)
app.add_typer(ledger_app, name="ledger")
ledger_app.command("export")(store_cli.export)
app.command("serve")(service_cli.serve)
app.add_typer(service_cli.db_app, name="db")
app.command("decide")(service_cli.decide)
app.command("witness")(service_cli.witness)
app.add_typer(designs_app, name="designs")
app.add_typer(calibrate_app, name="calibrate")
app.command("demo")(commands.demo)
app.command("replay")(commands.replay)


def main() -> None:
    """Entry point: run the app, answering every domain error with one line and exit code 2."""
    try:
        app(standalone_mode=False)
    except Pact24Error as exc:
        err.print(f"[red]error:[/red] {exc.detail}", highlight=False)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
