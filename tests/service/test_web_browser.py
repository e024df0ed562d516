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

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn
from tests.service.serving import free_port
from tests.service.web_support import (
    FRA,
    GBR,
    OBSERVER,
    PASSWORD,
    Seeded,
    cheap_passwords,
    seed,
)

from pact24.clock import ManualClock
from pact24.ledger import encode_private_key
from pact24.service.app import create_app
from pact24.service.core import Service
from pact24.service.web.decide import binding, signed_decision
from pact24.store import migrate
from pact24.store.db import Store

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

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
    yield from _serve(service, seeded, scheduler=True)


@pytest.fixture
def manual(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Live, ManualClock]]:
    """As ``live``, on a clock the test moves (so the window closes when the test says), and
    without the timer: a board read closes an overdue window itself."""
    _need_browser()
    cheap_passwords(monkeypatch)
    store = Store(f"sqlite:///{tmp_path / 'web.sqlite'}")
    migrate.prepare(store)
    clock = ManualClock(datetime(2027, 3, 1, 4, 0, tzinfo=UTC))
    service = Service(store, clock)
    seeded = seed(service, mode="exercise")
    for running in _serve(service, seeded, scheduler=False):
        yield running, clock


def _serve(service: Service, seeded: Seeded, *, scheduler: bool) -> Iterator[Live]:
    """The app on 127.0.0.1 and a free port, in a thread, until the caller is done."""
    store = service.store
    app = create_app(service=service, scheduler=scheduler, tick=1.0, run_migrations=False)
    port = free_port()
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


PHONE: ViewportSize = {"width": 390, "height": 844}


def _sign_in(page: Page, url: str, name: str) -> None:
    page.goto(f"{url}/web/login")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def _no_horizontal_overflow(page: Page) -> None:
    """Nothing wider than the phone: the page body does not scroll sideways, and no heading,
    stat or decision cell is wider than its box (clipped or overlapping text). Headings hidden
    on purpose (for screen readers, or the grid's column heads on a phone) are left out."""
    widths = page.evaluate(
        """() => ({
            inner: window.innerWidth,
            doc: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            clipped: [...document.querySelectorAll(
                "h1, h2, h3, h4, .stat p, .grid th, .grid td, .outcome-card, .mode-banner p")]
              .filter(e => e.closest(".visually-hidden, thead") === null)
              .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
              .map(e => e.id || e.tagName + ":" + e.textContent.trim().slice(0, 30)),
        })"""
    )
    assert widths["doc"] <= widths["inner"] and widths["body"] <= widths["inner"], widths
    assert widths["clipped"] == [], widths


def test_the_board_on_a_390_px_phone(manual: tuple[Live, ManualClock]) -> None:
    """Two delegates decide from a phone; after the close every instrument's outcome columns
    hold every guarantor once, and nothing on the page is wider than the phone."""
    from playwright.sync_api import expect, sync_playwright

    live, clock = manual
    ARTIFACTS.mkdir(exist_ok=True)
    open_shot = ARTIFACTS / "board-phone-open.png"
    shot = ARTIFACTS / "board-phone.png"
    for old in (open_shot, shot):
        old.unlink(missing_ok=True)
    board_url = f"{live.url}/web/g/{live.seeded.gid}"
    keys = {GBR: live.seeded.gbr_key_text, FRA: encode_private_key(live.seeded.fra_key)}

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for name, choice, amount, note in (
                (GBR, "commit", "5000", "Very-high-readiness battalion group."),
                (FRA, "conditional", "", "Only with the Assemblée nationale's vote."),
            ):
                ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
                page = ctx.new_page()
                _sign_in(page, live.url, name)
                expect(page).to_have_url(board_url)
                page.get_by_role("link", name="Record or revise your decision").click()
                page.locator("#instrument-troops").check()
                page.locator(f"#choice-{choice}").check()
                if choice == "conditional":
                    page.locator("#condition_kind").select_option("parliament_approval")
                page.locator("#amount").fill(amount)
                page.locator("#note").fill(note)
                page.locator("#key_text").fill(keys[name])
                page.get_by_role("button", name="Sign and record the decision").click()
                expect(page).to_have_url(f"{board_url}?recorded=troops")
                expect(page.locator("#cell-GBR-troops")).to_contain_text("Commit")
                ctx.close()

            watcher = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
            obs = watcher.new_page()
            _sign_in(obs, live.url, OBSERVER)
            expect(obs).to_have_url(board_url)
            expect(obs.locator("#cell-FRA-troops")).to_contain_text("Only with the Assemblée")
            _no_horizontal_overflow(obs)
            obs.screenshot(path=str(open_shot), full_page=True)

            clock.advance(timedelta(hours=24, seconds=1))
            obs.goto(board_url)
            expect(obs.locator(".stat-outcome")).to_contain_text("Not honoured")
            expect(obs.locator("#exercise-banner")).to_contain_text("EXERCISE")
            _no_horizontal_overflow(obs)
            rows = obs.locator(".grid tbody tr").count()
            cards = obs.locator(".outcome-card")
            assert rows == 16 and cards.count() == 4
            for n in range(cards.count()):
                card = cards.nth(n)
                sizes = [
                    int(c)
                    for c in card.locator("[data-count]").evaluate_all(
                        "els => els.map(e => e.dataset.count)"
                    )
                ]
                assert sum(sizes) == int(card.get_attribute("data-guarantors") or 0) == rows
            troops = obs.locator("#outcome-troops")
            expect(troops).to_contain_text("Committed in total (what counts): 5,000 persons")
            expect(troops).to_contain_text("Conditional, unmet: 1")
            obs.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert _is_png(shot) and _is_png(open_shot)
