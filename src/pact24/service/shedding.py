"""Load shedding: when a process already answers ``limit`` requests, the next gets 503 at once.

A queue that grows without bound turns overload into timeouts for everyone (the request that
waited a minute is answered after its client gave up). Here a request beyond the limit is
answered immediately with 503 ``application/problem+json`` and ``Retry-After``, before routing
and authentication, so overload is always answered, and quickly; ``pact24 decide`` and the
witness retry a 503 after the ``Retry-After`` with the same signed body and idempotency key.
The limit is per process (each ``serve --workers`` process has its own): 32 by default,
``PACT24_MAX_IN_FLIGHT`` or ``create_app(max_in_flight=)`` sets another.
"""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Receive, Scope, Send

from pact24.errors import InvalidInput, Overloaded
from pact24.service.api.problems import problem_for, problem_response

DEFAULT_MAX_IN_FLIGHT = 32
MAX_IN_FLIGHT_ENV = "PACT24_MAX_IN_FLIGHT"
#: Seconds a refused client is asked to wait: about the time the requests in flight take.
RETRY_AFTER = 1


def configured_max_in_flight() -> int:
    """The limit from ``PACT24_MAX_IN_FLIGHT``, else the default."""
    raw = os.environ.get(MAX_IN_FLIGHT_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_IN_FLIGHT
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidInput(f"{MAX_IN_FLIGHT_ENV} is a positive number of requests, not {raw!r}")
    return int(raw)


class InFlightLimit:
    """ASGI middleware: at most ``limit`` HTTP requests of this process in flight at once.

    The count lives on the event loop, which runs one coroutine step at a time, so it needs no
    lock."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_MAX_IN_FLIGHT) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            exc = Overloaded(
                f"the service is answering {self.limit} requests; try again in {RETRY_AFTER} s",
                retry_after=RETRY_AFTER,
            )
            status, body = problem_for(exc)
            response = problem_response(status, body, {"Retry-After": str(RETRY_AFTER)})
            await response(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
