"""Reminders before the deadline, and escalation to the alternate delegate."""

from __future__ import annotations

from datetime import timedelta

from tests.service.support import T0, World, bearer

INSTRUMENTS = ("troops", "defence_support", "economic_aid", "sanctions")


def _all_decided(w: World, iso3: str, delegate: str) -> None:
    d = w.delegates[(iso3, delegate)]
    for instrument in INSTRUMENTS:
        assert w.decide(d, w.decision(d, instrument)).status_code == 201


def test_silent_guarantors_are_reminded_then_escalated(opened: World) -> None:
    _all_decided(opened, "GBR", "gbr-minister")
    opened.clock.set(T0 + timedelta(hours=11))
    assert opened.service.send_reminders() == 0
    opened.clock.set(T0 + timedelta(hours=12))  # T - 12 h
    assert opened.service.send_reminders() == 15  # every guarantor but GBR
    assert opened.service.send_reminders() == 0  # once only
    sent = opened.get("/notifications").json()
    assert {n["kind"] for n in sent} == {"reminder"}
    fra = next(n for n in sent if n["guarantor"] == "FRA")
    assert fra["delegate"] == "fra-minister" and fra["hours_before"] == 12
    assert fra["silent"] == list(INSTRUMENTS)
    _all_decided(opened, "FRA", "fra-minister")
    opened.clock.set(T0 + timedelta(hours=21))  # T - 3 h: still silent ones escalate
    assert opened.service.send_reminders() == 14 * 2
    escalations = [n for n in opened.get("/notifications").json() if n["kind"] == "escalation"]
    assert len(escalations) == 14
    deu = next(n for n in escalations if n["guarantor"] == "DEU")
    assert deu["delegate"] == "deu-ambassador" and deu["hours_before"] == 3


def test_a_service_down_across_offsets_sends_only_the_latest(opened: World) -> None:
    opened.clock.set(T0 + timedelta(hours=23, minutes=30))
    assert opened.service.send_reminders() == 16 * 2
    assert {n["hours_before"] for n in opened.get("/notifications").json()} == {1}
    opened.clock.set(T0 + timedelta(hours=24))
    assert opened.service.send_reminders() == 0  # at the deadline the close takes over


def test_reminders_go_out_as_webhooks(opened: World) -> None:
    import json

    import httpx

    got: list[dict[str, object]] = []

    def receive(request: httpx.Request) -> httpx.Response:
        got.append(json.loads(request.content))
        return httpx.Response(204)

    opened.service.transport = httpx.MockTransport(receive)
    opened.client.post(
        "/api/v1/webhooks", json={"url": "https://r.example/h"}, headers=bearer(opened.admin)
    )
    opened.clock.set(T0 + timedelta(hours=21))
    opened.service.send_reminders()
    opened.service.deliver_webhooks()
    topics = {m["topic"] for m in got}
    assert topics == {"reminder", "escalation"}
    assert all(m["deadline"] == "2027-03-02T04:00:00Z" for m in got)
