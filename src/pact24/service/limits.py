"""The request-body limit: a body longer than ``max_body`` bytes is refused with 413.

It runs outermost, before routing and authentication, so an anonymous client cannot make the
service hold a large body in memory. A declared ``Content-Length`` above the limit is refused
before a byte of the body is read; a body without one (chunked) is counted as it arrives, and
the request is refused as soon as the count passes the limit, whatever the route would have
answered. The default (1 MiB) holds every form and JSON request the service takes, the
decision form with its key file included; ``PACT24_MAX_BODY_BYTES`` or ``create_app``'s
``max_body`` sets another.
"""

from __future__ import annotations

import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pact24.errors import BodyTooLarge, InvalidInput
from pact24.service.api.problems import problem_for, problem_response

DEFAULT_MAX_BODY = 1024 * 1024
MAX_BODY_ENV = "PACT24_MAX_BODY_BYTES"


def configured_max_body() -> int:
    """The limit from ``PACT24_MAX_BODY_BYTES``, else the default."""
    raw = os.environ.get(MAX_BODY_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_BODY
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidInput(f"{MAX_BODY_ENV} is a positive number of bytes, not {raw!r}")
    return int(raw)


class _Exceeded(Exception):
    """Raised into the app when the body it reads passes the limit."""


def _declared_length(scope: Scope) -> int | None:
    for key, value in scope["headers"]:
        if key == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodyLimit:
    """ASGI middleware that refuses request bodies longer than ``max_body`` bytes."""

    def __init__(self, app: ASGIApp, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise _Exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    exceeded = True
                    raise _Exceeded
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # the app's answer to a cut-off body is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _Exceeded:
            if started:
                raise
        if exceeded and not started:
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        exc = BodyTooLarge(
            f"the request body is larger than this service takes ({self.max_body} bytes)",
            limit=self.max_body,
        )
        status, body = problem_for(exc)
        response = problem_response(status, body, {"Connection": "close"})
        await response(scope, receive, send)
