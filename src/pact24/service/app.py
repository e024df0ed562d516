"""The FastAPI application factory.

``create_app`` wires one ``Service`` (store + clock) into the JSON routes and, when asked, a
``Scheduler``. At start-up, in this order: migrate the database, close every window that fell
due while no process ran, start the timer; only then does the server answer. The web pages
(the package ``pact24.service.web``, its ``router``) are mounted at the marked place below, so
the HTML front drives the same service object, with the same accounts, as the JSON routes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from pact24 import __version__
from pact24.clock import Clock, SystemClock
from pact24.service import limits, shedding, web
from pact24.service.api import accounts, exports, guarantees, log, problems, webhooks
from pact24.service.core import Service
from pact24.service.scheduler import Scheduler
from pact24.service.schemas import Health
from pact24.store import migrate
from pact24.store.db import Store

logger = logging.getLogger("pact24.service")
#: The timer's interval for ``from_environment`` (``serve --workers`` sets it).
TICK_ENV = "PACT24_TICK"


def create_app(
    store: Store | str | None = None,
    *,
    clock: Clock | None = None,
    service: Service | None = None,
    run_migrations: bool = True,
    scheduler: bool = True,
    tick: float = 1.0,
    max_body: int | None = None,
    max_in_flight: int | None = None,
) -> FastAPI:
    """The service as an ASGI app over ``store`` (a Store, a URL, or the default database);
    request bodies above ``max_body`` bytes (default: ``limits.configured_max_body``) get 413,
    and requests beyond ``max_in_flight`` at once (``shedding.configured_max_in_flight``) 503."""
    if service is None:
        the_store = store if isinstance(store, Store) else Store(store)
        service = Service(the_store, clock or SystemClock())
    timer = Scheduler(service, interval=tick) if scheduler else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_migrations:
            migrate.prepare(service.store)
        if timer is not None:
            timer.start()
        else:
            service.close_overdue()
        try:
            yield
        finally:
            if timer is not None:
                timer.stop()

    app = FastAPI(
        title="pact24",
        version=__version__,
        summary="A rapid-deliberation security guarantee, run live, with a record no party can "
        "rewrite.",
        description="Errors are RFC 9457 problem+json. Every guarantee is `live` or `exercise`; "
        "every answer about a guarantee says which.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.scheduler = timer
    problems.install(app)
    app.add_middleware(limits.BodyLimit, max_body=max_body or limits.configured_max_body())
    # Outermost: an overloaded process refuses before it reads or routes anything.
    app.add_middleware(
        shedding.InFlightLimit, limit=max_in_flight or shedding.configured_max_in_flight()
    )

    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Health:
        """The service answers and its database is reachable."""
        with service.store.read() as s:
            s.execute(text("SELECT 1"))
        return Health(
            status="ok",
            database=service.store.dialect,
            migration=migrate.current(service.store),
            now=service.now(),
        )

    for module in (accounts, guarantees, exports, log, webhooks):
        app.include_router(module.router)

    # --- web pages: the HTML front, on the same service ---------------------------------------
    app.include_router(web.router)
    return app


def from_environment() -> FastAPI:
    """The app of one ``pact24 serve --workers N`` process: the database from
    ``PACT24_DATABASE_URL``, the tick from ``PACT24_TICK``.

    Every worker runs the whole service, its timer included: each close, reminder and webhook
    delivery is claimed in the database (``scheduler``), so N timers close each window once."""
    return create_app(tick=float(os.environ.get(TICK_ENV, "1.0")))
