"""The control cell through FastAPI's TestClient: who may use it, the incident and delegate
forms with their CSRF token, who has not answered, and the exercise forms' API answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.service.web_support import GBR, GID, OBSERVER, PASSWORD, cheap_passwords, hidden, seed

from pact24.clock import ManualClock
from pact24.ledger import encode_public_key, generate_keypair
from pact24.service import web
from pact24.service.app import create_app
from pact24.service.core import Service
from pact24.store import migrate
from pact24.store.db import Store

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
CONTROL = f"/web/g/{GID}/control"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@dataclass
class Cell:
    client: TestClient
    service: Service
    clock: ManualClock
    admin_token: str

    def sign_in(self, *, token: str | None = None, name: str | None = None) -> None:
        page = self.client.get("/web/login")
        data = {"csrf": hidden(page.text, "csrf")}
        data.update({"token": token} if token else {"name": name or "", "password": PASSWORD})
        assert self.client.post("/web/login", data=data).status_code == 303
        self.client.cookies.delete(web.LOGIN_COOKIE, path="/web/login")

    def post(self, action: str, **fields: str | list[str]) -> httpx.Response:
        page = self.client.get(CONTROL)
        assert page.status_code == 200, page.text
        return self.client.post(
            f"{CONTROL}/{action}", data={"csrf": hidden(page.text, "csrf"), **fields}
        )

    def board(self) -> dict[str, object]:
        r = self.client.get(
            f"/api/v1/guarantees/{GID}/board",
            headers={"Authorization": f"Bearer {self.admin_token}"},
        )
        return dict(r.json())


@pytest.fixture
def cell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cell]:
    """An exercise guarantee awaiting its incident; the admin signed in to the web pages."""
    cheap_passwords(monkeypatch)
    store = Store(f"sqlite:///{tmp_path / 'cell.sqlite'}")
    migrate.prepare(store)
    clock = ManualClock(T0)
    service = Service(store, clock)
    seeded = seed(service, mode="exercise", open_window=False)
    web.LEDGER_CHECKS.forget()
    app = create_app(service=service, scheduler=False, run_migrations=False)
    with TestClient(app, follow_redirects=False) as client:
        c = Cell(client, service, clock, seeded.admin_token)
        c.sign_in(token=seeded.admin_token)
        yield c
    store.dispose()


@pytest.mark.parametrize("name", [GBR, OBSERVER])
def test_only_an_admin_uses_the_control_cell(cell: Cell, name: str) -> None:
    cell.client.post("/web/logout", data={"csrf": hidden(cell.client.get("/web/").text, "csrf")})
    cell.sign_in(name=name)
    page = cell.client.get(CONTROL)
    assert page.status_code == 403
    assert "Only the chair or the exercise director" in page.text
    r = cell.client.post(
        f"{CONTROL}/incident", data={"csrf": "x", "kind": "strike", "severity": "high"}
    )
    assert r.status_code == 403
    assert cell.board()["guarantee"]["phase"] == "awaiting_incident"  # type: ignore[index]


def test_signed_out_goes_to_login(cell: Cell) -> None:
    cell.client.cookies.clear()
    r = cell.client.get(CONTROL)
    assert r.status_code == 303 and r.headers["location"].startswith("/web/login?next=")


def test_the_director_reports_the_incident(cell: Cell) -> None:
    r = cell.post(
        "incident",
        kind="hybrid_incursion",
        severity="high",
        summary="Unmarked units crossed near Kharkiv.",
        evidence="ab" * 32,
    )
    assert r.status_code == 201, r.text
    assert "Incident recorded" in _text(r.text)
    g = cell.board()["guarantee"]
    assert g["phase"] == "window_open"  # type: ignore[index]
    assert "Report the incident" not in r.text  # one incident per guarantee


def test_a_bad_incident_is_refused_with_its_reason_and_nothing_stored(cell: Cell) -> None:
    r = cell.post("incident", kind="volcano", severity="high")
    assert r.status_code == 422 and "Not recorded: invalid form" in r.text
    r = cell.post("incident", kind="strike", severity="high", engaged=["FRA"])
    assert r.status_code == 422 and "Not recorded" in r.text and "FRA" in r.text
    assert cell.board()["guarantee"]["phase"] == "awaiting_incident"  # type: ignore[index]


def test_a_form_without_the_csrf_token_is_refused(cell: Cell) -> None:
    r = cell.client.post(f"{CONTROL}/incident", data={"kind": "strike", "severity": "high"})
    assert r.status_code == 403 and "Form refused" in r.text
    assert cell.board()["guarantee"]["phase"] == "awaiting_incident"  # type: ignore[index]


def test_the_director_registers_and_rekeys_a_delegate(cell: Cell) -> None:
    _, key = generate_keypair()
    r = cell.post(
        "delegate", who="DEU/deu-ambassador", public_key=encode_public_key(key), email="d@x.eu"
    )
    assert r.status_code == 201, r.text
    token = re.search(r'id="new-token">(p24_[^<]+)<', r.text)
    assert token is not None and cell.service.authenticate(token.group(1)).guarantor == "DEU"
    _, new_key = generate_keypair()
    r = cell.post("delegate", who="DEU/deu-ambassador", public_key=encode_public_key(new_key))
    assert r.status_code == 201
    page = cell.client.get(CONTROL).text
    assert encode_public_key(new_key)[:12] in page and "d@x.eu" in page  # the address is kept
    r = cell.post("delegate", who="DEU/someone-else", public_key=encode_public_key(key))
    assert r.status_code == 422 and "not &#39;someone-else&#39;" in r.text


def test_who_has_not_answered_with_reminders(cell: Cell) -> None:
    cell.post("incident", kind="strike", severity="high")
    cell.clock.set(T0 + timedelta(hours=21))
    cell.service.send_reminders()
    page = _text(cell.client.get(CONTROL).text)
    assert "Troops (16 of 16)" in page
    assert "escalation to deu-ambassador, 3 h before" in page
    assert "deu-ambassador: not acknowledged" in page


def test_the_inject_and_clock_forms_show_the_apis_answer(cell: Cell) -> None:
    """The forms post to exercise mode's routes and show what the API answered."""
    r = cell.post("inject", kind="disinformation", text="A video claims the strike was staged.")
    assert r.status_code == 200
    assert "The API accepted it (201)" in _text(r.text)
    sent = cell.client.get(
        f"/api/v1/guarantees/{GID}/injects",
        headers={"Authorization": f"Bearer {cell.admin_token}"},
    ).json()
    assert [(x["kind"], x["text"]) for x in sent] == [
        ("disinformation", "A video claims the strike was staged.")
    ]
    r = cell.post("clock", running="false")
    assert r.status_code == 200 and "The API accepted it (200)" in _text(r.text)
    assert cell.board()["guarantee"]["paused"] is True  # type: ignore[index]
    r = cell.post("inject", kind="rumour", text="x")
    assert r.status_code == 422 and "The API refused it: 422" in _text(r.text)


def test_the_chair_close_shows_the_mechanisms_refusal(cell: Cell) -> None:
    cell.post("incident", kind="strike", severity="high")
    r = cell.post("close")
    assert r.status_code == 409 and "Not recorded" in r.text
    assert cell.board()["guarantee"]["phase"] == "window_open"  # type: ignore[index]
