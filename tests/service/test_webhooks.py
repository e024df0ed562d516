"""Webhooks: HMAC-signed, rotatable, retried with backoff, dead-lettered, never in the way."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from tests.service.support import World, bearer

from pact24.service import webhooks
from pact24.service.webhooks import SIGNATURE_HEADER, DeliveryPolicy


class Receiver:
    """A webhook receiver that records what it gets and answers ``status`` (or fails)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.status = 200
        self.fail_connect = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_connect:
            raise httpx.ConnectError("receiver down", request=request)
        return httpx.Response(self.status, text="ok" if self.status < 300 else "nope")


@pytest.fixture
def hooked(opened: World) -> tuple[World, Receiver, dict[str, str]]:
    receiver = Receiver()
    opened.service.transport = httpx.MockTransport(receiver)
    opened.service.delivery = DeliveryPolicy(max_attempts=3, base=timedelta(seconds=2))
    r = opened.client.post(
        "/api/v1/webhooks",
        json={"url": "https://receiver.example/pact24", "guarantee_id": opened.gid},
        headers=bearer(opened.admin),
    )
    assert r.status_code == 201
    return opened, receiver, r.json()


def _decide(w: World, choice: str = "commit", revision: int = 1) -> None:
    gbr = w.delegates[("GBR", "gbr-minister")]
    assert w.decide(gbr, w.decision(gbr, choice=choice, revision=revision)).status_code == 201


def test_deliveries_are_signed_with_hmac_over_timestamp_and_body(hooked) -> None:
    w, receiver, hook = hooked
    _decide(w)
    assert w.service.deliver_webhooks()["delivered"] == 1
    (request,) = receiver.requests
    body = request.content
    assert json.loads(body)["event"]["type"] == "DecisionRecorded"
    assert json.loads(body)["mode"] == "live"
    header = request.headers[SIGNATURE_HEADER]
    assert webhooks.verify(header, body, hook["secret"], w.clock.now())
    assert not webhooks.verify(header, body + b" ", hook["secret"], w.clock.now())
    assert not webhooks.verify(header, body, "whsec_wrong", w.clock.now())
    late = w.clock.now() + timedelta(minutes=10)
    assert not webhooks.verify(header, body, hook["secret"], late)  # a replay, later


def test_a_rotated_key_signs_with_both_secrets_for_a_grace_period(hooked) -> None:
    w, receiver, hook = hooked
    r = w.client.post(f"/api/v1/webhooks/{hook['id']}/rotate", headers=bearer(w.admin))
    new = r.json()["secret"]
    assert new != hook["secret"]
    _decide(w)
    w.service.deliver_webhooks()
    request = receiver.requests[-1]
    header = request.headers[SIGNATURE_HEADER]
    assert header.count("v1=") == 2
    for secret in (new, hook["secret"]):
        assert webhooks.verify(header, request.content, secret, w.clock.now())
    w.clock.advance(timedelta(hours=25))
    w.service.close_overdue()
    w.service.deliver_webhooks()
    header = receiver.requests[-1].headers[SIGNATURE_HEADER]
    assert header.count("v1=") == 1
    assert not webhooks.verify(header, receiver.requests[-1].content, hook["secret"], w.clock.now())


def test_failures_are_retried_with_backoff_then_dead_lettered(hooked) -> None:
    w, receiver, hook = hooked
    receiver.status = 503
    _decide(w)
    assert w.service.deliver_webhooks() == {"delivered": 0, "pending": 1, "dead": 0}
    assert w.service.deliver_webhooks() == {"delivered": 0, "pending": 0, "dead": 0}  # not due
    w.clock.advance(2)
    assert w.service.deliver_webhooks()["pending"] == 1  # second try, then wait 4 s
    w.clock.advance(3)
    assert w.service.deliver_webhooks()["pending"] == 0
    w.clock.advance(1)
    assert w.service.deliver_webhooks()["dead"] == 1
    assert len(receiver.requests) == 3
    r = w.client.get(
        f"/api/v1/webhooks/{hook['id']}/deliveries",
        params={"status": "dead"},
        headers=bearer(w.admin),
    )
    (dead,) = r.json()
    assert dead["attempts"] == 3 and dead["last_error"].startswith("HTTP 503")
    w.clock.advance(3600)
    w.service.deliver_webhooks()
    assert len(receiver.requests) == 3  # a dead letter is kept, not retried


def test_a_dead_receiver_never_blocks_a_decision(hooked) -> None:
    w, receiver, hook = hooked
    receiver.fail_connect = True
    _decide(w)
    assert w.service.deliver_webhooks()["pending"] == 1
    _decide(w, "decline", 2)  # recorded while the receiver is down
    cell = w.get("/board").json()["guarantors"][0]["decisions"]["troops"]
    assert cell["revision"] == 2
    r = w.client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=bearer(w.admin))
    assert [m["status"] for m in r.json()] == ["pending", "pending"]
    assert "ConnectError" in r.json()[0]["last_error"]
    receiver.fail_connect = False
    w.clock.advance(5)
    assert w.service.deliver_webhooks()["delivered"] == 2


def test_a_disabled_webhook_gets_no_new_messages(hooked) -> None:
    w, receiver, hook = hooked
    w.client.post(f"/api/v1/webhooks/{hook['id']}/disable", headers=bearer(w.admin))
    _decide(w)
    assert w.service.deliver_webhooks()["delivered"] == 0
    assert receiver.requests == []
