"""The exercise clock: its maths, pausing, and the service judging an exercise by it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.service.support import EVIDENCE, T0, World, after, bearer, make_world

from pact24.clock import ExerciseTime
from pact24.service import client
from pact24.store.db import Store
from pact24.vocab import Choice, Instrument

START = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)


def wall(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def test_exercise_time_runs_speed_times_faster_from_its_start() -> None:
    t = ExerciseTime(start=START, speed=1440)
    assert t.at(START) == START
    assert t.at(wall(60)) == START + timedelta(hours=24)
    assert t.at(wall(-10)) == START  # before the start it has not begun
    assert t.wall_seconds_until(START + timedelta(hours=12), wall(0)) == pytest.approx(30)


def test_a_pause_stops_the_clock_and_resuming_adds_the_pause_to_paused_seconds() -> None:
    t = ExerciseTime(start=START, speed=1440).pause(wall(30))
    assert t.at(wall(100)) == START + timedelta(hours=12)
    assert t.wall_seconds_until(START + timedelta(hours=24), wall(100)) is None
    assert t.pause(wall(50)) == t  # pausing a paused clock changes nothing
    resumed = t.resume(wall(100))
    assert resumed.paused_seconds == 70
    assert resumed.at(wall(130)) == START + timedelta(hours=24)
    assert resumed.resume(wall(140)) == resumed


def test_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="speed"):
        ExerciseTime(start=START, speed=0)


@pytest.fixture
def live(store: Store) -> Iterator[World]:
    yield from make_world(store)


@pytest.fixture
def exercise(store: Store) -> Iterator[World]:
    """meloni-24h in exercise mode at 24x: the whole 24-hour window in one wall hour."""
    yield from make_world(store, mode="exercise", speed=24)


def _open(w: World) -> None:
    r = w.client.post(
        f"{w.base}/incidents",
        json={"kind": "strike", "severity": "high", "evidence": EVIDENCE},
        headers=bearer(w.reporter),
    )
    assert r.status_code == 201, r.text


def test_the_service_reads_the_exercise_s_time_for_board_deadline_and_close(
    exercise: World,
) -> None:
    w = exercise
    _open(w)
    board = w.get("/board").json()
    assert board["guarantee"]["speed"] == 24
    assert datetime.fromisoformat(board["guarantee"]["deadline"]) == T0 + timedelta(hours=24)
    after(w, 0.25)  # a quarter of a wall hour: six exercise hours
    board = w.get("/board").json()
    assert datetime.fromisoformat(board["now"]) == T0 + timedelta(hours=6)
    assert board["seconds_left"] == pytest.approx(18 * 3600)
    r = w.client.post(f"{w.base}/clock", json={"running": False}, headers=bearer(w.admin))
    assert r.status_code == 200 and r.json()["paused"] is True
    after(w, 2)  # paused: two wall hours pass, the exercise's deadline does not come
    assert w.service.close_overdue() == []
    assert datetime.fromisoformat(w.get("/board").json()["now"]) == T0 + timedelta(hours=6)
    w.client.post(f"{w.base}/clock", json={"running": True}, headers=bearer(w.admin))
    after(w, 0.75)
    assert w.service.close_overdue() == [w.gid]
    assert w.get("/board").json()["outcome"] is not None


def test_a_delegate_signs_by_the_exercise_s_clock_and_a_wall_clock_signature_is_refused(
    exercise: World,
) -> None:
    w = exercise
    d = w.add_delegate("GBR", "gbr-minister")
    _open(w)
    after(w, 0.5)  # wall T0 + 30 min is exercise T0 + 12 h: 11.5 h apart
    wall_signed = w.decision(d, at=w.clock.now())
    r = w.decide(d, wall_signed)
    assert r.status_code == 422 and "check this computer's clock" in r.json()["detail"]
    http = TestClient(w.client.app, headers=bearer(d.token))
    who = client.whoami(http)
    basis = client.basis(http, who, Instrument.TROOPS)
    assert basis.now == T0 + timedelta(hours=12)
    decision = client.build(who, Instrument.TROOPS, Choice.COMMIT, basis, basis.guarantee_time())
    r = w.decide(d, client.signed_request(decision, d.key))
    assert r.status_code == 201, r.text
    assert datetime.fromisoformat(r.json()["events"][0]["at"]) == T0 + timedelta(hours=12)


def test_a_live_guarantee_has_no_speed_and_its_clock_cannot_stop(live: World) -> None:
    w = live
    r = w.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h", "speed": 24},
        headers=bearer(w.admin),
    )
    assert r.status_code == 422 and "only an exercise" in r.json()["detail"]
    r = w.client.post(f"{w.base}/clock", json={"running": False}, headers=bearer(w.admin))
    assert r.status_code == 409
    assert w.get("/board").json()["guarantee"]["speed"] == 1


def test_reminders_fall_due_by_the_exercise_s_clock(exercise: World) -> None:
    w = exercise
    _open(w)
    after(w, 0.45)  # 10.8 exercise hours: the 12-hours-before reminder is not due yet
    assert w.service.send_reminders() == 0
    after(w, 0.05)  # 12 exercise hours
    assert w.service.send_reminders() == 16  # one per silent guarantor's primary delegate
    kinds = {n["kind"] for n in w.get("/notifications").json()}
    assert kinds == {"reminder"}


def test_pact24_decide_signs_by_the_service_s_time_not_this_computer_s(live: World) -> None:
    """The service's clock here is in 2027 (a ``ManualClock``), as a server started with
    ``PACT24_CLOCK_OFFSET_SECONDS`` would be: the client signs at the time the board reports."""
    d = live.add_delegate("GBR", "gbr-minister")
    live.open_window()
    http = TestClient(live.client.app, headers=bearer(d.token))
    answer = client.decide(http, d.key, Instrument.TROOPS, Choice.COMMIT)
    assert answer["events"][0]["body"]["signed_at"].startswith("2027-03-01T04:00")


def test_injects_are_kept_at_the_exercise_s_time_and_refused_on_a_live_guarantee(
    exercise: World,
) -> None:
    w = exercise
    after(w, 0.25)
    r = w.client.post(
        f"{w.base}/injects",
        json={"kind": "intelligence", "text": "Intercepts name the brigade."},
        headers=bearer(w.admin),
    )
    assert r.status_code == 201, r.text
    assert datetime.fromisoformat(r.json()["at"]) == T0 + timedelta(hours=6)
    listed = w.get("/injects").json()
    assert [(x["kind"], x["mode"], x["sent_by"]) for x in listed] == [
        ("intelligence", "exercise", "root")
    ]
    r = w.client.post(
        f"{w.base}/injects", json={"kind": "other", "text": "x"}, headers=bearer(w.reporter)
    )
    assert r.status_code == 403
    r = w.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h", "id": "g-live"},
        headers=bearer(w.admin),
    )
    r = w.client.post(
        "/api/v1/guarantees/g-live/injects",
        json={"kind": "other", "text": "x"},
        headers=bearer(w.admin),
    )
    assert r.status_code == 409 and "injects belong to exercises" in r.json()["detail"]
