"""Refused late attempts: a decision that arrives at or after the deadline is refused (409),
changes nothing in the deliberation, and is kept apart from the record to be seen: listed by
the API and on the board, only when its delegate's token and signature hold, and bounded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tests.service.support import T0, World, after, bearer
from tests.service.web_support import hidden

from pact24.service import web
from pact24.store import refused

DEADLINE = T0 + timedelta(hours=24)


def _record(w: World) -> tuple[Any, ...]:
    """What counts: the event count, the ledger's size, the timeline and the declared outcome."""
    g = w.get("").json()
    outcome = w.get("/outcome").json()
    return g["event_count"], g["ledger_size"], w.get("/timeline").json()["events"], outcome


@pytest.fixture
def closed(opened: World) -> World:
    """GBR committed troops at hour 1; the deadline has passed and the window is closed."""
    gbr = opened.delegates[("GBR", "gbr-minister")]
    after(opened, 1)
    assert opened.decide(gbr, opened.decision(gbr)).status_code == 201
    opened.clock.set(DEADLINE + timedelta(seconds=5))
    assert opened.get("/board").json()["outcome"] is not None  # the read closes it
    return opened


def test_a_late_decision_is_refused_kept_apart_and_counts_for_nothing(closed: World) -> None:
    gbr = closed.delegates[("GBR", "gbr-minister")]
    before = _record(closed)
    body = closed.decision(gbr, revision=2, choice="decline")
    r = closed.decide(gbr, body)
    assert r.status_code == 409 and r.json()["title"] == "Deadline passed"
    assert _record(closed) == before
    receipt = closed.get("/receipts").json()["receipts"][0]
    assert (receipt["guarantor"], receipt["status"], receipt["revision"]) == ("GBR", "commit", 1)

    (kept,) = closed.get("/refused").json()
    assert (kept["guarantor"], kept["delegate"], kept["instrument"], kept["choice"]) == (
        "GBR",
        "gbr-minister",
        "troops",
        "decline",
    )
    assert kept["received_at"].startswith("2027-03-02T04:00:05") and kept["tries"] == 1
    assert kept["decision"]["signature"] == body["signature"]
    assert kept["decision"]["at"].startswith("2027-03-02T04:00:05")  # the receipt time
    assert closed.get("/board").json()["refused_late"] == 1
    assert closed.get("/refused", closed.witness).status_code == 200


def test_the_late_attempt_that_closes_the_window_is_kept_too(opened: World) -> None:
    fra = opened.delegates[("FRA", "fra-minister")]
    opened.clock.set(DEADLINE)  # exactly at the deadline: too late
    r = opened.decide(fra, opened.decision(fra, instrument="sanctions"))
    assert r.status_code == 409
    types = [e["type"] for e in opened.get("/timeline").json()["events"]]
    assert "DecisionRecorded" not in types and types.count("OutcomeDeclared") == 1
    (kept,) = opened.get("/refused").json()
    assert (kept["guarantor"], kept["instrument"], kept["choice"]) == ("FRA", "sanctions", "commit")


def test_unauthenticated_foreign_or_badly_signed_late_posts_keep_nothing(closed: World) -> None:
    gbr, fra = closed.delegates[("GBR", "gbr-minister")], closed.delegates[("FRA", "fra-minister")]
    good = closed.decision(gbr, revision=2, choice="decline")
    url = f"{closed.base}/decisions"
    assert closed.client.post(url, json=good).status_code == 401
    assert closed.client.post(url, json=good, headers=bearer("p24_x_y")).status_code == 401
    assert closed.decide(fra, good).status_code == 403  # FRA's token, GBR's decision
    tampered = dict(good, choice="commit")  # changed after signing
    assert closed.decide(gbr, tampered).status_code == 409
    forged = closed.decision(fra, revision=2)  # FRA's key ...
    forged.update(guarantor="GBR", delegate="gbr-minister")  # ... claiming to be GBR's
    assert closed.decide(gbr, forged).status_code == 409
    elsewhere = dict(good, guarantee="g-other")  # bound to another guarantee
    assert closed.decide(gbr, elsewhere).status_code == 409
    assert closed.get("/refused").json() == []
    assert closed.get("/board").json()["refused_late"] == 0


def test_the_cap_holds(closed: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refused, "MAX_PER_DELEGATE", 3)
    gbr, fra = closed.delegates[("GBR", "gbr-minister")], closed.delegates[("FRA", "fra-minister")]
    body = closed.decision(gbr, revision=2, choice="decline")
    for _ in range(4):  # one minute: one row
        assert closed.decide(gbr, body).status_code == 409
    (row,) = closed.get("/refused").json()
    assert row["tries"] == 4
    for minute in range(1, 6):
        closed.clock.set(DEADLINE + timedelta(minutes=minute, seconds=5))
        assert closed.decide(gbr, closed.decision(gbr, revision=2)).status_code == 409
    rows = closed.get("/refused").json()
    assert len(rows) == refused.MAX_PER_DELEGATE == 3
    assert [r["received_at"][11:16] for r in rows] == ["04:00", "04:01", "04:02"]
    assert closed.decide(fra, closed.decision(fra)).status_code == 409  # others still kept
    assert [r["guarantor"] for r in closed.get("/refused").json()].count("FRA") == 1


def test_the_board_lists_the_refused_attempt_in_words(closed: World) -> None:
    client = closed.client
    page = client.get("/web/login")
    r = client.post(
        "/web/login",
        data={"csrf": hidden(page.text, "csrf"), "token": closed.observer},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    client.cookies.delete(web.LOGIN_COOKIE, path="/web/login")
    board = client.get(f"/web/g/{closed.gid}")
    assert board.status_code == 200
    assert "Refused after the deadline" not in board.text
    gbr = closed.delegates[("GBR", "gbr-minister")]
    assert closed.decide(gbr, closed.decision(gbr, revision=2, choice="decline")).status_code == 409
    board = client.get(f"/web/g/{closed.gid}")
    assert "Refused after the deadline" in board.text
    assert (
        "United Kingdom tried \u201cdeclines troops, revision 2\u201d "
        "(signed by gbr-minister) too late: refused, not counted"
    ) in board.text
    assert 'datetime="2027-03-02T04:00:05' in board.text
