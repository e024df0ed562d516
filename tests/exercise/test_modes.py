"""An exercise can never act as a live guarantee: its tokens are refused there (and the other
way round), and every ledger entry of an exercise carries the mark."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests.service.support import EVIDENCE, World, bearer, make_world

from pact24.ledger import encode_public_key, generate_keypair
from pact24.store.db import Store


@pytest.fixture
def live(store: Store) -> Iterator[World]:
    yield from make_world(store)


def _guarantee(w: World, mode: str, gid: str) -> None:
    r = w.client.post(
        "/api/v1/guarantees",
        json={"mode": mode, "preset": "meloni-24h", "id": gid},
        headers=bearer(w.admin),
    )
    assert r.status_code == 201, r.text


def _admin(w: World, mode: str) -> str:
    r = w.client.post(
        "/api/v1/accounts",
        json={"name": f"{mode}-director", "role": "admin", "mode": mode},
        headers=bearer(w.admin),
    )
    assert r.status_code == 201, r.text
    assert r.json()["account"]["mode"] == mode
    return str(r.json()["token"])


def _incident(w: World, gid: str, token: str) -> int:
    r = w.client.post(
        f"/api/v1/guarantees/{gid}/incidents",
        json={"kind": "strike", "severity": "high", "evidence": EVIDENCE},
        headers=bearer(token),
    )
    return r.status_code


def test_an_exercise_admin_token_cannot_act_on_a_live_guarantee(live: World) -> None:
    _guarantee(live, "exercise", "g-exercise")
    director = _admin(live, "exercise")
    r = live.client.post(
        f"{live.base}/incidents",
        json={"kind": "strike", "severity": "high", "evidence": EVIDENCE},
        headers=bearer(director),
    )
    assert r.status_code == 403
    assert "for exercise guarantees; guarantee 'g-test' is live" in r.json()["detail"]
    _, public = generate_keypair()
    r = live.client.post(
        f"{live.base}/delegates",
        json={
            "guarantor": "GBR",
            "delegate": "gbr-minister",
            "public_key": encode_public_key(public),
        },
        headers=bearer(director),
    )
    assert r.status_code == 403
    r = live.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h"},
        headers=bearer(director),
    )
    assert r.status_code == 403
    assert live.get("/board").json()["guarantee"]["event_count"] == 0  # nothing was recorded
    assert _incident(live, "g-exercise", director) == 201


def test_a_live_admin_token_cannot_act_on_an_exercise(live: World) -> None:
    _guarantee(live, "exercise", "g-exercise")
    chair = _admin(live, "live")
    assert _incident(live, "g-exercise", chair) == 403
    assert _incident(live, live.gid, chair) == 201


def test_an_exercise_delegate_is_an_exercise_account_and_cannot_decide_on_a_live_guarantee(
    live: World,
) -> None:
    _guarantee(live, "exercise", "g-exercise")
    live.open_window()
    exercise = World(live.client, live.service, live.clock, "g-exercise", live.admin, "", "", "")
    d = exercise.add_delegate("GBR", "gbr-minister")
    accounts = live.client.get(
        "/api/v1/accounts", params={"guarantee_id": "g-exercise"}, headers=bearer(live.admin)
    ).json()
    assert [a["mode"] for a in accounts] == ["exercise"]
    body = live.decision(d)  # signed for the live guarantee, with the exercise delegate's key
    assert live.decide(d, body).status_code == 403


def test_every_ledger_entry_of_an_exercise_carries_the_mark(live: World) -> None:
    _guarantee(live, "exercise", "g-exercise")
    exercise = World(
        live.client, live.service, live.clock, "g-exercise", live.admin, live.admin, "", ""
    )
    d = exercise.add_delegate("GBR", "gbr-minister")
    assert _incident(live, "g-exercise", live.admin) == 201
    assert exercise.decide(d, exercise.decision(d)).status_code == 201
    r = live.client.get(
        "/api/v1/guarantees/g-exercise/log/export.jsonl", headers=bearer(live.admin)
    )
    assert r.headers["Pact24-Mode"] == "exercise"
    entries = [json.loads(line)["entry"] for line in r.content.splitlines()[1:]]
    assert len(entries) >= 4  # design, key, incident, window, decision
    assert {e["mode"] for e in entries} == {"exercise"}
