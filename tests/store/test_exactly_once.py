"""Several service processes on one database close each overdue window exactly once.

Each worker is a separate OS process with its own engine, connections and caches, started
together behind a barrier, all running the timer's ``close_overdue`` at the same instant. On
PostgreSQL they meet at the guarantee's row lock (``FOR UPDATE SKIP LOCKED``); on SQLite at
the database's write lock; on both, the append's compare-and-set is the last word.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.store.support import T0, report, setup

from pact24.clock import ManualClock
from pact24.service.core import Service
from pact24.store.db import Store
from pact24.store.models import EventRow

WORKERS = 4
GUARANTEES = 3


def _close(url: str, barrier: Any, out: Any) -> None:
    store = Store(url)
    service = Service(store, ManualClock(T0 + timedelta(hours=25)))
    barrier.wait(timeout=60)
    try:
        out.put(("ok", service.close_overdue()))
    except Exception as exc:  # reported to the parent, which fails the test
        out.put(("error", repr(exc)))
    store.dispose()


@pytest.mark.timeout(120)
def test_concurrent_processes_close_each_window_once(store: Store, db_url: str) -> None:
    gids = [f"g-race-{n}" for n in range(GUARANTEES)]
    for gid in gids:
        s = setup(store, gid, open_window=False)
        report(s)
    store.dispose()
    ctx = mp.get_context("fork")
    barrier, out = ctx.Barrier(WORKERS), ctx.Queue()
    workers = [ctx.Process(target=_close, args=(db_url, barrier, out)) for _ in range(WORKERS)]
    for w in workers:
        w.start()
    results = [out.get(timeout=90) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    assert all(kind == "ok" for kind, _ in results), results
    closed = [gid for _, done in results for gid in done]
    assert sorted(closed) == sorted(gids)  # every window closed, by exactly one worker
    with store.read() as db:
        for gid in gids:
            per_type = dict(
                db.execute(
                    select(EventRow.type, func.count())
                    .where(EventRow.guarantee_id == gid)
                    .group_by(EventRow.type)
                ).all()
            )
            assert per_type["WindowClosed"] == 1
            assert per_type["ReceiptsFrozen"] == 1
            assert per_type["OutcomeDeclared"] == 1


def test_the_timer_and_a_person_share_one_close(store: Store) -> None:
    s = setup(store)
    s.clock.set(T0 + timedelta(hours=24))
    from pact24.service.schemas import CloseIn

    recorded, _ = s.service.close(s.admin, s.gid, CloseIn())
    assert [e.type for e in recorded.events] == [
        "WindowClosed",
        "ReceiptsFrozen",
        "OutcomeDeclared",
    ]
    assert s.service.close_overdue() == []
    again, _ = s.service.close(s.admin, s.gid, CloseIn())
    assert again.events == []
