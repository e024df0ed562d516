"""Server-ordered time and bound signatures.

The service stamps each decision with its own receipt time, taken under the guarantee's lock:
that time orders the record and meets the deadline. The delegate's ``signed_at`` is kept and
checked for that decision alone, so a fast clock blocks nobody. A signature names its
guarantee, its log and the event count it was made against: it counts there and only once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from tests.service.serving import serve_in_thread
from tests.service.support import EVIDENCE, T0, World, after, bearer

from pact24.designs import resolve_design
from pact24.ledger import encode_public_key
from pact24.mechanism import codec
from pact24.service.app import create_app


def _decisions(world: World) -> list[dict[str, Any]]:
    events = world.get("/timeline").json()["events"]
    return [e["body"] for e in events if e["type"] == "DecisionRecorded"]


def test_a_decision_signed_four_minutes_ahead_is_recorded_at_receipt_and_blocks_nobody(
    opened: World,
) -> None:
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    received = after(opened, 1)
    ahead = opened.decision(gbr, at=received + timedelta(minutes=4))
    assert opened.decide(gbr, ahead).status_code == 201
    opened.clock.advance(timedelta(seconds=5))
    honest = opened.decision(fra)  # signed with the true time, before GBR's claimed time
    r = opened.decide(fra, honest)
    assert r.status_code == 201, r.text
    first, second = _decisions(opened)
    assert codec.parse_ts(first["at"]) == received  # the receipt time orders the record
    assert codec.parse_ts(first["signed_at"]) == received + timedelta(minutes=4)  # the claim
    assert codec.parse_ts(second["at"]) == received + timedelta(seconds=5)
    assert codec.parse_ts(second["signed_at"]) == received + timedelta(seconds=5)


def test_a_clock_beyond_the_tolerance_is_refused_for_that_decision_alone(opened: World) -> None:
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    after(opened, 1)
    r = opened.decide(gbr, opened.decision(gbr, at=opened.clock.now() + timedelta(minutes=6)))
    assert r.status_code == 422
    assert "300 s from the service's time" in r.json()["detail"]
    assert opened.decide(fra, opened.decision(fra)).status_code == 201
    assert opened.decide(gbr, opened.decision(gbr)).status_code == 201


def test_the_deadline_is_judged_by_receipt_time_not_by_the_signed_time(opened: World) -> None:
    """Sent one second before the deadline: it counts, whatever its clock said; a decision that
    claims an earlier time but arrives at the deadline does not."""
    gbr, fra = opened.delegates[("GBR", "gbr-minister")], opened.delegates[("FRA", "fra-minister")]
    deadline = T0 + timedelta(hours=24)
    opened.clock.set(deadline - timedelta(seconds=1))
    ahead = opened.decision(gbr, at=deadline + timedelta(minutes=4))
    assert opened.decide(gbr, ahead).status_code == 201
    early_claim = opened.decision(fra, at=deadline - timedelta(minutes=1))
    opened.clock.set(deadline)
    r = opened.decide(fra, early_claim)
    assert r.status_code == 409 and r.json()["title"] == "Deadline passed"
    receipts = {
        x["guarantor"]: x
        for x in opened.get("/receipts").json()["receipts"]
        if x["instrument"] == "troops"
    }
    assert receipts["GBR"]["status"] == "commit" and not receipts["GBR"]["by_silence"]
    assert receipts["FRA"]["by_silence"]


def test_a_signature_made_for_another_guarantee_is_refused(opened: World) -> None:
    """The same delegate key is registered in a second guarantee; a decision its delegate
    signed for the first is refused there, and one signed for the second is recorded."""
    gbr = opened.delegates[("GBR", "gbr-minister")]
    r = opened.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "id": "g-two", "preset": "meloni-24h"},
        headers=bearer(opened.admin),
    )
    assert r.status_code == 201, r.text
    public = encode_public_key(gbr.key.public_key())
    r = opened.client.post(
        "/api/v1/guarantees/g-two/delegates",
        json={"guarantor": "GBR", "delegate": "gbr-minister", "public_key": public},
        headers=bearer(opened.admin),
    )
    assert r.status_code == 201, r.text
    two = bearer(r.json()["token"])
    r = opened.client.post(
        "/api/v1/guarantees/g-two/incidents",
        json={"kind": "overt_invasion", "severity": "high", "evidence": EVIDENCE},
        headers=bearer(opened.admin),
    )
    assert r.status_code == 201, r.text
    url = "/api/v1/guarantees/g-two/decisions"
    for_one = opened.decision(gbr)
    r = opened.client.post(url, json=for_one, headers=two)
    assert r.status_code == 400
    assert "signed for guarantee 'g-test'" in r.json()["detail"]
    g_two = opened.client.get("/api/v1/guarantees/g-two", headers=two).json()
    relabelled = {**for_one, "guarantee": "g-two", "origin": g_two["log_origin"]}
    r = opened.client.post(url, json=relabelled, headers=two)
    assert r.status_code == 400 and "does not verify" in r.json()["detail"]
    assert opened.client.get("/api/v1/guarantees/g-two", headers=two).json()["event_count"] == 2
    r = opened.client.post(url, json=opened.decision(gbr, gid="g-two"), headers=two)
    assert r.status_code == 201, r.text
    assert opened.decide(gbr, for_one).status_code == 201  # where it was signed, it counts


def test_a_replayed_decision_is_refused_and_records_nothing(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    after(opened, 1)
    body = opened.decision(gbr)
    assert opened.decide(gbr, body).status_code == 201
    opened.clock.advance(timedelta(minutes=1))
    for key in (None, "another-key"):
        r = opened.decide(gbr, body, key=key)
        assert r.status_code == 409
        assert "already recorded" in r.json()["detail"]
    assert len(_decisions(opened)) == 1


def test_a_signature_against_a_record_not_yet_reached_is_refused(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    body = opened.decision(gbr)
    body["sequence"] += 5  # would need re-signing: the count is checked before the signature
    r = opened.decide(gbr, body)
    assert r.status_code == 422
    assert "signed against" in r.json()["detail"]


# --- concurrency, over a real server ------------------------------------------------------------


@pytest.fixture
def served(world: World) -> Iterator[tuple[World, str]]:
    """``world``'s service behind uvicorn on 127.0.0.1, in a thread: requests really overlap."""
    app = create_app(service=world.service, scheduler=False, run_migrations=False)
    with serve_in_thread(app, name="pact24-concurrency-test") as port:
        yield world, f"http://127.0.0.1:{port}"


def test_sixteen_concurrent_delegates_all_get_their_decisions_recorded(
    served: tuple[World, str],
) -> None:
    world, base = served
    guarantors = [g.iso3 for g in resolve_design("meloni-24h").guarantors]
    assert len(guarantors) == 16
    delegates = [world.add_delegate(iso3, f"{iso3.lower()}-minister") for iso3 in guarantors]
    world.open_window()
    after(world, 1)
    bodies = [world.decision(d) for d in delegates]  # all signed against the same record
    barrier = threading.Barrier(len(delegates))
    answers: dict[str, int] = {}

    def send(n: int) -> None:
        d = delegates[n]
        with httpx.Client(base_url=base, timeout=60) as client:
            barrier.wait()
            r = client.post(
                f"/api/v1/guarantees/{world.gid}/decisions", json=bodies[n], headers=d.headers
            )
            answers[d.guarantor] = r.status_code

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(delegates))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == {iso3: 201 for iso3 in guarantors}
    recorded = _decisions(world)
    assert sorted(b["guarantor"] for b in recorded) == sorted(guarantors)
    times = [codec.parse_ts(b["at"]) for b in recorded]
    assert times == sorted(times)  # the record is in receipt order
