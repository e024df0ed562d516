"""The tables of the store.

Three kinds of table, and the difference matters:

* **The record** — ``events`` and ``ledger_entries``: append-only, the source of truth. Nothing
  updates or deletes a row there; a guarantee's ``event_count`` and ``ledger_size`` say how far
  its record goes, and every append checks them (a compare-and-set), so two writers can never
  both append the same position.
* **Projections** — ``board``, ``receipts``, ``outcomes`` and the phase columns of
  ``guarantees``: derived from the record by folding it through the mechanism, written in the
  same transaction as the event they reflect, and rebuildable from it at any time.
* **Operations** — accounts, tokens, idempotency answers, webhooks, the outbox, notifications
  and the service's own signing key: what the service needs to run, not part of the record;
  ``refused_attempts`` too (decisions refused after the deadline, shown but never counted).

Times are stored as UTC (``UTCDateTime``), the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in, an aware UTC datetime out, on every dialect.

    SQLite has no time zones: it stores the naive UTC value, whose text sorts in time order, so
    ``deadline <= :now`` compares correctly there too.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store keeps aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        at: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# --- the record ------------------------------------------------------------------------------


class Guarantee(Base):
    """One guarantee under one design: its own deliberation, event stream and Merkle log.

    ``phase`` .. ``last_at`` are a projection of its events; ``event_count`` and ``ledger_size``
    are the append positions that every writer compares and sets.
    """

    __tablename__ = "guarantees"
    __table_args__ = (CheckConstraint("mode IN ('live', 'exercise')", name="mode"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    design_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    design_json: Mapped[str] = mapped_column(Text)
    design_digest: Mapped[str] = mapped_column(String(64))
    log_origin: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(32))
    phase: Mapped[str] = mapped_column(String(32), index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    ledger_size: Mapped[int] = mapped_column(Integer, default=0)
    # An exercise's own clock (``clock.ExerciseTime``); all null for a live guarantee.
    clock_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_speed: Mapped[float | None] = mapped_column(Float)
    clock_paused_seconds: Mapped[float | None] = mapped_column(Float)
    clock_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventRow(Base):
    """An accepted mechanism event: ``body`` is its codec dict as canonical JSON."""

    __tablename__ = "events"

    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)
    ledger_index: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(32))


class LedgerRow(Base):
    """One ledger entry; ``entry`` is its canonical JSON, exactly the bytes of its Merkle leaf,
    and ``checkpoint`` the signed checkpoint of the log just after it (C2SP signed note)."""

    __tablename__ = "ledger_entries"

    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    checkpoint: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- projections -----------------------------------------------------------------------------


class BoardCell(Base):
    """The current (latest) decision of one guarantor on one instrument."""

    __tablename__ = "board"

    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), primary_key=True)
    guarantor: Mapped[str] = mapped_column(String(3), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(32), primary_key=True)
    choice: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    delegate: Mapped[str] = mapped_column(String(100))
    condition: Mapped[str | None] = mapped_column(Text)
    condition_met: Mapped[bool | None] = mapped_column(Boolean)
    amount: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    seq: Mapped[int] = mapped_column(Integer)


class ReceiptRow(Base):
    """A guarantor's frozen answer per instrument at close."""

    __tablename__ = "receipts"

    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), primary_key=True)
    guarantor: Mapped[str] = mapped_column(String(3), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    counts: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer)
    by_silence: Mapped[bool] = mapped_column(Boolean)
    engaged_by_posture: Mapped[bool] = mapped_column(Boolean)
    condition: Mapped[str | None] = mapped_column(Text)
    condition_met: Mapped[bool | None] = mapped_column(Boolean)
    frozen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutcomeRow(Base):
    __tablename__ = "outcomes"

    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), primary_key=True)
    honoured: Mapped[bool] = mapped_column(Boolean)
    rule: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime)


# --- operations ------------------------------------------------------------------------------


class Account(Base):
    """Someone who may call the service, with one role and, for most roles, one scope.

    A delegate account acts for exactly one guarantor of one guarantee, under the delegate name
    the design gives (``delegate`` or ``alternate_delegate``). Its public key is not here but in
    the guarantee's ledger, where verifiers read it (``store.keys``).
    """

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'reporter', 'delegate', 'observer', 'witness')", name="role"
        ),
        UniqueConstraint("guarantee_id", "guarantor", "delegate", name="uq_accounts_delegate"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    guarantee_id: Mapped[str | None] = mapped_column(ForeignKey("guarantees.id"))
    guarantor: Mapped[str | None] = mapped_column(String(3))
    delegate: Mapped[str | None] = mapped_column(String(100))
    rank: Mapped[str | None] = mapped_column(String(16))
    # ``exercise`` or ``live``: the only mode of guarantee this account may act on (null: any).
    mode: Mapped[str | None] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email: Mapped[str | None] = mapped_column(String(320))


class Token(Base):
    """An API token: a public ``id`` to find it, and only an argon2 hash of its secret."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotentAnswer(Base):
    """The first answer to a request made with an ``Idempotency-Key``, replayed on retries."""

    __tablename__ = "idempotency"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailures(Base):
    """Failed sign-ins for one account name from one client address, shared by every process
    of the service (``pact24.service.throttle``). ``name_hash`` is the SHA-256 of the casefolded
    name, so any text a client sends fits the key and no unknown name is kept in clear."""

    __tablename__ = "login_failures"

    name_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Webhook(Base):
    """A receiver of signed POSTs; ``previous_secret`` still signs for a grace period after a
    rotation, so receivers can switch keys without losing deliveries."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    guarantee_id: Mapped[str | None] = mapped_column(ForeignKey("guarantees.id"))
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)
    previous_secret: Mapped[str | None] = mapped_column(Text)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxRow(Base):
    """One message for one webhook, written in the transaction of what it reports.

    ``status``: ``pending`` until delivered (``delivered``) or until it has failed
    ``max_attempts`` times (``dead``: the dead-letter record, kept with its last error).
    ``lease_until`` lets one worker at a time try a message, on any number of processes.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'dead')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"), index=True)
    guarantee_id: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Notification(Base):
    """A reminder or escalation sent once to a guarantor's delegate before the deadline."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint(
            "guarantee_id", "guarantor", "kind", "hours_before", name="uq_notifications_once"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), index=True)
    guarantor: Mapped[str] = mapped_column(String(3))
    delegate: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    hours_before: Mapped[float] = mapped_column(Float)
    silent: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class MailRow(Base):
    """One email to one account: a reminder, an escalation or the outcome.

    Written in the transaction that decided to send it, under a unique ``key`` (so it is sent
    once), delivered later with retries like a webhook (``service.mail``), and acknowledged when
    its delegate follows the signed link it carries (``acknowledged_at``, set once).
    """

    __tablename__ = "mail"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    topic: Mapped[str] = mapped_column(String(16))
    to_addr: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), index=True, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefusedAttempt(Base):
    """A signed decision refused because it reached the service at or after the deadline.

    Kept for people to see, never read by the ledger, the mechanism or the outcome: nothing after
    the deadline counts. One row per delegate, instrument and minute (``tries`` counts the
    repeats in that minute), written by ``pact24.store.refused`` under a cap per delegate."""

    __tablename__ = "refused_attempts"
    __table_args__ = (
        UniqueConstraint(
            "guarantee_id",
            "guarantor",
            "delegate",
            "instrument",
            "minute",
            name="uq_refused_attempts_minute",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), index=True)
    guarantor: Mapped[str] = mapped_column(String(3))
    delegate: Mapped[str] = mapped_column(String(100))
    instrument: Mapped[str] = mapped_column(String(32))
    minute: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(Text)


class ServiceKey(Base):
    """The service's own Ed25519 key that signs checkpoints, shared by all its processes."""

    __tablename__ = "service_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_key: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class InjectRow(Base):
    """An exercise inject the control cell sent: what the players were told, at the exercise's
    time. Operations, not the record: the ledger holds what the mechanism judged, and an inject
    is scenario, not a decision (its effects, an attribution finding or a resolved vote, are
    recorded as events of their own)."""

    __tablename__ = "injects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    guarantee_id: Mapped[str] = mapped_column(ForeignKey("guarantees.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_by: Mapped[str] = mapped_column(String(200))
