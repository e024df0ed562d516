"""Migrations: to the head and back, and safely from several processes at once."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

from sqlalchemy import inspect

from pact24.store import logkey, migrate
from pact24.store.db import Store, resolve_url
from pact24.store.models import Base


def _upgrade(url: str, barrier: Any, out: Any) -> None:
    store = Store(url)
    barrier.wait(timeout=60)
    try:
        migrate.prepare(store)
        out.put("ok")
    except Exception as exc:  # reported to the parent
        out.put(repr(exc))
    store.dispose()


def test_down_to_nothing_and_up_again_from_two_processes(store: Store, db_url: str) -> None:
    assert migrate.current(store) == migrate.head()
    migrate.upgrade(store, "head")  # a second upgrade changes nothing
    from alembic import command

    cfg = migrate.alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store.dispose()
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_upgrade, args=(db_url, barrier, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert results == ["ok", "ok"]
    logkey.forget()  # the upgrade made a new log key; read it afresh
    assert migrate.current(store) == migrate.head()
    tables = set(inspect(store.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_urls(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("PACT24_DATABASE_URL", raising=False)
    monkeypatch.setenv("PACT24_DATA_DIR", str(tmp_path / "data"))
    assert resolve_url() == f"sqlite:///{tmp_path / 'data' / 'pact24.sqlite'}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("PACT24_DATABASE_URL", "sqlite:///x.db")
    assert resolve_url() == "sqlite:///x.db"
    assert resolve_url("sqlite:///y.db") == "sqlite:///y.db"
