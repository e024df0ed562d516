"""The request-body limit: refused with 413 problem+json before authentication, before the
body is read (a declared length) or as soon as the count passes the limit (a chunked body)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.service.serving import serve_in_thread

from pact24.errors import InvalidInput
from pact24.service import limits
from pact24.service.app import create_app
from pact24.service.core import Service
from pact24.store.db import Store

TEN_MB = 10 * 1024 * 1024
CHUNK = 64 * 1024


@pytest.fixture
def app() -> Iterator[FastAPI]:
    """The whole service; no request here gets as far as its (empty, in-memory) database."""
    store = Store("sqlite://")
    yield create_app(service=Service(store), run_migrations=False, scheduler=False)
    store.dispose()


@pytest.fixture
def server(app: FastAPI) -> Iterator[int]:
    with serve_in_thread(app, name="pact24-limits-test") as port:
        yield port


def test_a_declared_10_mb_body_is_refused_before_it_is_sent(server: int) -> None:
    """Headers and the first 64 KiB only: the answer comes although 99 % of the body was never
    sent, so the server cannot have read it."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as conn:
        conn.sendall(
            b"POST /api/v1/guarantees HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n"
            + f"Content-Length: {TEN_MB}\r\n\r\n".encode()
            + b"x" * CHUNK
        )
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            data = conn.recv(65536)
            if not data:
                break
            answer += data
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), head
    assert b"content-type: application/problem+json" in head.lower()
    problem = json.loads(body)
    assert problem["status"] == 413 and problem["limit"] == limits.DEFAULT_MAX_BODY


def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(app: FastAPI) -> None:
    """At the ASGI level: an endless chunked body, counted as the app pulls it."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        more = pulled < TEN_MB // CHUNK  # ends at 10 MB, should the limit not hold
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/accounts",
        "raw_path": b"/api/v1/accounts",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    assert pulled == limits.DEFAULT_MAX_BODY // CHUNK + 1, "not a chunk more than the limit"
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [413], "one answer: the 413, nothing from the route"
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert json.loads(body)["title"] == "Content too large"


@pytest.fixture
def small() -> Iterator[TestClient]:
    store = Store("sqlite://")
    app = create_app(service=Service(store), run_migrations=False, scheduler=False, max_body=100)
    yield TestClient(app)  # no lifespan: nothing here touches the database
    store.dispose()


def test_the_limit_is_a_setting_and_bodies_within_it_pass(
    small: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    too_long = b'{"name": "' + b"a" * 100 + b'"}'
    r = small.post("/api/v1/accounts", content=too_long)
    assert r.status_code == 413 and r.headers["content-type"] == "application/problem+json"
    assert r.json()["limit"] == 100
    r = small.post("/api/v1/accounts", content=iter([too_long[:60], too_long[60:]]))
    assert "content-length" not in r.request.headers and r.status_code == 413
    r = small.post("/api/v1/accounts", content=b'{"name": "a"}')
    assert r.status_code == 401, "a body within the limit reaches the route (which wants a token)"
    monkeypatch.setenv(limits.MAX_BODY_ENV, "2048")
    assert limits.configured_max_body() == 2048
    monkeypatch.setenv(limits.MAX_BODY_ENV, "1 MB")
    with pytest.raises(InvalidInput, match=limits.MAX_BODY_ENV):
        limits.configured_max_body()
