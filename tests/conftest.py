"""Shared fixtures.

--- databases (store and service tests) -------------------------------------------------------
``db_url`` gives each test a fresh, migrated database, once on SQLite and once on PostgreSQL.
The PostgreSQL runs need ``PACT24_TEST_POSTGRES_URL`` (``scripts/start_postgres.sh`` prints
one). Without it they are deselected locally and FAIL in CI (``CI=true``): never skipped.
Browser tests (marker ``browser``) likewise need Debian's ``/usr/bin/chromium``.
Databases are migrated once per session: SQLite tests get a copy of a migrated file, PostgreSQL
tests one database of this run, emptied before each test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "PACT24_TEST_POSTGRES_URL"

# One BLAS thread per process, set before numpy is first imported (and inherited by the
# processes the tests start). The tests' matrices are small (the timing model's 30 x 30), where
# BLAS threads cost more in synchronisation than they save, and the calibration backtest fits
# its folds in 2 processes on 2 cores: with 2 threads each, 4 threads spin on 2 cores. On the
# shared 2-core machine one ``eigh`` of a 30 x 30 matrix took 80 ms with 2 threads and 0.6 ms
# with 1, and a backtest fold's fit 29 s against 21 s. A thread count set by the caller stands.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


CHROMIUM = Path("/usr/bin/chromium")


KERNEL_USERS = (
    "tests/sim/kernel/",
    "tests/docs/test_tutorial.py",
    "tests/explore/test_sweep.py::test_the_pipeline_without_a_folder_streams_to_a_temporary_one",
)
"""The tests that run the compiled kernel (directly, or through ``assess``'s default engine)."""
COMPILE_LATE = KERNEL_USERS[1:]
"""Kernel users that run last, after ``tests/sim/kernel`` has compiled the kernel in a test
of its own (and written numba's cache): the notebook's cell, run in a child kernel, would
otherwise spend most of its 180-second limit compiling, and be killed before caching it."""


def worker_group(nodeid: str) -> str:
    """The unit of work one ``pytest-xdist`` worker takes whole: the test's file, or "kernel".

    A file is one unit so that its module- and session-scoped fixtures (the calibration
    backtest, the exercise, the one-worker sweep) are built once. The kernel's users are one
    unit: in a fresh clone numba compiles the kernel (over a minute of CPU) in the first of them
    and the others load it from the on-disk cache, where two workers would compile it at once.
    """
    if nodeid.startswith(KERNEL_USERS):
        return "kernel"
    return nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadfile`` (``make test``), with the kernel's users as one more file.

    xdist's own ``loadgroup`` marks would do this, but it renames the items' ids, which
    pytest 9 no longer reads, so it quietly schedules test by test."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndKernel(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return FilesAndKernel(config, log)  # type: ignore[arg-type]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run :data:`COMPILE_LATE` last; off CI, deselect (never skip) what this machine cannot
    run (in CI everything runs)."""
    items.sort(key=lambda item: item.nodeid.startswith(COMPILE_LATE))
    if _in_ci():
        return
    missing = set()
    if not os.environ.get(PG_ENV):
        missing.add("postgres")
    if not CHROMIUM.exists():
        missing.add("browser")
    if not missing:
        return
    keep = [i for i in items if not any(i.get_closest_marker(m) for m in missing)]
    dropped = [i for i in items if any(i.get_closest_marker(m) for m in missing)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _pg_admin(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(
        host=u.host,
        port=u.port,
        user=u.username,
        password=u.password,
        dbname="postgres",
        autocommit=True,
    ), u


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A migrated SQLite file to copy, and a migrated PostgreSQL database to empty."""
    from pact24.store import migrate
    from pact24.store.db import Store

    made: dict[str, str] = {}
    folder = tmp_path_factory.mktemp("db-template")
    sqlite = Store(f"sqlite:///{folder / 'template.sqlite'}")
    migrate.prepare(sqlite)
    sqlite.dispose()
    made["sqlite"] = str(folder / "template.sqlite")
    pg_url = os.environ.get(PG_ENV)
    if pg_url:
        conn, u = _pg_admin(pg_url)
        name = f"pact24_run_{os.getpid()}"
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        made["postgres"] = u.set(database=name).render_as_string(hide_password=False)
        pg = Store(made["postgres"])
        migrate.prepare(pg)
        pg.dispose()
    yield made
    if pg_url:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def _empty_postgres(url: str) -> None:
    """Empty every table but the migration stamp and the log key (cheaper than a new database)."""
    from sqlalchemy import create_engine, text

    from pact24.store import caches, logkey
    from pact24.store.models import Base

    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "service_keys"]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    caches.clear()  # the same URL and ids come back in the next test
    logkey.forget()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, _templates: dict[str, str]
) -> Iterator[str]:
    """A fresh migrated database: its SQLAlchemy URL."""
    if request.param == "sqlite":
        target = tmp_path / "pact24.sqlite"
        shutil.copy(_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    if "postgres" not in _templates:
        pytest.fail(
            f"{PG_ENV} is not set: the PostgreSQL store tests must run in CI "
            "(start one with scripts/start_postgres.sh)"
        )
    _empty_postgres(_templates["postgres"])
    yield _templates["postgres"]
