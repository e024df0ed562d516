"""Load shedding: a full process answers 503 with Retry-After at once; otherwise it passes."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from pact24.service import shedding
from pact24.service.shedding import InFlightLimit


class Gate:
    """An ASGI app that holds every request until ``release``."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.served = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.entered.set()
        await self.release.wait()
        self.served += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


async def _scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response, Gate, int]:
    gate = Gate()
    limited = InFlightLimit(gate, limit=1)
    transport = httpx.ASGITransport(app=limited)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        first = asyncio.create_task(client.get("/a"))
        await gate.entered.wait()
        refused = await client.get("/b")
        gate.release.set()
        passed = await first
        after = await client.get("/c")
    return refused, passed, after, gate, limited.in_flight


def test_full_process_answers_503_with_retry_after_and_passes_otherwise():
    refused, passed, after, gate, in_flight = asyncio.run(_scenario())
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == str(shedding.RETRY_AFTER)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["status"] == 503 and refused.json()["retry_after"] == 1
    assert passed.status_code == 200 and after.status_code == 200
    assert gate.served == 2, "the refused request never reached the app"
    assert in_flight == 0


def test_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv(shedding.MAX_IN_FLIGHT_ENV, "5")
    assert shedding.configured_max_in_flight() == 5
    monkeypatch.delenv(shedding.MAX_IN_FLIGHT_ENV)
    assert shedding.configured_max_in_flight() == shedding.DEFAULT_MAX_IN_FLIGHT
