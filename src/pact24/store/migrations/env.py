"""Alembic environment: migrate the connection pact24 hands in, or the URL given with -x url=.

``pact24.store.migrate.upgrade`` passes an open connection (inside a transaction, under a lock
on PostgreSQL) through ``config.attributes["connection"]``; the command line passes a URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from pact24.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with: alembic -x url=URL ...")
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
