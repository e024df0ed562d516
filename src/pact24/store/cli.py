"""``pact24 ledger export``: write a guarantee's ledger from the store as a JSON Lines file.

Mounted on the ledger package's ``ledger`` sub-app (in ``pact24.cli``), because it is the
reverse of ``pact24 ledger verify``: the file it writes is what that command (and ``pact24
replay``) reads. Each guarantee has its own log, so one file holds one guarantee;
``--guarantee`` may be left out when the database holds exactly one.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pact24.errors import InvalidInput, NotFound


def export(
    out: Path = typer.Option(..., "--out", help="The JSON Lines file to write."),
    db: str | None = typer.Option(
        None, "--db", help="Database URL (default: $PACT24_DATABASE_URL, else the embedded one)."
    ),
    guarantee: str | None = typer.Option(
        None, "--guarantee", help="The guarantee (optional when there is only one)."
    ),
) -> None:
    """Write the ledger of one guarantee, with a checkpoint per entry, verifiable offline."""
    from sqlalchemy import select

    from pact24.ledger.jsonl import write_jsonl
    from pact24.store.db import Store
    from pact24.store.models import Guarantee
    from pact24.store.record import build_ledger, get_guarantee

    store = Store(db)
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
    if not out.parent.is_dir():
        raise NotFound(f"{out.parent}: no such folder")
    write_jsonl(out, ledger)
    typer.echo(f"{out}: {ledger.size} entries of {guarantee} [{mode}], origin {ledger.origin}")
