"""Email: reminders, escalations and the outcome reach delegates by mail as well as webhooks.

Off unless configured: without ``PACT24_SMTP_HOST`` nothing is queued. Configured, every
reminder or escalation (``reminders``) to a delegate whose account has an address becomes one
row of ``mail`` in the *same* transaction, under a unique key, so it is sent once; the outcome
becomes one row per delegate with an address, queued by the timer once the outcome is declared.

Sending is the courier's job, outside any transaction, with the webhooks' retry policy
(``webhooks.DeliveryPolicy``): a refused or unreachable SMTP server leaves the message pending
with its error, tried again after 2 s, 4 s ... and after the last attempt kept as ``dead``.
Nothing here is read by the deliberation, so a mail server that is down never blocks or delays
a decision or the close.

Each message carries an acknowledge link (``acks``): following it records that the delegate
read it, and the board shows when.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from pact24 import wording
from pact24.clock import Clock
from pact24.service import acks
from pact24.service.auth import Actor, Role, require
from pact24.service.schemas import MailOut
from pact24.service.webhooks import DeliveryPolicy
from pact24.store import outbox
from pact24.store.db import Store
from pact24.store.models import Account, Guarantee, MailRow, Notification, OutcomeRow
from pact24.store.record import design_of

HOST_ENV = "PACT24_SMTP_HOST"
PORT_ENV = "PACT24_SMTP_PORT"
FROM_ENV = "PACT24_SMTP_FROM"
STARTTLS_ENV = "PACT24_SMTP_STARTTLS"
USER_ENV = "PACT24_SMTP_USER"
PASSWORD_ENV = "PACT24_SMTP_PASSWORD"
PUBLIC_URL_ENV = "PACT24_PUBLIC_URL"

#: An outcome declared longer ago than this is not mailed: turning mail on later must not
#: send every old guarantee's outcome.
OUTCOME_RECENT = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where mail goes and from whom; ``base_url`` is where the links in it point."""

    host: str
    port: int = 25
    sender: str = "pact24@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    base_url: str = "http://127.0.0.1:8024"
    timeout: float = 10.0


def from_environment() -> MailSettings | None:
    """The settings from ``PACT24_SMTP_*`` and ``PACT24_PUBLIC_URL``; None (mail off) without
    a host."""
    host = os.environ.get(HOST_ENV, "").strip()
    if not host:
        return None
    return MailSettings(
        host=host,
        port=int(os.environ.get(PORT_ENV, "25")),
        sender=os.environ.get(FROM_ENV, "pact24@localhost"),
        starttls=os.environ.get(STARTTLS_ENV, "") in {"1", "true", "yes"},
        username=os.environ.get(USER_ENV) or None,
        password=os.environ.get(PASSWORD_ENV) or None,
        base_url=os.environ.get(PUBLIC_URL_ENV, "http://127.0.0.1:8024").rstrip("/"),
    )


# --- what a message says -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Draft:
    """A message before it has its row (and so its acknowledge link)."""

    key: str
    account: Account
    topic: str
    subject: str
    lines: tuple[str, ...]


def _mark(g: Guarantee, subject: str) -> str:
    return f"[EXERCISE] {subject}" if g.mode == "exercise" else subject


def _mode_line(g: Guarantee) -> str:
    if g.mode == "exercise":
        return "EXERCISE: not a live guarantee. Nothing recorded in it commits any state."
    return "LIVE guarantee: decisions recorded in it are real and signed."


def reminder_draft(g: Guarantee, n: Notification, account: Account, name: str) -> Draft:
    """A reminder (to the primary delegate) or an escalation (to the alternate)."""
    silent = ", ".join(wording.instrument_name(i) for i in json.loads(n.silent))
    deadline = wording.utc(g.deadline) if g.deadline else "none"
    if n.kind == "escalation":
        subject = f"Escalation: {name} has not answered, {n.hours_before:g} h before the deadline"
        why = (
            f"You are {name}'s alternate delegate. {name} is still silent on: {silent}. "
            "The primary delegate was reminded and has not answered."
        )
    else:
        subject = f"Reminder: {name} has not answered, {n.hours_before:g} h before the deadline"
        why = f"You are {name}'s delegate. {name} is still silent on: {silent}."
    return Draft(
        key=f"{g.id}/{n.kind}/{n.guarantor}/{n.hours_before:g}/{account.id}",
        account=account,
        topic=n.kind,
        subject=_mark(g, subject),
        lines=(
            _mode_line(g),
            "",
            f"Guarantee: {g.title} ({g.id})",
            why,
            f"Deadline: {deadline}. A guarantor silent at the deadline is counted by the "
            "design's silence rule.",
        ),
    )


def outcome_draft(g: Guarantee, outcome: OutcomeRow, account: Account, name: str) -> Draft:
    verdict = "honoured" if outcome.honoured else "not honoured"
    return Draft(
        key=f"{g.id}/outcome/{account.id}",
        account=account,
        topic="outcome",
        subject=_mark(g, f"Outcome: {g.title} was {verdict}"),
        lines=(
            _mode_line(g),
            "",
            f"Guarantee: {g.title} ({g.id})",
            f"You are {name}'s delegate. The window closed and the outcome is declared: "
            f"{verdict} ({outcome.rule}), at {wording.utc(outcome.declared_at)}.",
        ),
    )


def _store_draft(
    session: Session, store: Store, settings: MailSettings, g: Guarantee, d: Draft, now: datetime
) -> MailRow:
    """The draft as a pending row, its body closed by the board's link and its own
    acknowledge link (which needs the row's id, hence the flush before the body)."""
    assert d.account.email is not None
    row = MailRow(
        key=d.key,
        guarantee_id=g.id,
        account_id=d.account.id,
        topic=d.topic,
        to_addr=d.account.email,
        subject=d.subject,
        body="",
        created_at=now,
        status="pending",
        attempts=0,
        next_attempt_at=now,
    )
    session.add(row)
    session.flush()
    link = acks.link(store, settings.base_url, row.id, d.account.id, now + acks.ACK_TTL)
    row.body = "\n".join(
        [
            *d.lines,
            "",
            f"The board: {settings.base_url}/web/g/{g.id}",
            "",
            "Acknowledge that you have read this message (the chair sees it on the board):",
            link,
            "",
        ]
    )
    return row


def _delegate_account(session: Session, g: Guarantee, iso3: str, delegate: str) -> Account | None:
    return session.scalar(
        select(Account).where(
            Account.guarantee_id == g.id,
            Account.guarantor == iso3,
            Account.delegate == delegate,
            Account.email.is_not(None),
            Account.disabled_at.is_(None),
        )
    )


def queue_reminders(
    session: Session,
    store: Store,
    settings: MailSettings,
    guarantee_id: str,
    notifications: list[Notification],
    now: datetime,
) -> int:
    """One message per reminder or escalation whose delegate has an address, in the caller's
    transaction (the one that stored the notifications); how many."""
    if not notifications:
        return 0
    g = session.get(Guarantee, guarantee_id)
    assert g is not None
    names = {x.iso3: x.name for x in design_of(session, g).guarantors}
    queued = 0
    for n in notifications:
        account = _delegate_account(session, g, n.guarantor, n.delegate)
        if account is None:
            continue
        draft = reminder_draft(g, n, account, names.get(n.guarantor, n.guarantor))
        _store_draft(session, store, settings, g, draft, now)
        queued += 1
    return queued


def _mailed_delegates(guarantee_id: str) -> Select[str]:
    """The ids of a guarantee's delegate accounts that have an address and are enabled."""
    return select(Account.id).where(
        Account.guarantee_id == guarantee_id,
        Account.role == Role.DELEGATE.value,
        Account.email.is_not(None),
        Account.disabled_at.is_(None),
    )


def outcomes_to_mail(session: Session, now: datetime) -> list[str]:
    """Guarantees whose outcome was declared within ``OUTCOME_RECENT`` and not yet mailed to
    every delegate with an address (read first, so the timer writes only when it must)."""
    stmt = select(OutcomeRow.guarantee_id).where(OutcomeRow.declared_at >= now - OUTCOME_RECENT)
    due = []
    for gid in session.scalars(stmt):
        told = select(MailRow.account_id).where(
            MailRow.guarantee_id == gid, MailRow.topic == "outcome"
        )
        untold = _mailed_delegates(gid).where(Account.id.not_in(told))
        if session.scalar(select(func.count()).select_from(untold.subquery())):
            due.append(gid)
    return due


def queue_outcome(
    session: Session, store: Store, settings: MailSettings, guarantee_id: str, now: datetime
) -> int:
    """The outcome to every delegate of the guarantee with an address not yet told; how many."""
    g = session.get(Guarantee, guarantee_id)
    outcome = session.get(OutcomeRow, guarantee_id)
    if g is None or outcome is None:
        return 0
    names = {x.iso3: x.name for x in design_of(session, g).guarantors}
    told = set(session.scalars(select(MailRow.key).where(MailRow.guarantee_id == g.id)))
    accounts = session.scalars(
        select(Account)
        .where(Account.id.in_(_mailed_delegates(g.id)))
        .order_by(Account.guarantor, Account.delegate)
    )
    queued = 0
    for account in accounts:
        assert account.guarantor is not None
        draft = outcome_draft(g, outcome, account, names.get(account.guarantor, account.guarantor))
        if draft.key in told:
            continue
        _store_draft(session, store, settings, g, draft, now)
        queued += 1
    return queued


def list_for(session: Session, actor: Actor, guarantee_id: str) -> list[MailOut]:
    """Every message of one guarantee, with its delivery and acknowledgement (the chair's)."""
    require(actor, Role.ADMIN)
    rows = session.execute(
        select(MailRow, Account)
        .join(Account, Account.id == MailRow.account_id)
        .where(MailRow.guarantee_id == guarantee_id)
        .order_by(MailRow.id)
    )
    return [
        MailOut(
            id=m.id,
            topic=m.topic,
            guarantor=a.guarantor or "",
            delegate=a.delegate or "",
            to=m.to_addr,
            subject=m.subject,
            status=m.status,
            attempts=m.attempts,
            last_error=m.last_error,
            created_at=m.created_at,
            sent_at=m.sent_at,
            acknowledged_at=m.acknowledged_at,
        )
        for m, a in rows
    ]


# --- sending -----------------------------------------------------------------------------------

Send = Callable[[MailSettings, EmailMessage], None]


def smtp_send(settings: MailSettings, message: EmailMessage) -> None:
    """Hand one message to the configured SMTP server (STARTTLS and login when configured).
    STARTTLS checks the server's certificate and name against the system's CAs (smtplib's
    own default would not)."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username is not None:
            smtp.login(settings.username, settings.password or "")
        smtp.send_message(message)


def message_of(settings: MailSettings, row: MailRow) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = row.to_addr
    msg["Subject"] = row.subject
    msg["Message-ID"] = make_msgid(idstring=f"pact24.{row.id}", domain="pact24")
    msg["Pact24-Topic"] = row.topic
    msg.set_content(row.body)
    return msg


def _claim(session: Session, mail_id: int, now: datetime, lease: timedelta) -> MailRow | None:
    """Take the lease of one message (:func:`pact24.store.outbox.take_lease`); None if taken."""
    if not outbox.take_lease(session, MailRow, mail_id, now, lease):
        return None
    row = session.get(MailRow, mail_id)
    assert row is not None
    session.expunge(row)
    return row


def _settle(
    session: Session, mail_id: int, now: datetime, error: str | None, policy: DeliveryPolicy
) -> str:
    row = session.get(MailRow, mail_id)
    assert row is not None
    row.attempts += 1
    row.lease_until = None
    row.last_error = error
    if error is None:
        row.status, row.sent_at = "sent", now
    else:
        retry_at = policy.retry_at(now, row.attempts)
        row.status = "pending" if retry_at is not None else "dead"
        if retry_at is not None:
            row.next_attempt_at = retry_at
    return row.status


def deliver_due(
    store: Store,
    clock: Clock,
    settings: MailSettings,
    policy: DeliveryPolicy = DeliveryPolicy(),
    send: Send = smtp_send,
    limit: int = 50,
) -> dict[str, int]:
    """Try every due message once; count how many were sent, left to retry and given up."""
    counts = {"sent": 0, "pending": 0, "dead": 0}
    with store.read() as s:
        ids = outbox.due_ids(s, MailRow, clock.now(), limit)
    for mail_id in ids:
        with store.write() as s:
            row = _claim(s, mail_id, clock.now(), policy.lease)
        if row is None:
            continue
        try:
            send(settings, message_of(settings, row))
            error = None
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:1000]
        with store.write() as s:
            counts[_settle(s, mail_id, clock.now(), error, policy)] += 1
    return counts
