"""Where the store lives, and how a transaction begins.

``Store`` wraps one SQLAlchemy engine and hands out sessions for two kinds of transaction:

* ``read()`` — a plain transaction, for answers that write nothing;
* ``write()`` — a transaction that will append. On SQLite it begins ``IMMEDIATE``, taking the
  database's write lock up front, so two writers queue rather than both read, both decide, and
  one fail late with "database is locked". On PostgreSQL writers lock the guarantee's row
  (``record.lock_guarantee``), so guarantees do not wait for one another.

Both commit when the block ends without an exception and roll back otherwise: an event, its
ledger entry, its projections and its outbox messages are stored together or not at all.

Whoever opens a store for the service prepares it first (``migrate.prepare``): this module
knows neither the migrations nor the log key.

The URL comes from ``--db``, else ``PACT24_DATABASE_URL``, else an embedded SQLite file in the
data folder (``PACT24_DATA_DIR``, default ``$XDG_DATA_HOME/pact24`` or ``~/.local/share/pact24``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

URL_ENV = "PACT24_DATABASE_URL"
DATA_DIR_ENV = "PACT24_DATA_DIR"


def data_dir() -> Path:
    """The folder of the embedded database (created on first use)."""
    explicit = os.environ.get(DATA_DIR_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pact24"


def resolve_url(url: str | None = None) -> str:
    """The database URL to use; ``postgres://`` and ``postgresql://`` mean psycopg 3."""
    url = url or os.environ.get(URL_ENV)
    if not url:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{folder / 'pact24.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_setup(engine: Engine) -> None:
    """Let SQLAlchemy, not pysqlite, begin transactions, so a writer can begin IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("pact24_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Store:
    """One database: its engine, and sessions for reading and for appending."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = resolve_url(url)
        parsed = make_url(self.url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(self.url, **kwargs)
        if self.dialect == "sqlite":
            _sqlite_setup(self.engine)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(pact24_write=True), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits if the block succeeds, and rolls back if it raises."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"
