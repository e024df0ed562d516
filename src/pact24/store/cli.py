"""``pact24 ledger export``: write a guarantee's ledger from the store as a JSON Lines file.

Mounted on the ledger package's ``ledger`` sub-app (in ``pact24.cli``), because it is the
reverse of ``pact24 ledger verify``: the file it writes is what that command (and ``pact24
replay``) reads. Each guarantee has its own log, so one file holds one guarantee;
``--guarantee`` may be left out when the database holds exactly one.

It reads an existing database only (never creates one), or, with ``--server``, the service's
own export (``/log/export.jsonl``), verified here before it is reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from pact24.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from pact24.store.db import Store


def export(
    out: Path = typer.Option(..., "--out", help="The JSON Lines file to write."),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: $PACT24_DATABASE_URL, else the embedded one)."
    ),
    server: str | None = typer.Option(
        None, "--server", help="Export from this service's API instead of a database."
    ),
    token: str | None = typer.Option(
        None, "--token", envvar="PACT24_TOKEN", help="A reader's token, with --server."
    ),
    guarantee: str | None = typer.Option(
        None, "--guarantee", help="The guarantee (optional when there is only one)."
    ),
) -> None:
    """Write the ledger of one guarantee, with a checkpoint per entry, verifiable offline."""
    if not out.parent.is_dir():
        raise NotFound(f"{out.parent}: no such folder")
    if server is not None:
        if db is not None:
            raise InvalidInput("say --db or --server, not both")
        if token is None:
            raise InvalidInput("--server needs --token (or $PACT24_TOKEN)")
        _from_server(out, server, token, guarantee)
    else:
        _from_store(out, _existing(db), guarantee)


def _existing(db: str | None) -> Store:
    """The store at ``db``, refusing (before anything is created) one that is not there."""
    from sqlalchemy.engine import make_url

    from pact24.store import migrate
    from pact24.store.db import URL_ENV, Store, data_dir, resolve_url

    url = db or os.environ.get(URL_ENV)
    path: Path | None = data_dir() / "pact24.sqlite"
    if url:
        parsed = make_url(resolve_url(url))
        local = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, ":memory:")
        path = Path(parsed.database or "") if local else None
    if path is not None and not path.is_file():
        raise NotFound(f"no database at {path}; give --db, or export from a service with --server")
    store = Store(url)
    if migrate.current(store) is None:
        raise NotFound(f"{store!r} is not a pact24 database (never migrated)")
    return store


def _from_store(out: Path, store: Store, guarantee: str | None) -> None:
    from sqlalchemy import select

    from pact24.ledger.jsonl import write_jsonl
    from pact24.store.models import Guarantee
    from pact24.store.record import build_ledger, get_guarantee

    with store.read() as s:
        if guarantee is None:
            ids = list(s.scalars(select(Guarantee.id).order_by(Guarantee.id)))
            if len(ids) != 1:
                listing = ", ".join(ids) if ids else "none"
                raise InvalidInput(f"say which guarantee with --guarantee; stored: {listing}")
            guarantee = ids[0]
        g = get_guarantee(s, guarantee)
        ledger = build_ledger(s, store, g)
        mode = g.mode
    write_jsonl(out, ledger)
    typer.echo(f"{out}: {ledger.size} entries of {guarantee} [{mode}], origin {ledger.origin}")


def _from_server(out: Path, server: str, token: str, guarantee: str | None) -> None:
    """Fetch the service's export and verify it here before saying what it holds."""
    import httpx

    from pact24.files import write_atomic
    from pact24.ledger.jsonl import verify_jsonl
    from pact24.service.client import ledger_export

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server, headers=headers, timeout=60) as http:
        guarantee, mode, data = ledger_export(http, guarantee)
    write_atomic(out, data)
    verified = verify_jsonl(out)
    typer.echo(f"{out}: {verified.size} entries of {guarantee} [{mode}], origin {verified.origin}")
