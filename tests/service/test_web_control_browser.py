"""The control cell and an email's acknowledge link in a real browser (Debian's Chromium).

A real server (uvicorn in a thread, SQLite, a clock the test moves) and a real SMTP server
(aiosmtpd) on localhost. The exercise director signs in with an API token, gives GBR's minister
a new key and an address, reports the incident and sends an inject from the control cell; three
hours before the deadline the reminders go out by email; the minister opens the acknowledge
link taken from the message the SMTP server received and confirms it; the director's board
shows "acknowledged at". No page logs a console error.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tests.service.mail_support import Inbox, ack_link, smtp_server
from tests.service.test_web_browser import CHROMIUM, CHROMIUM_ARGS, Live, _need_browser, _serve
from tests.service.web_support import GID, cheap_passwords, seed

from pact24.clock import ManualClock
from pact24.ledger import encode_public_key, generate_keypair
from pact24.service import mail
from pact24.service.core import Service
from pact24.store import migrate
from pact24.store.db import Store

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

MINISTER = "minister@gov.uk.example"
T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)


@pytest.fixture
def cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Live, ManualClock]]:
    """An exercise guarantee awaiting its incident, served on a clock the test moves."""
    _need_browser()
    cheap_passwords(monkeypatch)
    store = Store(f"sqlite:///{tmp_path / 'web.sqlite'}")
    migrate.prepare(store)
    clock = ManualClock(T0)
    service = Service(store, clock)
    seeded = seed(service, mode="exercise", open_window=False)
    for running in _serve(service, seeded, scheduler=False):
        yield running, clock


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def test_the_director_reports_and_a_delegate_acknowledges_by_email(
    cell: tuple[Live, ManualClock], smtp: tuple[Inbox, int]
) -> None:
    from playwright.sync_api import ConsoleMessage, expect, sync_playwright

    live, clock = cell
    inbox, port = smtp
    live.service.mail_settings = mail.MailSettings(host="127.0.0.1", port=port, base_url=live.url)
    _, new_key = generate_keypair()
    errors: list[str] = []

    def console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            director = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            director.on("console", console)
            director.on("pageerror", lambda exc: errors.append(str(exc)))
            director.goto(f"{live.url}/web/login?next=/web/g/{GID}")
            director.get_by_label("API token").fill(live.seeded.admin_token)
            director.get_by_role("button", name="Sign in with token").click()
            director.get_by_role("link", name="Control cell").click()
            expect(director.get_by_role("heading", level=1)).to_contain_text("Control cell")

            # The director gives GBR's minister a new key and an address ...
            director.get_by_label("Delegate", exact=True).select_option("GBR/gbr-minister")
            director.get_by_label("Public key").fill(encode_public_key(new_key))
            director.get_by_label("Email").fill(MINISTER)
            director.get_by_role("button", name="Register").click()
            expect(director.locator("#answer")).to_contain_text("Delegate registered")

            # ... and reports the incident, which opens the window.
            director.get_by_label("Kind").select_option("hybrid_incursion")
            director.get_by_label("Severity").select_option("high")
            director.get_by_label("Summary").fill("Unmarked units crossed near Kharkiv.")
            director.get_by_role("button", name="Report the incident").click()
            expect(director.locator("#answer")).to_contain_text("Incident recorded")
            expect(director.locator("#answer")).to_contain_text("Decision window open")

            # ... and sends the players an inject, which the API keeps at the exercise's time.
            director.get_by_label("Inject", exact=True).select_option("intelligence")
            director.get_by_label("What the players are told").fill(
                "Intercepts name a Russian unit."
            )
            director.get_by_role("button", name="Send the inject").click()
            expect(director.locator("#answer")).to_contain_text("The API accepted it (201)")
            sent = httpx.get(
                f"{live.url}/api/v1/guarantees/{GID}/injects",
                headers={"Authorization": f"Bearer {live.seeded.admin_token}"},
            ).json()
            assert [(x["kind"], x["text"]) for x in sent] == [
                ("intelligence", "Intercepts name a Russian unit.")
            ]

            # Three hours before the deadline the reminders go out, by email too.
            clock.set(clock.now() + timedelta(hours=21))
            live.service.send_reminders()
            assert live.service.deliver_mail()["sent"] >= 1
            (message,) = inbox.to(MINISTER)
            link, _ = ack_link(message)

            # The minister follows the link from the email (no sign-in) and confirms.
            minister = browser.new_context().new_page()
            minister.on("console", console)
            minister.on("pageerror", lambda exc: errors.append(str(exc)))
            minister.goto(link)
            expect(minister.locator("#exercise-banner")).to_contain_text("EXERCISE")
            minister.get_by_role("button", name="I have read it").click()
            expect(minister.locator("#ack-done")).to_contain_text("Acknowledged at")

            # The director's board shows it next to the minister.
            director.goto(f"{live.url}/web/g/{GID}")
            expect(director.locator("#ack-GBR-1")).to_contain_text("gbr-minister: acknowledged at")
            director.goto(f"{live.url}/web/g/{GID}/control")
            expect(director.locator("#silent-GBR")).to_contain_text("gbr-minister: acknowledged at")
            shot = Path(__file__).resolve().parent / "artifacts" / "control-cell.png"
            shot.parent.mkdir(exist_ok=True)
            director.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert errors == []
