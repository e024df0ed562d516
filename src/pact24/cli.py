"""The `pact24` command: one Typer app that fronts every package.

Each package owns its sub-app (``pact24.<package>.cli``); this module only mounts them and turns
every failure (usage, domain, a file, the network) into one clear line and a non-zero exit
code, never a traceback.

Sub-apps are mounted lazily: ``pact24 --help`` lists them from :data:`SUBCOMMANDS` and a
sub-app's module is imported only when its command runs, so no command pays for the imports of
the others (pandas, scipy, SQLAlchemy, FastAPI). ``tests/test_cli_startup.py`` checks that each
listed help line is the one its command gives.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from functools import cache
from typing import Any, NoReturn

# Piped output (CI logs, files) gets readable tables rather than Rich's 80-column default; set
# before any sub-app creates its Console.
if not sys.stdout.isatty():
    os.environ.setdefault("COLUMNS", "120")

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from pact24 import __version__
from pact24.errors import Pact24Error


@dataclass(frozen=True)
class Subcommand:
    """Where a command lives (``module:attribute``, a function or a Typer sub-app) and its help
    line; ``also`` mounts commands from other packages on a sub-app (name, ``module:attribute``).
    """

    target: str
    help: str
    also: tuple[tuple[str, str], ...] = ()


# In the order `pact24 --help` lists them: commands first, then groups.
SUBCOMMANDS: dict[str, Subcommand] = {
    "simulate": Subcommand(
        "pact24.sim.cli:simulate_cmd",
        "Simulate crises under a guarantee design and summarise how credible it is.",
    ),
    "bench": Subcommand(
        "pact24.sim.bench:bench_cmd",
        "Measure the kernel's and the reference's crises per second and the kernel's peak memory.",
    ),
    "assess": Subcommand(
        "pact24.explore.cli:assess_cmd",
        "Assess the designs against sampled futures, find where each fails, and write the report.",
    ),
    "backcast": Subcommand(
        "pact24.sim.backcast.cli:backcast_cmd",
        "Backcast the guarantor model on historical guarantees; Brier score against a base rate.",
    ),
    "serve": Subcommand(
        "pact24.service.cli:serve",
        "Serve the API (migrations run first; overdue windows close before the first answer).",
    ),
    "decide": Subcommand(
        "pact24.service.cli:decide",
        "Sign a decision with the delegate's key, here, and send it; print what was recorded.",
    ),
    "invoke": Subcommand(
        "pact24.service.cli:invoke",
        "Record the guarantors' council's invocation (chair): the window opens if the rules allow.",
    ),
    "witness": Subcommand(
        "pact24.service.cli:witness",
        "Keep a copy of every checkpoint; exit 3 on a split view or a rewritten log.",
    ),
    "demo": Subcommand(
        "pact24.commands:demo",
        "Run a scripted 24-hour deliberation (meloni-24h, overt attack) and verify its ledger.",
    ),
    "replay": Subcommand(
        "pact24.commands:replay",
        "Verify a ledger, replay it through the mechanism, print the timeline and the outcome.",
    ),
    "ledger": Subcommand(
        "pact24.ledger.cli:ledger_app",
        "The tamper-evident record: verify a ledger file, make keys.",
        also=(("export", "pact24.store.cli:export"),),
    ),
    "db": Subcommand(
        "pact24.service.cli:db_app", "The store: run migrations, make the first admin."
    ),
    "exercise": Subcommand(
        "pact24.exercise.cli:exercise_app",
        "Tabletop exercises: play an MSEL on a compressed clock, write the after-action report.",
    ),
    "incident": Subcommand(
        "pact24.service.cli:incident_app", "Incidents: the beneficiary's report of an attack."
    ),
    "designs": Subcommand(
        "pact24.designs.cli:app",
        "Guarantee designs: list the presets, show one, validate a file.",
    ),
    "calibrate": Subcommand(
        "pact24.calibrate.cli:calibrate_app",
        "Fit the guarantor timing model to historical decision lags, predict, backtest.",
    ),
}

_SETTINGS: dict[str, Any] = {"no_args_is_help": True, "pretty_exceptions_enable": False}


def _import(target: str) -> Any:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


@cache
def load(name: str) -> Any:
    """The click command of ``name``, built by Typer exactly as an eager mount would build it."""
    sub = SUBCOMMANDS[name]
    mount = typer.Typer(**_SETTINGS)
    target = _import(sub.target)
    if isinstance(target, typer.Typer):
        for also, where in sub.also:
            target.command(also)(_import(where))
        mount.add_typer(target, name=name)
    else:
        mount.command(name)(target)
    return typer.main.get_group(mount).commands[name]


class _Listed(TyperCommand):
    """A sub-app not imported yet: enough to list it in ``pact24 --help``."""


class _LazyGroup(TyperGroup):
    """The root group: lists every sub-app, imports one only when the command line names it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, sub in SUBCOMMANDS.items():
            self.commands[name] = _Listed(name=name, help=sub.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Listed):
            command = self.commands[name] = load(name)
        return name, command, rest


app = typer.Typer(
    name="pact24",
    help="Run a rapid-deliberation security guarantee live, as an exercise, or in simulation.",
    cls=_LazyGroup,
    **_SETTINGS,
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


def _usage(exc: typer.TyperException) -> str:
    """A click usage error as one line: what is wrong, then where the help is."""
    line = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        line += f" (see '{ctx.command_path} --help')"
    return line


def _failure(exc: Exception) -> str | None:
    """One line for a failure outside pact24's own errors (a file, the network); None for a bug.

    httpx is looked up only if a command has imported it, so ``--help`` still imports nothing."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    httpx = sys.modules.get("httpx")
    if httpx is not None and isinstance(exc, httpx.TransportError):
        try:
            url = f" {exc.request.url}"
        except RuntimeError:  # raised without a request
            url = ""
        return f"could not reach{url}: {exc or type(exc).__name__}"
    if httpx is not None and isinstance(exc, (httpx.HTTPError, httpx.InvalidURL)):
        return str(exc)
    return None


def _fail(line: str, code: int) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(line)}", highlight=False)
    sys.exit(code)


def main() -> None:
    """Entry point: every failure is one line on stderr, never a traceback.

    Usage errors and domain errors exit 2, an unreachable server or a missing file exits 1.
    Typer bundles its own click, so its errors are caught as ``typer.TyperException``."""
    try:
        app(standalone_mode=False)
    except Pact24Error as exc:
        _fail(exc.detail, 2)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # no_args_is_help: Typer printed the help
            sys.exit(exc.exit_code)
        _fail(_usage(exc), exc.exit_code)
    except Exception as exc:
        line = _failure(exc)
        if line is None:
            raise
        _fail(line, 1)
