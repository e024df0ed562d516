"""Email: reminders, escalations and the outcome reach delegates through a real SMTP server
(aiosmtpd on localhost); the acknowledge link records once and refuses what is not its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.service.mail_support import Inbox, ack_link, body, free_port, smtp_server
from tests.service.support import T0, Delegate, World, bearer

from pact24.ledger import encode_public_key, generate_keypair
from pact24.service import acks, mail
from pact24.service.web.board import board_version
from pact24.service.webhooks import DeliveryPolicy

GBR_MAIL = "gbr-minister@gov.example"
DEU_MAIL = "deu-ambassador@gov.example"
DEU_PRIMARY_MAIL = "deu-chancellery@gov.example"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    yield from smtp_server()


def _mailed(w: World, iso3: str, delegate: str, email: str) -> Delegate:
    private_key, public_key = generate_keypair()
    r = w.client.post(
        f"{w.base}/delegates",
        json={
            "guarantor": iso3,
            "delegate": delegate,
            "public_key": encode_public_key(public_key),
            "email": email,
        },
        headers=bearer(w.admin),
    )
    assert r.status_code == 201, r.text
    assert r.json()["account"]["email"] == email
    d = Delegate(iso3, delegate, r.json()["token"], private_key)
    w.delegates[(iso3, delegate)] = d
    return d


@pytest.fixture
def mailed(world: World, smtp: tuple[Inbox, int]) -> World:
    """GBR's minister, DEU's primary and alternate delegates with addresses; mail on; the
    window open at T0."""
    _mailed(world, "GBR", "gbr-minister", GBR_MAIL)
    design = world.client.get(f"{world.base}/design", headers=bearer(world.admin)).json()
    deu = next(g for g in design["guarantors"] if g["iso3"] == "DEU")
    _mailed(world, "DEU", deu["delegate"], DEU_PRIMARY_MAIL)
    _mailed(world, "DEU", deu["alternate_delegate"], DEU_MAIL)
    world.service.mail_settings = mail.MailSettings(
        host="127.0.0.1", port=smtp[1], base_url="http://testserver"
    )
    world.open_window()
    return world


def _text(html: str) -> str:
    """A page's words, without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _mail_log(w: World) -> list[dict[str, object]]:
    r = w.client.get(f"{w.base}/mail", headers=bearer(w.admin))
    assert r.status_code == 200, r.text
    return list(r.json())


def test_reminders_and_escalations_are_mailed_with_an_acknowledge_link(
    mailed: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    mailed.clock.set(T0 + timedelta(hours=21))  # T - 3 h: reminders and escalations
    assert mailed.service.send_reminders() == 32  # the webhooks' count, unchanged
    assert mailed.service.deliver_mail() == {"sent": 3, "pending": 0, "dead": 0}
    (gbr,) = inbox.to(GBR_MAIL)
    assert gbr["Subject"] == "Reminder: United Kingdom has not answered, 3 h before the deadline"
    text = body(gbr)
    assert "LIVE guarantee" in text
    assert "still silent on: troops, defence support, economic aid, sanctions" in text
    assert "Deadline: 2027-03-02 04:00 UTC" in text
    assert "http://testserver/web/g/g-test" in text
    (deu,) = inbox.to(DEU_MAIL)
    assert deu["Subject"].startswith("Escalation: Germany has not answered")
    assert "alternate delegate" in body(deu)
    assert inbox.to(DEU_PRIMARY_MAIL)[0]["Subject"].startswith("Reminder: Germany")
    links = {ack_link(m)[0] for m in inbox.messages}
    assert len(links) == 3 and all(x.startswith("http://testserver/web/ack/") for x in links)
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 0, "dead": 0}  # once only
    assert {m["status"] for m in _mail_log(mailed)} == {"sent"}


def test_an_exercise_is_marked_in_every_message(world: World, smtp: tuple[Inbox, int]) -> None:
    r = world.client.post(
        "/api/v1/guarantees",
        json={"mode": "exercise", "id": "g-ex", "preset": "meloni-24h"},
        headers=bearer(world.admin),
    )
    assert r.status_code == 201, r.text
    _, public_key = generate_keypair()
    world.client.post(
        "/api/v1/guarantees/g-ex/delegates",
        json={
            "guarantor": "GBR",
            "delegate": "gbr-minister",
            "public_key": encode_public_key(public_key),
            "email": GBR_MAIL,
            "name": "ex-gbr",
        },
        headers=bearer(world.admin),
    )
    world.service.mail_settings = mail.MailSettings(host="127.0.0.1", port=smtp[1])
    world.client.post(
        "/api/v1/guarantees/g-ex/incidents",
        json={"kind": "overt_invasion", "severity": "high", "evidence": ["ab" * 32]},
        headers=bearer(world.admin),
    )
    world.clock.set(T0 + timedelta(hours=12))
    world.service.send_reminders()
    world.service.deliver_mail()
    (m,) = smtp[0].to(GBR_MAIL)
    assert m["Subject"].startswith("[EXERCISE] Reminder: United Kingdom")
    assert body(m).startswith("EXERCISE: not a live guarantee.")


def test_the_link_acknowledges_once_and_the_board_shows_it(
    mailed: World, smtp: tuple[Inbox, int]
) -> None:
    mailed.clock.set(T0 + timedelta(hours=21))
    mailed.service.send_reminders()
    mailed.service.deliver_mail()
    _, token = ack_link(smtp[0].to(GBR_MAIL)[0])
    page = mailed.client.get(f"/web/ack/{token}")
    assert page.status_code == 200 and "I have read it" in page.text
    assert all(m["acknowledged_at"] is None for m in _mail_log(mailed))  # a GET records nothing
    assert mailed.get("/board").json()["acknowledged"] == []
    admin = mailed.service.authenticate(mailed.admin)
    before = board_version(mailed.service.board(admin, mailed.gid))
    mailed.clock.advance(timedelta(minutes=5))
    done = mailed.client.post(f"/web/ack/{token}")
    assert done.status_code == 200 and "Acknowledged at 2027-03-02 01:05 UTC" in _text(done.text)
    mailed.clock.advance(timedelta(minutes=5))
    again = mailed.client.post(f"/web/ack/{token}")
    assert "Acknowledged at 2027-03-02 01:05 UTC" in _text(again.text)  # the first is kept
    (ack,) = mailed.get("/board").json()["acknowledged"]
    assert ack == {
        "guarantor": "GBR",
        "delegate": "gbr-minister",
        "topic": "reminder",
        "at": "2027-03-02T01:05:00Z",
    }
    assert board_version(mailed.service.board(admin, mailed.gid)) != before  # htmx swaps
    acked = [m for m in _mail_log(mailed) if m["acknowledged_at"] is not None]
    assert [m["to"] for m in acked] == [GBR_MAIL]


def test_forged_expired_and_foreign_links_are_refused_and_change_nothing(
    mailed: World, smtp: tuple[Inbox, int]
) -> None:
    mailed.clock.set(T0 + timedelta(hours=21))
    mailed.service.send_reminders()
    mailed.service.deliver_mail()
    _, token = ack_link(smtp[0].to(GBR_MAIL)[0])
    mail_id, account_id, expires, mac = token.split(".")
    deu_account = next(m for m in _mail_log(mailed) if m["to"] == DEU_MAIL)
    store = mailed.service.store
    accounts = mailed.client.get("/api/v1/accounts", headers=bearer(mailed.admin)).json()
    deu_id = next(a["id"] for a in accounts if a.get("email") == DEU_MAIL)
    far = T0 + timedelta(days=30)
    refused = {
        "altered mac": f"{mail_id}.{account_id}.{expires}.{'0' * len(mac)}",
        "later expiry": f"{mail_id}.{account_id}.{int(expires) + 3600}.{mac}",
        "another message": f"{deu_account['id']}.{account_id}.{expires}.{mac}",
        # correctly signed, but for an account the message did not go to
        "another account": acks.token(store, int(mail_id), deu_id, far),
        "garbage": "not-a-token",
    }
    for what, bad in refused.items():
        for r in (mailed.client.get(f"/web/ack/{bad}"), mailed.client.post(f"/web/ack/{bad}")):
            assert r.status_code == 403, what
            assert "Nothing was recorded" in r.text, what
    mailed.clock.set(T0 + timedelta(hours=21) + acks.ACK_TTL)
    expired = mailed.client.post(f"/web/ack/{token}")
    assert expired.status_code == 403 and "expired" in expired.text
    assert all(m["acknowledged_at"] is None for m in _mail_log(mailed))
    assert mailed.get("/board").json()["acknowledged"] == []


def test_a_mail_server_down_keeps_the_message_and_never_blocks_a_decision(
    mailed: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    settings = mail.MailSettings(host="127.0.0.1", port=free_port())  # nothing listens there
    mailed.service.mail_settings = settings
    mailed.service.delivery = DeliveryPolicy(max_attempts=3, base=timedelta(seconds=2))
    mailed.clock.set(T0 + timedelta(hours=12))
    assert mailed.service.send_reminders() == 16  # GBR's and DEU's primary among them
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 2, "dead": 0}
    gbr = mailed.delegates[("GBR", "gbr-minister")]
    assert mailed.decide(gbr, mailed.decision(gbr)).status_code == 201
    failed = _mail_log(mailed)
    assert all(m["status"] == "pending" and m["attempts"] == 1 for m in failed)
    assert all("Connection" in str(m["last_error"]) for m in failed)
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 0, "dead": 0}  # not yet due
    mailed.clock.advance(timedelta(seconds=2))
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 2, "dead": 0}
    mailed.service.mail_settings = mail.MailSettings(host="127.0.0.1", port=port)
    mailed.clock.advance(timedelta(seconds=4))
    assert mailed.service.deliver_mail() == {"sent": 2, "pending": 0, "dead": 0}
    assert len(inbox.messages) == 2
    assert {m["attempts"] for m in _mail_log(mailed)} == {3}


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_server_login_is_used_and_a_wrong_one_retried(mailed: World) -> None:
    for server in smtp_server(login=("pact24", "relay-secret")):
        inbox, port = server
        mailed.service.mail_settings = mail.MailSettings(
            host="127.0.0.1", port=port, username="pact24", password="wrong"
        )
        mailed.clock.set(T0 + timedelta(hours=12))
        mailed.service.send_reminders()
        assert mailed.service.deliver_mail() == {"sent": 0, "pending": 2, "dead": 0}
        assert all("Authentication" in str(m["last_error"]) for m in _mail_log(mailed))
        mailed.service.mail_settings = mail.MailSettings(
            host="127.0.0.1", port=port, username="pact24", password="relay-secret"
        )
        mailed.clock.advance(timedelta(seconds=2))
        assert mailed.service.deliver_mail() == {"sent": 2, "pending": 0, "dead": 0}
        assert len(inbox.messages) == 2


def test_after_the_last_attempt_a_message_is_kept_as_dead(mailed: World) -> None:
    mailed.service.mail_settings = mail.MailSettings(host="127.0.0.1", port=free_port())
    mailed.service.delivery = DeliveryPolicy(max_attempts=2, base=timedelta(seconds=1))
    mailed.clock.set(T0 + timedelta(hours=12))
    mailed.service.send_reminders()
    mailed.service.deliver_mail()
    mailed.clock.advance(timedelta(seconds=1))
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 0, "dead": 2}
    mailed.clock.advance(timedelta(hours=1))
    assert mailed.service.deliver_mail() == {"sent": 0, "pending": 0, "dead": 0}
    assert {m["status"] for m in _mail_log(mailed)} == {"dead"}


def test_the_outcome_is_mailed_to_every_delegate_once(
    mailed: World, smtp: tuple[Inbox, int]
) -> None:
    mailed.clock.set(T0 + timedelta(hours=24))
    assert mailed.service.close_overdue() == ["g-test"]
    assert mailed.service.mail_outcomes() == 3
    assert mailed.service.mail_outcomes() == 0
    mailed.service.deliver_mail()
    subjects = {m["To"]: m["Subject"] for m in smtp[0].messages}
    assert subjects == {
        GBR_MAIL: "Outcome: Rapid deliberation, 24-hour decision window was not honoured",
        DEU_MAIL: subjects[GBR_MAIL],
        DEU_PRIMARY_MAIL: subjects[GBR_MAIL],
    }
    assert "The window closed and the outcome is declared: not honoured" in body(
        smtp[0].to(GBR_MAIL)[0]
    )


def test_mail_is_off_unless_configured(opened: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert opened.service.mail_settings is None
    opened.clock.set(T0 + timedelta(hours=12))
    opened.service.send_reminders()
    assert opened.service.deliver_mail() == {}
    assert _mail_log(opened) == []
    for name in ("HOST", "PORT", "FROM", "STARTTLS", "USER", "PASSWORD"):
        monkeypatch.delenv(f"PACT24_SMTP_{name}", raising=False)
    assert mail.from_environment() is None
    monkeypatch.setenv("PACT24_SMTP_HOST", "smtp.example")
    monkeypatch.setenv("PACT24_SMTP_PORT", "587")
    monkeypatch.setenv("PACT24_SMTP_STARTTLS", "1")
    monkeypatch.setenv("PACT24_SMTP_USER", "pact24")
    monkeypatch.setenv("PACT24_PUBLIC_URL", "https://pact24.example/")
    assert mail.from_environment() == mail.MailSettings(
        host="smtp.example",
        port=587,
        starttls=True,
        username="pact24",
        base_url="https://pact24.example",
    )


def test_only_an_admin_reads_the_mail_log(mailed: World) -> None:
    gbr = mailed.delegates[("GBR", "gbr-minister")]
    for token in (gbr.token, mailed.observer, mailed.reporter):
        assert mailed.client.get(f"{mailed.base}/mail", headers=bearer(token)).status_code == 403
