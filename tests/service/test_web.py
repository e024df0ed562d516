"""The web pages through FastAPI's TestClient: rendering, login and logout, CSRF, who may use the
decision form, signing, the exercise marking, and what the board shows.

The service runs on a ``ManualClock`` so the countdown and the close are exact; the browser
itself is exercised in ``test_web_browser.py``.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.service.web_support import (
    FRA,
    GBR,
    GID,
    OBSERVER,
    PASSWORD,
    Seeded,
    cheap_passwords,
    hidden,
    seed,
)

from pact24 import __version__
from pact24.clock import ManualClock
from pact24.errors import NotCanonical, Unauthorized
from pact24.ledger import encode_private_key, generate_keypair, verify_decision
from pact24.service import web
from pact24.service.app import create_app
from pact24.service.core import Service
from pact24.service.schemas import Mode
from pact24.service.web.render import plain_refusal
from pact24.store import migrate
from pact24.store.db import Store
from pact24.store.models import LedgerRow

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
BOARD = f"/web/g/{GID}"
DECIDE = f"{BOARD}/decide"


@pytest.fixture(scope="module")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web-db") / "template.sqlite"
    s = Store(f"sqlite:///{path}")
    migrate.prepare(s)
    s.dispose()
    return path


@dataclass
class Web:
    client: TestClient
    service: Service
    clock: ManualClock
    seeded: Seeded

    def event_count(self) -> int:
        actor = self.service.authenticate(self.seeded.admin_token)
        return self.service.guarantee(actor, GID).event_count

    def login(self, name: str, password: str = PASSWORD) -> None:
        page = self.client.get("/web/login")
        r = self.client.post(
            "/web/login",
            data={"csrf": hidden(page.text, "csrf"), "name": name, "password": password},
        )
        assert r.status_code == 303, r.text
        self.client.cookies.delete(web.LOGIN_COOKIE, path="/web/login")

    def form(self) -> dict[str, str]:
        """The decision form's hidden fields, as the page gives them."""
        page = self.client.get(DECIDE)
        assert page.status_code == 200, page.text
        return {name: hidden(page.text, name) for name in ("csrf", "guarantor", "based_on")}

    def decide(self, **fields: str) -> httpx.Response:
        data = {**self.form(), "key_text": self.seeded.gbr_key_text, **fields}
        return self.client.post(DECIDE, data=data)


def _make(tmp_path: Path, migrated: Path, mode: Mode, open_window: bool = True) -> Iterator[Web]:
    db = tmp_path / "web.sqlite"
    shutil.copy(migrated, db)
    store = Store(f"sqlite:///{db}")
    clock = ManualClock(T0)
    service = Service(store, clock)
    seeded = seed(service, mode=mode, open_window=open_window)
    web.LEDGER_CHECKS.forget()
    app = create_app(service=service, scheduler=False, run_migrations=False)
    with TestClient(app, follow_redirects=False) as client:
        yield Web(client, service, clock, seeded)
    store.dispose()


@pytest.fixture
def site(tmp_path: Path, _migrated: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    """An exercise guarantee whose window opened at T0; nobody signed in."""
    cheap_passwords(monkeypatch)
    yield from _make(tmp_path, _migrated, "exercise")


@pytest.fixture
def live_site(tmp_path: Path, _migrated: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    cheap_passwords(monkeypatch)
    yield from _make(tmp_path, _migrated, "live")


@pytest.fixture
def delegate(site: Web) -> Web:
    site.login(GBR)
    return site


@pytest.fixture
def observer(site: Web) -> Web:
    site.login(OBSERVER)
    return site


# --- a small look at the HTML ------------------------------------------------------------------


class Page(HTMLParser):
    """Inputs, labels, ids and table headers of one page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.th: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag in ("input", "select", "textarea"):
            self.inputs.append({"tag": tag, **a})
        elif tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        elif tag == "th":
            self.th.append(a)
        elif tag == "script":
            self.scripts.append(a.get("src", ""))
        elif tag == "link":
            self.links.append(a.get("href", ""))

    def unlabelled(self) -> list[str]:
        return [
            i.get("name", "?")
            for i in self.inputs
            if i.get("type") != "hidden" and i.get("id") not in self.label_for
        ]


def _accessible(html: str) -> Page:
    page = Page(html)
    assert page.unlabelled() == [], "every input has a label"
    assert "main" in page.ids and 'href="#main"' in html, "a skip link to the main content"
    assert '<html lang="en">' in html
    assert all(th.get("scope") in ("col", "row") for th in page.th), "table headers have scope"
    return page


# --- login and logout --------------------------------------------------------------------------


def test_pages_need_a_session(site: Web) -> None:
    r = site.client.get(BOARD)
    assert r.status_code == 303
    assert r.headers["location"] == f"/web/login?next=/web/g/{GID}"
    r = site.client.get(f"{BOARD}/board")
    assert r.status_code == 204
    assert r.headers["HX-Redirect"].startswith("/web/login")
    assert site.client.get("/").headers["location"] == "/web/"
    assert site.client.get("/web/").headers["location"].startswith("/web/login")


def test_the_login_page_is_labelled_and_needs_no_script(site: Web) -> None:
    r = site.client.get("/web/login")
    assert r.status_code == 200
    page = _accessible(r.text)
    assert {i["name"] for i in page.inputs if i.get("type") != "hidden"} == {
        "name",
        "password",
        "token",
    }
    assert "<fieldset>" in r.text and "<legend" in r.text
    cookie = r.headers["set-cookie"]
    assert web.LOGIN_COOKIE in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_password_login_gives_an_httponly_strict_session_cookie(site: Web) -> None:
    page = site.client.get("/web/login")
    r = site.client.post(
        "/web/login",
        data={"csrf": hidden(page.text, "csrf"), "name": GBR, "password": PASSWORD},
    )
    assert r.status_code == 303
    assert r.headers["location"] == BOARD, "an account scoped to one guarantee lands on its board"
    session = next(c for c in r.headers.get_list("set-cookie") if c.startswith("pact24_session="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    token = site.client.cookies.get(web.SESSION_COOKIE)
    assert token is not None and token.startswith("p24_")
    assert site.service.authenticate(token).name == GBR
    assert site.client.get(BOARD).status_code == 200


def test_repeated_wrong_passwords_are_slowed_with_429_and_retry_after(site: Web) -> None:
    for _ in range(site.service.login_throttle.free):
        page = site.client.get("/web/login")
        data = {"csrf": hidden(page.text, "csrf"), "name": GBR, "password": "wrong-password!"}
        assert site.client.post("/web/login", data=data).status_code == 401
    page = site.client.get("/web/login")
    data = {"csrf": hidden(page.text, "csrf"), "name": GBR, "password": PASSWORD}
    r = site.client.post("/web/login", data=data)
    assert r.status_code == 429, "an attempt before the delay is over waits, right or wrong"
    assert r.headers["Retry-After"] == "1" and "too many failed sign-ins" in r.text
    site.clock.advance(timedelta(seconds=1))
    page = site.client.get("/web/login")
    data["csrf"] = hidden(page.text, "csrf")
    assert site.client.post("/web/login", data=data).status_code == 303


def test_token_login_issues_a_session_token_of_its_own(site: Web) -> None:
    page = site.client.get("/web/login")
    r = site.client.post(
        "/web/login",
        data={
            "csrf": hidden(page.text, "csrf"),
            "token": site.seeded.observer_token,
            "next": f"/web/g/{GID}",
        },
    )
    assert r.status_code == 303 and r.headers["location"] == BOARD
    cookie = site.client.cookies.get(web.SESSION_COOKIE)
    assert cookie and cookie != site.seeded.observer_token, "the API token stays out of cookies"
    assert site.service.authenticate(cookie).name == OBSERVER


def test_a_wrong_password_or_token_signs_nobody_in(site: Web) -> None:
    for data in ({"name": GBR, "password": "not the password"}, {"token": "p24_nope_nope"}):
        page = site.client.get("/web/login")
        r = site.client.post("/web/login", data={"csrf": hidden(page.text, "csrf"), **data})
        assert r.status_code == 401
        assert "Sign-in failed" in r.text and 'role="alert"' in r.text
        assert web.SESSION_COOKIE not in r.headers.get("set-cookie", "")


def test_login_refuses_a_form_without_its_csrf_token(site: Web) -> None:
    site.client.get("/web/login")
    r = site.client.post("/web/login", data={"csrf": "forged", "name": GBR, "password": PASSWORD})
    assert r.status_code == 403
    assert web.SESSION_COOKIE not in site.client.cookies
    page = site.client.get("/web/login")
    r = site.client.post(
        "/web/login",
        data={"csrf": hidden(page.text, "csrf"), "name": GBR, "password": PASSWORD},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert r.status_code == 403


def test_logout_revokes_the_session(delegate: Web) -> None:
    token = delegate.client.cookies.get(web.SESSION_COOKIE)
    assert token is not None
    csrf = hidden(delegate.client.get(BOARD).text, "csrf")
    refused = delegate.client.post("/web/logout", data={"csrf": "wrong"})
    assert refused.status_code == 403
    assert delegate.service.authenticate(token).name == GBR, "a refused logout changes nothing"
    r = delegate.client.post("/web/logout", data={"csrf": csrf})
    assert r.status_code == 200 and "signed out" in r.text
    with pytest.raises(Unauthorized):
        delegate.service.authenticate(token)
    delegate.client.cookies.set(web.SESSION_COOKIE, token)
    assert delegate.client.get(BOARD).status_code == 303, "the old cookie is worth nothing"


def test_a_session_expires(delegate: Web) -> None:
    delegate.clock.advance(web.SESSION_TTL + timedelta(seconds=1))
    assert delegate.client.get(BOARD).status_code == 303


# --- the board ---------------------------------------------------------------------------------


def test_the_board_shows_countdown_grid_silence_timeline_and_ledger(observer: Web) -> None:
    r = observer.client.get(BOARD)
    assert r.status_code == 200
    html = r.text
    page = _accessible(html)
    assert "closes in 24 h 0 min" in html
    assert '<time datetime="2027-03-02T04:00:00Z">2027-03-02 04:00 UTC</time>' in html
    assert re.search(
        r'<time class="countdown" datetime="2027-03-02T04:00:00Z"'
        r'\s+data-deadline-ms="1803960000000"'
        r'\s+data-now-ms="1803873600000"\s+data-speed="1.0">closes in 24 h 0 min</time>',
        html,
    )
    assert (
        '<th scope="col">Troops</th>' in html and '<th scope="row"><span class="country">' in html
    )
    assert 'id="cell-GBR-troops"' in html and "Silent" in html
    assert "Who is still silent" in html and "(16 of 16)" in html
    assert "root reports overt invasion (high severity" in html
    assert "mechanism opens the window; deadline 2027-03-02 04:00 UTC" in html
    assert "Ledger verified" in html and "Ledger NOT verified" not in html
    assert re.search(r"checkpoint: \d+ entries, root", html)
    assert "honoured when at least 3 guarantors commit troops" in html
    assert 'aria-live="polite"' in html and 'hx-trigger="every 5s"' in html
    assert "Record or revise your decision" not in html, "the observer view is read-only"
    assert page.scripts == [
        f"/web/static/htmx.min.js?v={__version__}",
        f"/web/static/board.js?v={__version__}",
    ]
    assert r.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]


def test_the_countdown_moves_with_the_clock(observer: Web) -> None:
    observer.clock.advance(timedelta(hours=18, minutes=48))
    assert "closes in 5 h 12 min" in observer.client.get(BOARD).text
    observer.clock.advance(timedelta(hours=5, minutes=11, seconds=18))
    assert "closes in 42 s" in observer.client.get(BOARD).text


def test_the_fragment_answers_204_until_the_board_changes(delegate: Web) -> None:
    html = delegate.client.get(BOARD).text
    version = re.search(r'data-version="([^"]+)"', html)
    assert version is not None
    same = delegate.client.get(f"{BOARD}/board", params={"v": version.group(1)})
    assert same.status_code == 204 and same.content == b""
    assert delegate.decide(instrument="troops", choice="commit").status_code == 303
    changed = delegate.client.get(f"{BOARD}/board", params={"v": version.group(1)})
    assert changed.status_code == 200
    assert changed.text.lstrip().startswith('<section id="board"'), "a fragment, not a page"
    assert "<html" not in changed.text
    cell = re.search(r'id="cell-GBR-troops">(.*?)</td>', changed.text, re.S)
    assert cell is not None and "Commit" in cell.group(1)


def test_after_the_deadline_the_board_shows_the_outcome(observer: Web) -> None:
    observer.clock.advance(timedelta(hours=24, seconds=1))
    html = observer.client.get(BOARD).text
    assert "Outcome declared" in html and "Not honoured" in html
    assert "final: decline (silence)" in html
    assert "Silent (counted as decline): " in html and "Who is still silent" not in html
    assert "mechanism closes the window (deadline)" in html
    assert "Ledger verified" in html


def _outcome_counts(html: str) -> dict[str, list[int]]:
    """Per instrument, the size of each outcome column on the board."""
    cards = re.findall(
        r'<section class="outcome-card" id="outcome-(\w+)"(.*?)</section>', html, re.S
    )
    return {i: [int(n) for n in re.findall(r'data-count="(\d+)"', body)] for i, body in cards}


def _fra_decides(site: Web, **fields: str) -> None:
    """FRA's delegate signs in on the same client and records through the form."""
    site.client.cookies.clear()
    site.login(FRA)
    key = encode_private_key(site.seeded.fra_key)
    r = site.client.post(DECIDE, data={**site.form(), "key_text": key, **fields})
    assert r.status_code == 303, r.text


def test_the_outcome_puts_every_guarantor_in_exactly_one_column(delegate: Web) -> None:
    r = delegate.decide(instrument="troops", choice="commit", amount="5000", note="battalion")
    assert r.status_code == 303, r.text
    _fra_decides(
        delegate,
        instrument="troops",
        choice="conditional",
        condition_kind="parliament_approval",
        note="if the Assemblée votes",
    )
    open_html = delegate.client.get(BOARD).text
    assert "Note: battalion" in open_html and "Note: if the Assemblée votes" in open_html
    assert "Who is still silent" in open_html and 'class="outcome-card"' not in open_html
    delegate.clock.advance(timedelta(hours=24, seconds=1))
    html = delegate.client.get(BOARD).text
    counts = _outcome_counts(html)
    assert set(counts) == {"troops", "defence_support", "economic_aid", "sanctions"}
    assert all(sum(sizes) == 16 for sizes in counts.values()), counts
    troops = re.search(r'id="outcome-troops"(.*?)</section>', html, re.S)
    assert troops is not None
    card = re.sub(r"\s+", " ", troops.group(1))
    assert 'Committed: <span class="oc-n" data-count="1">1</span></dt> <dd>United Kingdom' in card
    assert 'Conditional, unmet: <span class="oc-n" data-count="1">1</span></dt> <dd>France' in card
    assert 'Silent (counted as decline): <span class="oc-n" data-count="14">' in card
    assert 'Declined: <span class="oc-n" data-count="0">0</span></dt> <dd>nobody' in card
    assert "Committed in total (what counts): <strong>5,000 persons</strong>" in card
    assert "(16 of 16 guarantors)" in card
    assert "Who is still silent" not in html and "Silent at the close" not in html


def test_record_or_revise_is_offered_only_while_the_window_is_open(
    delegate: Web, tmp_path: Path, _migrated: Path
) -> None:
    assert "Record or revise your decision" in delegate.client.get(BOARD).text
    delegate.clock.advance(timedelta(hours=24, seconds=1))
    closed = delegate.client.get(BOARD).text
    assert "Outcome declared" in closed and "Record or revise your decision" not in closed
    (tmp_path / "quiet").mkdir()
    for quiet in _make(tmp_path / "quiet", _migrated, "exercise", open_window=False):
        quiet.login(GBR)
        html = quiet.client.get(BOARD).text
        assert "Not open" in html and "Record or revise your decision" not in html


def test_the_checkpoint_root_reads_in_hex_as_ledger_verify_prints_it(observer: Web) -> None:
    actor = observer.service.authenticate(observer.seeded.observer_token)
    cp = observer.service.checkpoint(actor, GID)
    root = base64.b64decode(cp.root).hex()
    html = observer.client.get(BOARD).text
    assert f'root <span class="mono" title="{root}">{root[:16]}…</span>' in html
    assert f'<span class="mono root">{root}</span>' in html
    assert html.count(cp.root) == 1, "base64 only inside the signed note, as the log signed it"


def test_a_refusal_inside_an_exercise_carries_the_exercise_banner(observer: Web) -> None:
    r = observer.client.get(DECIDE)
    assert r.status_code == 403
    assert 'id="exercise-banner"' in r.text and r.text.count("<title>[EXERCISE] ") == 1
    other = observer.client.get("/web/g/someone-else/decide")
    assert other.status_code == 403 and "exercise-banner" not in other.text


def test_refusals_read_in_plain_words(
    tmp_path: Path, _migrated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_passwords(monkeypatch)
    for quiet in _make(tmp_path, _migrated, "exercise", open_window=False):
        quiet.login(GBR)
        data = {
            "csrf": hidden(quiet.client.get(BOARD).text, "csrf"),
            "guarantor": "GBR",
            "based_on": "",
            "instrument": "troops",
            "choice": "commit",
            "key_text": quiet.seeded.gbr_key_text,
        }
        r = quiet.client.post(DECIDE, data=data)
        assert r.status_code == 409
        assert "The decision window is not open (Standing by: no incident reported)" in r.text
        assert "needs phase" not in r.text and "DecisionRecorded" not in r.text
    status, title, detail = plain_refusal(NotCanonical("not canonical JSON: RFC 8785 says"))
    assert status == 422 and "RFC" not in title + detail and "canonical" not in title + detail
    assert "cannot be recorded exactly" in detail


def test_a_board_before_any_incident(
    tmp_path: Path, _migrated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_passwords(monkeypatch)
    for quiet in _make(tmp_path, _migrated, "exercise", open_window=False):
        quiet.login(OBSERVER)
        html = quiet.client.get(BOARD).text
        assert "Not open" in html and "Standing by: no incident reported" in html
        assert "closes in" not in html
        assert "Nothing has happened yet" in html and "Ledger verified" in html


def test_a_tampered_ledger_is_flagged(observer: Web) -> None:
    with observer.service.store.write() as s:
        row = s.scalar(select(LedgerRow).where(LedgerRow.guarantee_id == GID, LedgerRow.idx == 0))
        assert row is not None
        entry = json.loads(row.entry)
        entry["tampered"] = True
        s.execute(
            update(LedgerRow)
            .where(LedgerRow.guarantee_id == GID, LedgerRow.idx == 0)
            .values(entry=json.dumps(entry))
        )
    web.LEDGER_CHECKS.forget()
    html = observer.client.get(BOARD).text
    assert "Ledger NOT verified" in html and 'role="alert"' in html


def test_a_board_of_another_guarantee_is_refused(observer: Web) -> None:
    r = observer.client.get("/web/g/someone-else")
    assert r.status_code in (403, 404)
    assert "<h1>" in r.text
    fragment = observer.client.get("/web/g/someone-else/board")
    assert fragment.status_code == r.status_code
    assert fragment.text.startswith('<section id="board"') and "hx-get" not in fragment.text


# --- live and exercise -------------------------------------------------------------------------


def test_an_exercise_is_marked_on_every_page(delegate: Web) -> None:
    for path in (BOARD, DECIDE, f"{BOARD}/board", "/web/"):
        r = delegate.client.get(path)
        assert r.status_code == 200, path
        assert "EXERCISE" in r.text, path
    for path in (BOARD, DECIDE):
        html = delegate.client.get(path).text
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None and title.group(1).startswith("[EXERCISE] "), path
        assert 'id="exercise-banner"' in html and "Not a live guarantee" in html
        assert '<body class="mode-exercise">' in html
        assert "LIVE" not in html


def test_a_live_guarantee_is_never_marked_as_an_exercise(live_site: Web) -> None:
    live_site.login(GBR)
    for path in (BOARD, DECIDE, f"{BOARD}/board", "/web/"):
        html = live_site.client.get(path).text
        assert "EXERCISE" not in html and "exercise-banner" not in html, path
    html = live_site.client.get(BOARD).text
    assert '<strong class="mode-word">LIVE</strong>' in html
    assert "[EXERCISE]" not in html


# --- the decision form -------------------------------------------------------------------------


def test_the_decision_form_is_labelled_and_for_the_own_guarantor_only(delegate: Web) -> None:
    r = delegate.client.get(DECIDE)
    assert r.status_code == 200
    page = _accessible(r.text)
    assert "Decision for United Kingdom" in r.text
    assert hidden(r.text, "guarantor") == "GBR"
    assert r.text.count("<fieldset>") >= 3 and "<legend>Your signature</legend>" in r.text
    names = {i.get("name") for i in page.inputs}
    assert {"instrument", "choice", "key_file", "key_text", "csrf", "based_on"} <= names
    assert 'enctype="multipart/form-data"' in r.text


def test_a_delegate_records_a_signed_decision_and_the_board_shows_it(delegate: Web) -> None:
    before = delegate.event_count()
    r = delegate.decide(instrument="troops", choice="commit", note="battalion group")
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{BOARD}?recorded=troops"
    assert delegate.event_count() == before + 1
    html = delegate.client.get(r.headers["location"]).text
    assert "Recorded and signed: United Kingdom" in html
    cell = re.search(r'id="cell-GBR-troops">(.*?)</td>', html, re.S)
    assert cell is not None and "Commit" in cell.group(1) and "r1" in cell.group(1)
    assert "United Kingdom commits troops — battalion group (signed by gbr-minister)" in html
    assert "Ledger verified" in html
    # the stored decision carries the delegate's own signature, checkable by anyone
    admin = delegate.service.authenticate(delegate.seeded.admin_token)
    body = delegate.service.timeline(admin, GID).events[-1].body
    assert body["type"] == "DecisionRecorded" and body["note"] == "battalion group"
    public = delegate.seeded.gbr_key.public_key()
    assert verify_decision(body, public)


def test_a_conditional_decision_and_a_revision(delegate: Web) -> None:
    r = delegate.decide(
        instrument="troops", choice="conditional", condition_kind="parliament_approval"
    )
    assert r.status_code == 303, r.text
    r = delegate.decide(
        instrument="troops",
        choice="conditional",
        condition_kind="others_commit_first",
        condition_k="2",
        amount="5,000",
    )
    assert r.status_code == 303, r.text
    html = delegate.client.get(BOARD).text
    cell = re.search(r'id="cell-GBR-troops">(.*?)</td>', html, re.S)
    assert cell is not None
    assert "Conditional" in cell.group(1) and "2 other guarantors commit first" in cell.group(1)
    assert "5,000 persons" in cell.group(1) and "r2" in cell.group(1)


def test_a_pem_key_file_upload_signs_too(delegate: Web) -> None:
    pem = delegate.seeded.gbr_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    data = {**delegate.form(), "instrument": "sanctions", "choice": "commit"}
    r = delegate.client.post(
        DECIDE, data=data, files={"key_file": ("gbr.pem", pem, "application/x-pem-file")}
    )
    assert r.status_code == 303, r.text


def test_a_wrong_key_records_nothing_and_is_not_echoed(delegate: Web) -> None:
    before = delegate.event_count()
    other = encode_private_key(generate_keypair()[0])
    r = delegate.decide(instrument="troops", choice="commit", key_text=other)
    assert r.status_code == 400
    assert "Not recorded" in r.text and "does not verify" in r.text
    assert other not in r.text, "the key is never sent back"
    assert delegate.event_count() == before
    r = delegate.decide(instrument="troops", choice="commit", key_text="not a key")
    assert r.status_code == 422 and "private key" in r.text
    r = delegate.decide(instrument="troops", choice="commit", key_text="")
    assert r.status_code == 422 and "Give your private key" in r.text
    assert delegate.event_count() == before


def test_invalid_choices_are_explained(delegate: Web) -> None:
    before = delegate.event_count()
    r = delegate.decide(instrument="troops", choice="conditional")
    assert r.status_code == 422 and "needs a condition" in r.text
    assert re.search(r'id="choice-conditional" value="conditional" required\s+checked', r.text)
    r = delegate.decide(instrument="troops", choice="maybe")
    assert r.status_code == 422
    r = delegate.decide(instrument="nukes", choice="commit")
    assert r.status_code == 422
    r = delegate.decide(instrument="troops", choice="commit", amount="lots")
    assert r.status_code == 422 and "amount" in r.text
    assert delegate.event_count() == before


def test_a_stale_form_is_refused_not_silently_overwritten(delegate: Web) -> None:
    form = delegate.form()
    first = {**form, "key_text": delegate.seeded.gbr_key_text, "instrument": "troops"}
    assert delegate.client.post(DECIDE, data={**first, "choice": "commit"}).status_code == 303
    r = delegate.client.post(DECIDE, data={**first, "choice": "decline"})
    assert r.status_code == 409
    assert "The board changed since this form was opened" in r.text
    html = delegate.client.get(BOARD).text
    cell = re.search(r'id="cell-GBR-troops">(.*?)</td>', html, re.S)
    assert cell is not None and "Commit" in cell.group(1)


def test_the_decision_form_refuses_a_missing_or_forged_csrf_token(delegate: Web) -> None:
    before = delegate.event_count()
    data = {**delegate.form(), "key_text": delegate.seeded.gbr_key_text}
    data.update(instrument="troops", choice="commit")
    for csrf in ("", "0" * 64):
        r = delegate.client.post(DECIDE, data={**data, "csrf": csrf})
        assert r.status_code == 403 and "Form refused" in r.text
    r = delegate.client.post(DECIDE, data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert delegate.event_count() == before


def test_a_csrf_token_of_another_session_is_refused(site: Web) -> None:
    site.login(FRA)
    fra_csrf = hidden(site.client.get(BOARD).text, "csrf")
    site.client.cookies.clear()
    site.login(GBR)
    data = {**site.form(), "key_text": site.seeded.gbr_key_text, "csrf": fra_csrf}
    r = site.client.post(DECIDE, data={**data, "instrument": "troops", "choice": "commit"})
    assert r.status_code == 403


def test_observers_can_neither_open_nor_post_the_form(observer: Web) -> None:
    before = observer.event_count()
    r = observer.client.get(DECIDE)
    assert r.status_code == 403 and "Only a delegate records decisions" in r.text
    csrf = hidden(observer.client.get(BOARD).text, "csrf")
    r = observer.client.post(
        DECIDE,
        data={
            "csrf": csrf,
            "instrument": "troops",
            "choice": "commit",
            "key_text": observer.seeded.gbr_key_text,
        },
    )
    assert r.status_code == 403
    assert observer.event_count() == before


def test_a_delegate_cannot_decide_for_another_guarantor(delegate: Web) -> None:
    before = delegate.event_count()
    r = delegate.decide(instrument="troops", choice="commit", guarantor="FRA")
    assert r.status_code == 403 and "acts for GBR, not for FRA" in r.text
    fra_key = encode_private_key(delegate.seeded.fra_key)
    r = delegate.decide(instrument="troops", choice="commit", key_text=fra_key)
    assert r.status_code == 400, "FRA's key does not sign for GBR's delegate"
    assert delegate.event_count() == before


def test_a_delegate_of_another_guarantee_is_refused(delegate: Web) -> None:
    r = delegate.client.get("/web/g/other-guarantee/decide")
    assert r.status_code == 403 and "does not act in guarantee other-guarantee" in r.text
    csrf = hidden(delegate.client.get(BOARD).text, "csrf")
    r = delegate.client.post("/web/g/other-guarantee/decide", data={"csrf": csrf})
    assert r.status_code == 403


def test_after_the_deadline_the_form_says_the_window_is_closed(delegate: Web) -> None:
    form = delegate.form()
    delegate.clock.advance(timedelta(hours=11))
    html = delegate.client.get(DECIDE).text
    assert "closes in 13 h 0 min" in html
    delegate.clock.advance(timedelta(hours=13))
    page = delegate.client.get(DECIDE)
    assert page.status_code == 200, "a web session outlives the 24-hour window"
    assert (
        "The decision window is not open" in page.text
        and '<form method="post" action="/web/g' not in page.text
    )
    form["csrf"] = hidden(delegate.client.get(BOARD).text, "csrf")
    r = delegate.client.post(
        DECIDE,
        data={
            **form,
            "key_text": delegate.seeded.gbr_key_text,
            "instrument": "troops",
            "choice": "commit",
        },
    )
    assert r.status_code == 409 and "Deadline passed" in r.text


# --- vendored htmx and static files ------------------------------------------------------------


def test_htmx_is_vendored_at_the_pinned_version() -> None:
    package = json.loads((ROOT / "web" / "package.json").read_text())
    pinned = package["dependencies"]["htmx.org"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "an exact version, not a range"
    lock = json.loads((ROOT / "web" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/htmx.org"]["version"] == pinned
    vendored = (web.STATIC_DIR / "htmx.min.js").read_text()
    assert vendored.startswith(f"/* htmx.org {pinned} ")
    assert f"this.version='{pinned}'" in vendored.replace('"', "'").replace(" ", "")
    assert (web.STATIC_DIR / "htmx.LICENSE.txt").is_file()


def test_static_files_are_served_and_nothing_else(site: Web) -> None:
    r = site.client.get("/web/static/htmx.min.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert site.client.get("/web/static/web.css").headers["content-type"].startswith("text/css")
    assert site.client.get("/web/static/board.js").status_code == 200
    assert site.client.get("/web/static/..%2Fweb.py").status_code == 404
    assert site.client.get("/web/static/nothing.js").status_code == 404


def test_no_page_loads_anything_from_another_site(delegate: Web) -> None:
    for path in (BOARD, DECIDE, "/web/"):
        page = Page(delegate.client.get(path).text)
        for src in page.scripts + page.links:
            assert src.startswith("/web/static/") or src == "data:,", src


def test_durations_read_as_people_say_them() -> None:
    assert web.countdown_text(24 * 3600) == "closes in 24 h 0 min"
    assert web.countdown_text(5 * 3600 + 12 * 60 + 59) == "closes in 5 h 12 min"
    assert web.countdown_text(61) == "closes in 1 min"
    assert web.countdown_text(3) == "closes in 3 s"
    assert web.countdown_text(0) == "deadline reached: closing"
    assert web.countdown_text(3 * 86400 + 3600) == "closes in 3 d 1 h"
    assert web.countdown_text(None) == ""


def test_an_amount_above_the_offer_is_recorded_only_when_the_box_is_ticked(delegate: Web) -> None:
    before = delegate.event_count()
    r = delegate.decide(instrument="troops", choice="commit", amount="0")
    assert r.status_code == 422 and "more than 0" in r.text
    r = delegate.decide(instrument="troops", choice="commit", amount="50000")
    assert r.status_code == 422 and "say so (above_offer)" in r.text
    assert delegate.event_count() == before
    r = delegate.decide(instrument="troops", choice="commit", amount="50000", above_offer="yes")
    assert r.status_code == 303, r.text
    assert delegate.event_count() == before + 1
