"""Incidents that name the guarantors they engaged, and the council's invocation of an
``on_invocation`` guarantee: the service records them, the mechanism decides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.service.support import EVIDENCE, World, after, bearer, make_world

from pact24 import wording
from pact24.designs.loader import preset_path
from pact24.errors import Conflict
from pact24.service import client
from pact24.service.core import Service
from pact24.service.scheduler import Scheduler
from pact24.service.web.board import board_context
from pact24.store.db import Store


@pytest.fixture
def tripwire(store: Store) -> Iterator[World]:
    yield from make_world(store, preset="tripwire-presence")


@pytest.fixture
def article5(store: Store) -> Iterator[World]:
    for world in make_world(store, preset="article5-consensus"):
        world.add_delegate("GBR", "gbr-minister")
        yield world


def _incident(w: World, **extra: Any) -> Any:
    body = {"kind": "hybrid_incursion", "severity": "medium", "evidence": EVIDENCE, **extra}
    return w.client.post(f"{w.base}/incidents", json=body, headers=bearer(w.reporter))


def _invoke(w: World, token: str | None = None) -> Any:
    return w.client.post(f"{w.base}/invocation", headers=bearer(token or w.admin))


def _attribute(w: World, confidence: float) -> None:
    r = w.client.post(
        f"{w.base}/attributions", json={"confidence": confidence}, headers=bearer(w.admin)
    )
    assert r.status_code == 201, r.text


def _counts(w: World) -> tuple[int, int, str]:
    g = w.get("").json()
    return g["event_count"], g["ledger_size"], g["phase"]


def test_an_incident_names_the_stationed_forces_it_engaged(tripwire: World) -> None:
    r = _incident(tripwire, engaged=["GBR", "NLD"])
    assert r.status_code == 201, r.text
    assert r.json()["events"][0]["body"]["engaged"] == ["GBR", "NLD"]
    assert tripwire.get("/board").json()["engaged"] == ["GBR", "NLD"]
    actor = tripwire.service.authenticate(tripwire.observer)
    ctx = board_context(tripwire.service, actor, tripwire.gid)
    assert ctx["engaged_text"] == "the attack engaged the forces of United Kingdom and Netherlands"
    assert "the attack engaged the forces of United Kingdom" in ctx["events"][-1]["text"]


def test_an_incident_that_engages_nobody_keeps_its_former_encoding(tripwire: World) -> None:
    r = _incident(tripwire)
    assert r.status_code == 201, r.text
    assert "engaged" not in r.json()["events"][0]["body"]
    assert tripwire.get("/board").json()["engaged"] == []


@pytest.mark.parametrize("engaged", [["DEU"], ["GBR", "GBR"], ["gbr"]])
def test_an_engaged_state_without_forces_there_is_refused_and_nothing_changes(
    tripwire: World, engaged: list[str]
) -> None:
    before = _counts(tripwire)
    r = _incident(tripwire, engaged=engaged)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["title"] == "Event refused"
    assert _counts(tripwire) == before and before[::2] == (0, "awaiting_incident")


def test_the_chair_invokes_and_a_delegate_can_then_decide(article5: World) -> None:
    assert _incident(article5).status_code == 201
    board = article5.get("/board").json()
    assert board["awaiting_invocation"] and board["guarantee"]["phase"] == "reported"
    actor = article5.service.authenticate(article5.observer)
    assert board_context(article5.service, actor, article5.gid)["phase_text"] == (
        wording.AWAITING_INVOCATION
    )
    _attribute(article5, 0.6)  # the design opens only by invocation, not on attribution
    assert _counts(article5)[2] == "reported"
    after(article5, 2)
    r = _invoke(article5)
    assert r.status_code == 201, r.text
    (event,) = r.json()["events"]
    assert event["type"] == "WindowOpened" and event["body"]["deadline"] is None
    entry = article5.get(f"/log/entries/{event['ledger_index']}").json()["entry"]
    assert entry["body"]["type"] == "WindowOpened"
    assert not article5.get("/board").json()["awaiting_invocation"]
    gbr = article5.delegates[("GBR", "gbr-minister")]
    decided = article5.decide(gbr, article5.decision(gbr))
    assert decided.status_code == 201, decided.text


@pytest.mark.parametrize("role", ["delegate", "reporter", "observer"])
def test_only_the_chair_invokes(article5: World, role: str) -> None:
    assert _incident(article5).status_code == 201
    _attribute(article5, 0.9)
    before = _counts(article5)
    token = {
        "delegate": article5.delegates[("GBR", "gbr-minister")].token,
        "reporter": article5.reporter,
        "observer": article5.observer,
    }[role]
    r = _invoke(article5, token)
    assert r.status_code == 403
    assert _counts(article5) == before


def test_an_early_invocation_is_refused_and_changes_nothing(article5: World) -> None:
    none_yet = _invoke(article5)
    assert none_yet.status_code == 409 and "awaiting_incident" in none_yet.json()["detail"]
    assert _incident(article5).status_code == 201
    _attribute(article5, 0.3)
    before = _counts(article5)
    r = _invoke(article5)
    assert r.status_code == 409
    assert "invocation needs attribution >= 0.5" in r.json()["detail"]
    assert _counts(article5) == before and article5.get("/board").json()["awaiting_invocation"]


def test_a_second_invocation_is_refused(article5: World) -> None:
    assert _incident(article5).status_code == 201
    _attribute(article5, 0.6)
    assert _invoke(article5).status_code == 201
    before = _counts(article5)
    again = _invoke(article5)
    assert again.status_code == 409 and "window_open" in again.json()["detail"]
    assert _counts(article5) == before


def test_a_design_that_opens_by_its_own_rule_cannot_be_invoked(tripwire: World) -> None:
    assert _incident(tripwire).status_code == 201  # on_report: already open
    r = _invoke(tripwire)
    assert r.status_code == 422 and "not by invocation" in r.json()["detail"]


def _invoked_with_deadline() -> str:
    """article5-consensus with a 24-hour window, so the invocation sets a deadline."""
    text = preset_path("article5-consensus").read_text()
    text = text.replace("name: article5-consensus", "name: article5-24h")
    return text.replace("window_hours: null", "window_hours: 24")


def test_a_restart_keeps_the_invocation_and_the_scheduler_closes_at_its_deadline(
    store: Store,
) -> None:
    for world in make_world(store, design=_invoked_with_deadline()):
        assert _incident(world).status_code == 201
        _attribute(world, 0.8)
        opened = _invoke(world).json()["events"][0]["body"]
        deadline = datetime.fromisoformat(opened["deadline"])
        assert deadline == world.clock.now() + timedelta(hours=24)
        restarted = Service(store, world.clock)  # a new process on the same store
        assert restarted.overdue() == []
        after(world, 25)
        scheduler = Scheduler(restarted)
        assert scheduler.start() == [world.gid]
        scheduler.stop()
        g = world.get("").json()
        assert g["phase"] == "declared"
        assert datetime.fromisoformat(g["closed_at"]) == deadline


def test_the_client_invokes_once_and_says_why_not_twice(article5: World) -> None:
    assert _incident(article5).status_code == 201
    _attribute(article5, 0.6)
    chair = TestClient(article5.client.app, headers=bearer(article5.admin))
    answer = client.invoke(chair, article5.gid, "invoke-1")
    assert [e["type"] for e in answer["events"]] == ["WindowOpened"]
    assert client.invoke(chair, article5.gid, "invoke-1") == answer  # a retry records once
    with pytest.raises(Conflict, match="window_open"):
        client.invoke(chair, article5.gid)
