"""The must-show: a whole compressed exercise against the real server process.

``odesa-strike`` at 4320x (its 24-hour window in 20 wall seconds, an exercise hour in 0.83 s)
on a ``pact24 serve`` the exercise starts itself: two people (the test, through the API with
``client.decide``) decide for the United Kingdom and Poland, the other 14 guarantors are
simulated, the service's timer closes the window, and the after-action report and the verified
ledger are written. The report then opens in Chromium without a console error.
"""

from __future__ import annotations

import csv
import json
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.test_web_browser import CHROMIUM, CHROMIUM_ARGS, _need_browser

from pact24.exercise import session
from pact24.ledger import load_private_key, verify_jsonl
from pact24.mechanism import Condition
from pact24.service import client
from pact24.vocab import Choice, ConditionKind, Instrument


def _person(server: str, player: dict[str, str], hour: float, condition: Condition | None) -> None:
    """A delegate at a keyboard: waits for the window, then decides on troops at ``hour``."""
    headers = {"Authorization": f"Bearer {player['token']}"}
    with httpx.Client(base_url=server, headers=headers, timeout=30) as http:
        gid = client.whoami(http).guarantee_id
        while True:
            board = http.get(f"/api/v1/guarantees/{gid}/board").json()
            opened = board["guarantee"]["opened_at"]
            if opened is not None:
                since = datetime.fromisoformat(board["now"]) - datetime.fromisoformat(opened)
                if since >= timedelta(hours=hour):
                    break
            time.sleep(0.02)
        choice = Choice.COMMIT if condition is None else Choice.CONDITIONAL
        key = load_private_key(player["key_file"])
        client.decide(http, key, Instrument.TROOPS, choice, condition=condition)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[session.Result, Path]:
    """One whole exercise, shared by the tests of this module (about 30 s on 2 cores: the
    window's 20 s, the server's start and 100 simulator runs). At 4320x the people still decide
    at hours 2 and 3 (they look at the board every 0.02 s, 0.024 exercise hours) and the
    Commons' vote at hour 16 finds the United Kingdom's condition pending; 1440x cost 40 s more
    and showed nothing else."""
    people: list[threading.Thread] = []
    failures: list[BaseException] = []

    def ready(players_json: Path) -> None:
        info = json.loads(players_json.read_text())
        by = {(p["guarantor"], p["delegate"]): p for p in info["players"]}
        plan: list[tuple[dict[str, str], float, Condition | None]] = [
            (by[("GBR", "gbr-minister")], 2.0, Condition(ConditionKind.PARLIAMENT_APPROVAL)),
            (by[("POL", "pol-minister")], 3.0, None),
        ]
        for player, hour, condition in plan:

            def act(p: dict[str, str] = player, h: float = hour, c: Any = condition) -> None:
                try:
                    _person(info["server"], p, h, c)
                except BaseException as exc:  # reported by the fixture below
                    failures.append(exc)

            people.append(threading.Thread(target=act, daemon=True))
            people[-1].start()

    out = tmp_path_factory.mktemp("exercise") / "aar"
    result = session.run("odesa-strike", out, speed=4320, runs=100, on_ready=ready)
    for person in people:
        person.join(timeout=30)
    assert failures == []
    return result, out


def test_a_compressed_exercise_with_two_people_and_simulated_delegates(
    played: tuple[session.Result, Path],
) -> None:
    result, out = played
    # The ledger verifies, and every entry of it carries the exercise mark.
    ledger = out / "ledger.jsonl"
    assert verify_jsonl(ledger).size == result.debrief.ledger.size
    entries = [json.loads(line)["entry"] for line in ledger.read_bytes().splitlines()[1:]]
    assert {e["mode"] for e in entries} == {"exercise"}
    assert result.debrief.ledger.ok

    # Who decided what: the two people, as signed, and simulated delegates beside them.
    with (out / "decisions.csv").open() as f:
        rows = list(csv.DictReader(f))
    people_rows = [r for r in rows if r["played_by"] == "played by a person"]
    assert {(r["guarantor"], r["choice"], r["condition"]) for r in people_rows} == {
        ("GBR", "conditional", "parliament approval"),
        ("POL", "commit", ""),
    }
    assert any(r["played_by"] == "simulated" for r in rows)
    assert {r["mode"] for r in rows} == {"exercise"}
    # The Commons' vote at hour 16 met the United Kingdom's condition, attested by the director.
    with (out / "timeline.csv").open() as f:
        lines = [(r["who"], r["what"]) for r in csv.DictReader(f)]
    assert (
        "United Kingdom",
        "has its condition on troops met — GBR's parliament approves troops",
    ) in lines
    assert any("closes the window (deadline)" in what for _, what in lines)

    # The report: marked, with the comparison against the simulator and the ledger check.
    html = (out / "report.html").read_text()
    assert 'id="exercise-banner"' in html and "in simulation" in html
    assert "the ledger verifies" in html
    first = result.debrief.first_troops_hour
    assert first is not None and 2.0 <= first <= 16.5


@pytest.mark.browser
def test_the_report_opens_in_chromium_without_console_errors(
    played: tuple[session.Result, Path],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    _need_browser()
    _, out = played
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto((out / "report.html").as_uri())
            expect(page.locator("#exercise-banner")).to_contain_text("EXERCISE")
            expect(page.get_by_role("heading", name="Against the simulator")).to_be_visible()
            expect(page.locator("body")).to_contain_text("the ledger verifies")
            assert page.title().startswith("[EXERCISE]")
        finally:
            browser.close()
    assert errors == []
