"""``pact24 serve``, ``db``, ``decide``, ``invoke``, ``incident report`` and ``witness``.

Errors are domain errors; ``pact24.cli.main`` prints them as one line and exits 2. A witness
alarm exits 3, so a cron job or a supervisor can tell "the log lied" from "could not reach it";
a witness that retried through an outage longer than ``--outage`` exits 4.
Each command imports the store, the server or HTTP when it runs, never when it is mounted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pact24.errors import Conflict, InvalidInput
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, Severity

if TYPE_CHECKING:
    from pact24.store.db import Store

DB_HELP = "Database URL (default: $PACT24_DATABASE_URL, else SQLite in the data folder)."
db_app = typer.Typer(help="The store: run migrations, make the first admin.", no_args_is_help=True)


def _store(db: str | None) -> Store:
    from pact24.store.db import Store

    return Store(db)


@db_app.command("upgrade")
def db_upgrade(db: str | None = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Bring the database to the newest migration."""
    from pact24.store import migrate

    store = _store(db)
    migrate.prepare(store)
    typer.echo(f"{store!r} at migration {migrate.current(store)}")


@db_app.command("create-admin")
def db_create_admin(
    name: str = typer.Argument(..., help="Account name of the new admin."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Make an admin account and print its token (shown once)."""
    from pact24.service.core import Service
    from pact24.store import migrate

    store = _store(db)
    migrate.prepare(store)
    creds = Service(store).bootstrap_admin(name)
    typer.echo(creds.token)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8024, "--port", help="Port to listen on."),
    db: str | None = typer.Option(None, "--db", help=DB_HELP),
    demo: bool = typer.Option(
        False, "--demo", help="Seed a demo guarantee (meloni-24h), or serve the one already there."
    ),
    demo_credentials: Path | None = typer.Option(
        None, "--demo-credentials", help="Write the demo's tokens and keys to this JSON file."
    ),
    tick: float = typer.Option(1.0, "--tick", help="Seconds between the timer's rounds."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Worker processes on the one port (each with its own timer)."
    ),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Serve the API (migrations run first; overdue windows close before the first answer)."""
    import os

    import uvicorn

    from pact24.clock import SystemClock
    from pact24.service import demo as demo_mod
    from pact24.service.app import TICK_ENV, create_app
    from pact24.service.core import Service
    from pact24.store import migrate
    from pact24.store.db import URL_ENV

    if demo_credentials is not None and not demo:
        raise InvalidInput("--demo-credentials goes with --demo")
    if demo_credentials is not None:
        demo_mod.refuse_overwrite(demo_credentials)
    store = _store(db)
    migrate.prepare(store)
    service = Service(store, SystemClock())
    seeded = demo_mod.existing(service) if demo else None
    if seeded is not None:
        if demo_credentials is not None:
            raise Conflict(
                f"this database already holds the demo {seeded}, whose tokens were shown once "
                "when it was made; serve it without --demo-credentials, or use a new --db"
            )
        typer.echo(f"serving the demo already in this database: {seeded}")
    elif demo:
        creds = demo_mod.seed(service)
        creds["server"] = f"http://{host}:{port}"
        for line in demo_mod.summary(creds):
            typer.echo(line)
        if demo_credentials is not None:
            keys = demo_mod.write_credentials(demo_credentials, creds)
            typer.echo(f"credentials written to {demo_credentials}; delegate keys in {keys}")
    typer.echo(f"pact24 serving {store!r} on http://{host}:{port}", err=True)
    if workers > 1:
        # Each worker process builds its own app on the same database (app.from_environment).
        os.environ[URL_ENV] = store.url
        os.environ[TICK_ENV] = str(tick)
        store.dispose()
        uvicorn.run(
            "pact24.service.app:from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level=log_level,
        )
        return
    app = create_app(service=service, tick=tick)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def decide(
    server: str = typer.Option(..., "--server", help="The service's base URL."),
    token: str = typer.Option(..., "--token", help="The delegate's token.", envvar="PACT24_TOKEN"),
    key: Path = typer.Option(..., "--key", help="The delegate's private key file."),
    instrument: Instrument = typer.Option(..., "--instrument"),
    commit: bool = typer.Option(False, "--commit", help="Commit (conditional with --condition)."),
    decline: bool = typer.Option(False, "--decline", help="Decline."),
    condition: ConditionKind | None = typer.Option(
        None, "--condition", help="Commit on this condition."
    ),
    k: int | None = typer.Option(None, "--k", help="For others_commit_first: how many others."),
    condition_text: str | None = typer.Option(
        None, "--condition-text", help="What is demanded (other, beneficiary_concession)."
    ),
    amount: float | None = typer.Option(None, "--amount", help="Default: the design's offer."),
    above_offer: bool = typer.Option(
        False, "--above-offer", help="Commit more than the design's offer (with --amount)."
    ),
    note: str = typer.Option("", "--note"),
    idempotency_key: str | None = typer.Option(
        None,
        "--idempotency-key",
        help="Reuse to retry safely: the request signed for it is kept beside --key and sent "
        "again as it was (default: a fresh key).",
    ),
) -> None:
    """Sign a decision with the delegate's key, here, and send it; print what was recorded."""
    import httpx

    from pact24.ledger import load_private_key
    from pact24.service import client as c

    if commit == decline:
        raise InvalidInput("say --commit or --decline")
    if decline and condition is not None:
        raise InvalidInput("a decline carries no condition")
    choice = Choice.DECLINE if decline else (Choice.CONDITIONAL if condition else Choice.COMMIT)
    cond = c.condition_of(condition.value if condition else None, k, condition_text)
    private_key = load_private_key(key)
    with httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        answer = c.decide(
            http,
            private_key,
            instrument,
            choice,
            condition=cond,
            amount=amount,
            note=note,
            above_offer=above_offer,
            idempotency_key=idempotency_key,
            kept=None if idempotency_key is None else c.kept_request(key, server, idempotency_key),
        )
    for e in answer["events"]:
        b = e["body"]
        typer.echo(
            f"recorded [{answer['mode']}] {answer['guarantee']}: {b['guarantor']} "
            f"{b['instrument']} {b['choice']} (revision {b['revision']}), "
            f"ledger entry {e['ledger_index']}"
        )


def invoke(
    guarantee: str = typer.Argument(..., help="The guarantee's id."),
    server: str = typer.Option(..., "--server", help="The service's base URL."),
    token: str = typer.Option(
        ..., "--token", help="The chair's (admin) token.", envvar="PACT24_TOKEN"
    ),
    idempotency_key: str | None = typer.Option(
        None, "--idempotency-key", help="Reuse to retry safely (default: a fresh key)."
    ),
) -> None:
    """Record the guarantors' council's invocation (chair): the window opens if the rules allow."""
    import httpx

    from pact24.service import client as c

    with httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        answer = c.invoke(http, guarantee, idempotency_key)
    for e in answer["events"]:
        deadline = e["body"].get("deadline")
        typer.echo(
            f"recorded [{answer['mode']}] {answer['guarantee']}: window opened, "
            f"{'deadline ' + deadline if deadline else 'no deadline'}, "
            f"ledger entry {e['ledger_index']}"
        )


incident_app = typer.Typer(
    help="Incidents: the beneficiary's report of an attack.", no_args_is_help=True
)


@incident_app.command("report")
def incident_report(
    guarantee: str = typer.Argument(..., help="The guarantee's id."),
    server: str = typer.Option(..., "--server", help="The service's base URL."),
    token: str = typer.Option(
        ..., "--token", help="A reporter's (or admin's) token.", envvar="PACT24_TOKEN"
    ),
    kind: IncidentKind = typer.Option(..., "--kind", help="How the attack looks."),
    severity: Severity = typer.Option(..., "--severity"),
    summary: str = typer.Option("", "--summary", help="What happened, in a sentence."),
    engaged: list[str] = typer.Option(
        [], "--engaged", help="A guarantor (ISO3) whose stationed forces were hit; repeatable."
    ),
    evidence: list[Path] = typer.Option(
        [], "--evidence", help="An evidence file; its SHA-256 is recorded, never the file."
    ),
    idempotency_key: str | None = typer.Option(
        None, "--idempotency-key", help="Reuse to retry safely (default: a fresh key)."
    ),
) -> None:
    """Report an attack (the beneficiary); the window opens if the design says so."""
    import hashlib

    import httpx

    from pact24.service import client as c

    body = {
        "kind": kind.value,
        "severity": severity.value,
        "summary": summary,
        "engaged": [e.upper() for e in engaged],
        "evidence": [hashlib.sha256(p.read_bytes()).hexdigest() for p in evidence],
    }
    with httpx.Client(
        base_url=server, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as http:
        answer = c.send(http, f"/api/v1/guarantees/{guarantee}/incidents", body, idempotency_key)
    for e in answer["events"]:
        typer.echo(
            f"recorded [{answer['mode']}] {answer['guarantee']}: {e['type']} at {e['at']}, "
            f"ledger entry {e['ledger_index']}"
        )


def witness(
    url: str = typer.Argument(..., help="The service's base URL."),
    guarantee: str = typer.Option(..., "--guarantee", help="The guarantee whose log to watch."),
    token: str = typer.Option(..., "--token", envvar="PACT24_TOKEN", help="Any reader's token."),
    state: Path = typer.Option(..., "--state", help="Folder for this witness's checkpoints."),
    log_key: str | None = typer.Option(
        None, "--log-key", help="Pin this log key (base64) instead of trusting the first seen."
    ),
    interval: float = typer.Option(30.0, "--interval", help="Seconds between polls."),
    outage: float = typer.Option(
        600.0,
        "--outage",
        help="Seconds without an answer before giving up (exit 4); until then it retries, "
        "waiting 1, 2, 4 ... seconds, at most --interval.",
    ),
    once: bool = typer.Option(False, "--once", help="Poll once and exit."),
    peer: list[Path] = typer.Option([], "--peer", help="Another witness's folder to compare."),
) -> None:
    """Keep a copy of every checkpoint; exit 3 on a split view or a rewritten log."""
    import httpx

    from pact24.service.client import raise_for_problem
    from pact24.service.witness import Alarm, Observation, Outage, Patience, Witness, compare, watch

    w = Witness(state / guarantee)

    def poll() -> Observation:
        seen = w.observe(http, guarantee)
        for other in peer:
            compare(w, Witness(other / guarantee))
        return seen

    def report(seen: Observation) -> None:
        cp = seen.checkpoint
        line = {"guarantee": guarantee, "size": cp.size, "status": seen.status, "origin": cp.origin}
        typer.echo(json.dumps(line))

    try:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as http:
            if log_key is not None and w.pinned() is None:
                r = http.get(f"/api/v1/guarantees/{guarantee}/log/checkpoint")
                raise_for_problem(r)
                w.pin(r.json()["origin"], log_key)
            if once:
                report(poll())
                return
            patience = Patience(outage=outage, cap=max(1.0, interval))
            watch(
                poll,
                report,
                lambda line: typer.echo(line, err=True),
                interval=interval,
                patience=patience,
            )
    except Alarm as alarm:
        (w.folder / "ALARM").write_text(alarm.detail + "\n")
        typer.echo(f"ALARM: {alarm.detail}", err=True)
        sys.exit(3)
    except Outage as down:
        typer.echo(f"OUTAGE: {down.detail}", err=True)
        sys.exit(4)
