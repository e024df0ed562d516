"""Decisions: signatures, the deadline on arrival, idempotency, revisions."""

from __future__ import annotations

from datetime import timedelta

from tests.service.support import T0, World, after, bearer

from pact24.mechanism import Condition
from pact24.vocab import ConditionKind


def _counts(w: World) -> tuple[int, int, int]:
    g = w.get("").json()
    return g["event_count"], g["ledger_size"], len(w.get("/timeline").json()["events"])


def test_a_signed_decision_is_recorded_on_the_board_and_in_the_ledger(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    after(opened, 1)
    r = opened.decide(gbr, opened.decision(gbr))
    assert r.status_code == 201, r.text
    (event,) = r.json()["events"]
    assert event["type"] == "DecisionRecorded"
    cell = opened.get("/board").json()["guarantors"][0]["decisions"]["troops"]
    assert cell["choice"] == "commit" and cell["revision"] == 1
    entry = opened.get(f"/log/entries/{event['ledger_index']}").json()["entry"]
    assert entry["body"]["signature"] == event["body"]["signature"]
    assert entry["mode"] == "live"


def test_a_bad_signature_gets_400_and_nothing_is_stored(opened: World) -> None:
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    before = _counts(opened)
    forged = opened.decision(fra)  # signed with FRA's key ...
    forged.update(guarantor="GBR", delegate="gbr-minister")  # ... but claims to be GBR's
    r = opened.decide(gbr, forged)
    assert r.status_code == 400
    assert r.json()["title"] == "Bad signature"
    tampered = opened.decision(gbr)
    tampered["choice"] = "decline"  # changed after signing
    assert opened.decide(gbr, tampered).status_code == 400
    garbage = opened.decision(gbr)
    garbage["signature"] = "not base64!"
    assert opened.decide(gbr, garbage).status_code == 400
    assert _counts(opened) == before
    assert opened.get("/board").json()["guarantors"][0]["decisions"]["troops"] is None


def test_a_late_decision_gets_409_naming_the_deadline_and_closes_once(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    after(opened, 1)
    assert opened.decide(gbr, opened.decision(gbr)).status_code == 201
    opened.clock.set(T0 + timedelta(hours=24))  # exactly at the deadline: too late
    body = opened.decision(gbr, revision=2, choice="decline")
    r = opened.decide(gbr, body)
    assert r.status_code == 409
    problem = r.json()
    assert problem["title"] == "Deadline passed"
    assert problem["deadline"].startswith("2027-03-02T04:00:00")
    assert "2027-03-02T04:00:00+00:00" in problem["detail"]  # the mechanism's words
    types = [e["type"] for e in opened.get("/timeline").json()["events"]]
    assert types.count("WindowClosed") == 1 and types.count("OutcomeDeclared") == 1
    assert types.count("DecisionRecorded") == 1
    assert opened.decide(gbr, body).status_code == 409
    types = [e["type"] for e in opened.get("/timeline").json()["events"]]
    assert types.count("WindowClosed") == 1
    receipt = opened.get("/receipts").json()["receipts"][0]
    assert (receipt["guarantor"], receipt["status"], receipt["revision"]) == ("GBR", "commit", 1)


def test_a_replayed_idempotency_key_returns_the_same_answer_and_records_once(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    body = opened.decision(gbr)
    first = opened.decide(gbr, body, key="retry-1")
    before = _counts(opened)
    second = opened.decide(gbr, body, key="retry-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _counts(opened) == before
    types = [e["type"] for e in opened.get("/timeline").json()["events"]]
    assert types.count("DecisionRecorded") == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    assert opened.decide(gbr, opened.decision(gbr), key="k").status_code == 201
    other = opened.decision(gbr, revision=2, choice="decline")
    r = opened.decide(gbr, other, key="k")
    assert r.status_code == 422
    assert "different request" in r.json()["detail"]


def test_keys_are_per_account(opened: World) -> None:
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    assert opened.decide(gbr, opened.decision(gbr), key="same").status_code == 201
    r = opened.decide(fra, opened.decision(fra), key="same")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r.headers


def test_a_failed_request_stores_no_answer_so_a_retry_is_tried_afresh(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    bad = opened.decision(gbr, revision=3)
    assert opened.decide(gbr, bad, key="k2").status_code == 409  # revision skips
    good = opened.decision(gbr)
    assert opened.decide(gbr, good, key="k3").status_code == 201


def test_revisions_keep_every_version(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    assert opened.decide(gbr, opened.decision(gbr)).status_code == 201
    after(opened, 2)
    cond = Condition(ConditionKind.PARLIAMENT_APPROVAL)
    body = opened.decision(gbr, choice="conditional", revision=2, condition=cond)
    assert opened.decide(gbr, body).status_code == 201
    cell = opened.get("/board").json()["guarantors"][0]["decisions"]["troops"]
    assert cell["revision"] == 2 and cell["condition"]["kind"] == "parliament_approval"
    r = opened.client.post(
        f"{opened.base}/resolutions",
        json={"guarantor": "GBR", "instrument": "troops", "met": True},
        headers=bearer(opened.admin),  # a parliament's vote is attested by the operator
    )
    assert r.status_code == 201
    cell = opened.get("/board").json()["guarantors"][0]["decisions"]["troops"]
    assert cell["condition_met"] is True
    decisions = [
        e for e in opened.get("/timeline").json()["events"] if e["type"] == "DecisionRecorded"
    ]
    assert [d["body"]["revision"] for d in decisions] == [1, 2]


def test_a_decision_signed_far_from_the_service_clock_is_refused(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    after(opened, 1)
    body = opened.decision(gbr, at=opened.clock.now() + timedelta(minutes=30))
    r = opened.decide(gbr, body)
    assert r.status_code == 422
    assert "from the service's time" in r.json()["detail"]


def test_a_decision_before_any_window_is_out_of_order(world: World) -> None:
    gbr = world.add_delegate("GBR", "gbr-minister")
    r = world.decide(gbr, world.decision(gbr))
    assert r.status_code == 409
    assert r.json()["title"] == "Event out of order"


def test_a_condition_the_design_forbids_is_422(store) -> None:
    from tests.service.support import make_world

    design = _strict_design()
    for w in make_world(store, design=design):
        gbr = w.add_delegate("GBR", "gbr-minister")
        w.open_window()
        cond = Condition(ConditionKind.UN_MANDATE)
        r = w.decide(gbr, w.decision(gbr, choice="conditional", condition=cond))
        assert r.status_code == 422
        assert "not allowed" in r.json()["detail"]


def test_key_rotation_applies_to_later_decisions(opened: World) -> None:
    from pact24.ledger import encode_public_key, generate_keypair

    gbr = opened.delegates[("GBR", "gbr-minister")]
    assert opened.decide(gbr, opened.decision(gbr)).status_code == 201
    new_key, new_pub = generate_keypair()
    r = opened.client.post(
        f"{opened.base}/delegates",
        json={
            "guarantor": "GBR",
            "delegate": "gbr-minister",
            "public_key": encode_public_key(new_pub),
        },
        headers=bearer(opened.admin),
    )
    assert r.status_code == 201
    old_signed = opened.decision(gbr, revision=2, choice="decline")
    assert opened.decide(gbr, old_signed).status_code == 400
    gbr.key = new_key
    assert opened.decide(gbr, opened.decision(gbr, revision=2, choice="decline")).status_code == 201


def _strict_design() -> str:
    from pact24.designs.loader import preset_path

    text = preset_path("meloni-24h").read_text()
    start = text.index("conditions:")
    end = text.index("revisions_allowed:")
    return text[:start] + "conditions:\n  allowed: [parliament_approval]\n" + text[end:]
