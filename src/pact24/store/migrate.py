"""Run the Alembic migrations that ship inside the package, and prepare a store for use.

``prepare`` runs at every start of the service and in ``pact24 db upgrade``. On PostgreSQL the
upgrade runs under a transaction-scoped advisory lock, so several service processes starting at
once migrate one after another instead of racing to create the same tables.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from pact24.store.db import Store
from pact24.store.logkey import log_key

_HERE = Path(__file__).resolve().parent
#: The advisory lock key under which PostgreSQL migrations run ("pact24" in ASCII).
MIGRATION_LOCK = 0x706163743234


def alembic_config() -> Config:
    cfg = Config(str(_HERE / "alembic.ini"))
    cfg.set_main_option("script_location", str(_HERE / "migrations"))
    return cfg


def head() -> str:
    """The newest revision that ships with this version of pact24."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None
    return rev


def current(store: Store) -> str | None:
    """The revision the database is at (None when it was never migrated)."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> None:
    cfg = alembic_config()
    with store.engine.execution_options(pact24_write=True).begin() as conn:
        if store.is_postgres:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def prepare(store: Store) -> None:
    """Bring the schema to the newest migration and make sure the log key exists, before any
    write transaction could need it (safe to call from several processes at once)."""
    upgrade(store)
    log_key(store)
