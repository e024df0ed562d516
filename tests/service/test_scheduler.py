"""The timer: closes a window at its deadline while running, and outlives a failing job."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from tests.service.support import T0, World

from pact24.service.scheduler import Scheduler


def _wait_for(predicate, seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_the_running_timer_closes_at_the_deadline(
    opened: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[str, int]:
        raise RuntimeError("the webhook job fails")

    monkeypatch.setattr(opened.service, "deliver_webhooks", broken)
    timer = Scheduler(opened.service, interval=0.05)
    assert timer.start() == []
    try:
        opened.clock.set(T0 + timedelta(hours=23, minutes=59))
        time.sleep(0.2)
        assert opened.get("").json()["phase"] == "window_open"
        opened.clock.set(T0 + timedelta(hours=24))
        assert _wait_for(
            lambda: opened.get("/timeline").json()["events"][-1]["type"] == "OutcomeDeclared"
        )
    finally:
        timer.stop()
    types = [e["type"] for e in opened.get("/timeline").json()["events"]]
    assert types.count("WindowClosed") == 1
    assert opened.get("/receipts").json()["receipts"]


def test_start_closes_what_fell_due_while_down(opened: World) -> None:
    opened.clock.set(T0 + timedelta(days=3))
    timer = Scheduler(opened.service, interval=0.05)
    try:
        assert timer.start() == [opened.gid]
    finally:
        timer.stop()
    closed = [e for e in opened.get("/timeline").json()["events"] if e["type"] == "WindowClosed"]
    assert closed[0]["body"]["at"] == "2027-03-02T04:00:00Z"  # at the deadline, not at restart
