"""The web pages in a real browser: headless Chromium (Debian's) driven by Playwright.

A real server (uvicorn, in a thread, on 127.0.0.1 and a free port, SQLite in tmp_path, the
system clock and the deadline timer running) serves one exercise guarantee whose window is
open. An observer watches the board; a delegate signs in with the keyboard, records a signed
decision through the form, and both boards show it: the delegate's after the redirect, the
observer's by htmx's polling, without a reload. Screenshots go to tests/service/artifacts/.

Skipped only where Chromium or Playwright is missing, and never in CI (``CI=true``), where a
missing browser fails the test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from tests.service.web_support import GBR, OBSERVER, PASSWORD, Seeded, cheap_passwords, seed

from pact24.service.app import create_app
from pact24.service.core import Service
from pact24.service.web.decide import binding, signed_decision
from pact24.store import migrate
from pact24.store.db import Store

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _need_browser() -> None:
    """Fail, never skip: tests/conftest.py deselects browser tests only off CI without Chromium."""
    assert Path(CHROMIUM).exists(), f"the browser test needs {CHROMIUM} (apt-get install chromium)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str
    seeded: Seeded
    service: Service


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Live]:
    _need_browser()
    cheap_passwords(monkeypatch)
    store = Store(f"sqlite:///{tmp_path / 'web.sqlite'}")
    migrate.prepare(store)
    service = Service(store)
    seeded = seed(service, mode="exercise")
    app = create_app(service=service, scheduler=True, tick=1.0, run_migrations=False)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="pact24-web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield Live(f"http://127.0.0.1:{port}", seeded, service)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.dispose()


def _is_png(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 1000 and path.read_bytes()[:8] == PNG_MAGIC


def test_delegate_records_a_decision_and_every_board_updates(live: Live, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    key_file = tmp_path / "gbr-minister.key"
    key_file.write_text(live.seeded.gbr_key_text + "\n")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "board-delegate.png"
    observer_shot = ARTIFACTS / "board-observer.png"
    for old in (shot, observer_shot):
        old.unlink(missing_ok=True)
    board_url = f"{live.url}/web/g/{live.seeded.gid}"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # The observer opens the board and keeps watching it.
            watcher = browser.new_context(viewport={"width": 1360, "height": 900})
            obs = watcher.new_page()
            obs.goto(board_url)
            expect(obs).to_have_url(f"{live.url}/web/login?next=/web/g/{live.seeded.gid}")
            obs.get_by_label("Account name").fill(OBSERVER)
            obs.get_by_label("Password", exact=True).fill(PASSWORD)
            obs.get_by_role("button", name="Sign in", exact=True).click()
            expect(obs).to_have_url(board_url)
            expect(obs.locator("#exercise-banner")).to_contain_text("EXERCISE")
            assert obs.title().startswith("[EXERCISE]")
            cell = obs.locator("#cell-GBR-troops")
            expect(cell).to_contain_text("Silent")
            expect(obs.get_by_role("link", name="Record or revise your decision")).to_have_count(0)
            obs.evaluate("window.__notReloaded = true")

            # The delegate signs in with the keyboard alone.
            ctx = browser.new_context(viewport={"width": 1360, "height": 900})
            page = ctx.new_page()
            page.goto(f"{live.url}/web/login")
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent.trim()")
            assert focused == "Skip to main content"
            page.get_by_label("Account name").focus()
            page.keyboard.type(GBR)
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            expect(page).to_have_url(board_url)
            expect(page.locator("#cell-GBR-troops")).to_contain_text("Silent")
            expect(page.locator(".countdown")).to_contain_text("closes in")
            expect(page.locator(".stat-ledger")).to_contain_text("Ledger verified")

            # ... opens the form, decides on troops, signs with the key file, records.
            page.get_by_role("link", name="Record or revise your decision").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("United Kingdom")
            page.get_by_label("Troops").check()
            page.get_by_label("Commit", exact=True).check()
            page.get_by_label("Note").fill("Very-high-readiness battalion group.")
            page.get_by_label("Private key file").set_input_files(str(key_file))
            page.get_by_role("button", name="Sign and record the decision").click()

            expect(page).to_have_url(f"{board_url}?recorded=troops")
            expect(page.get_by_role("status").first).to_contain_text("Recorded and signed")
            own = page.locator("#cell-GBR-troops")
            expect(own).to_contain_text("Commit")
            expect(own).to_contain_text("r1")
            expect(page.locator(".timeline")).to_contain_text("United Kingdom commits troops")
            expect(page.locator(".stat-ledger")).to_contain_text("Ledger verified")

            # The observer's board updates in place (htmx polling), without a reload.
            expect(cell).to_contain_text("Commit", timeout=15_000)
            assert obs.evaluate("window.__notReloaded === true")
            expect(obs.locator(".timeline")).to_contain_text("commits")
            expect(obs.locator("#board-live")).to_have_attribute("aria-live", "polite")

            # Polling goes on after a swap: a decision sent through the service layer (as the
            # JSON API sends it) reaches the same open page too.
            fra = live.service.authenticate(live.seeded.fra_token)
            fields = {
                **binding(live.service, live.service.guarantee(fra, live.seeded.gid)),
                "guarantor": "FRA",
                "instrument": "troops",
                "choice": "decline",
                "revision": 1,
                "delegate": "fra-minister",
            }
            live.service.record_decision(
                fra, live.seeded.gid, signed_decision(fields, live.seeded.fra_key)
            )
            expect(obs.locator("#cell-FRA-troops")).to_contain_text("Decline", timeout=15_000)
            assert obs.evaluate("window.__notReloaded === true")

            page.screenshot(path=str(shot), full_page=True)
            obs.screenshot(path=str(observer_shot), full_page=False)
        finally:
            browser.close()

    assert _is_png(shot)
    assert _is_png(observer_shot)
