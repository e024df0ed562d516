"""``Service``: the service layer as one object, for the JSON API, the web pages and the CLI.

Each method is one unit of work: it opens the transaction(s) it needs on the ``Store``, reads
the time once from the injected ``Clock`` and calls the domain functions (``guarantees``,
``deliberation``, ``accounts``, ...), which take a session and never commit by themselves.
Routes stay thin: authenticate, call one method, serialise the model it returns.

Two units of work need more than one transaction, and this is where they live:

* a decision that arrives late is refused (409) in its own transaction, and then the overdue
  window is closed in the next one: the refusal stores nothing, the close stores the close;
  a third keeps the refused attempt apart from the record (``refusals``), to be seen, not counted;
* writes with an ``Idempotency-Key`` look the key up under the guarantee's lock and store the
  answer in the same transaction as the events, so a retry replays the first answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from pact24.clock import Clock, SystemClock
from pact24.designs.schema import Design
from pact24.errors import Conflict, DeadlinePassed
from pact24.ledger.verify import Record
from pact24.mechanism import Phase
from pact24.mechanism.state import CLOSE_PENDING, overdue
from pact24.service import (
    accounts,
    acks,
    auth,
    clocks,
    deliberation,
    exports,
    guarantees,
    idempotency,
    injects,
    mail,
    refusals,
    reminders,
    transparency,
    views,
    webhooks,
)
from pact24.service.auth import Actor
from pact24.service.schemas import (
    AccountIn,
    AccountOut,
    AckOut,
    AttributionIn,
    BoardOut,
    CheckpointOut,
    CloseIn,
    ConsistencyOut,
    Credentials,
    DecisionIn,
    DelegateIn,
    DeliveryIn,
    EntryOut,
    GuaranteeIn,
    GuaranteeOut,
    IncidentIn,
    InclusionOut,
    InjectIn,
    InjectOut,
    InvocationIn,
    MailOut,
    NotificationOut,
    OutboxOut,
    OutcomeOut,
    Receipts,
    Recorded,
    RefusedOut,
    ResolutionIn,
    Timeline,
    TokenOut,
    WebhookIn,
    WebhookOut,
    banner,
)
from pact24.service.throttle import LoginThrottle
from pact24.store.db import Store
from pact24.store.models import Guarantee
from pact24.store.projections import in_phases
from pact24.store.record import Appended, lock_guarantee

T = TypeVar("T")

#: How often one write is tried when it loses a race with another writer.
WRITE_ATTEMPTS = 5
WriteFn = Callable[[Session, Store, datetime, Actor, str, Any], list[Appended]]


@dataclass
class Service:
    """The service layer over one store, reading time from one clock."""

    store: Store
    clock: Clock = field(default_factory=SystemClock)
    delivery: webhooks.DeliveryPolicy = field(default_factory=webhooks.DeliveryPolicy)
    transport: httpx.BaseTransport | None = None
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    mail_settings: mail.MailSettings | None = field(default_factory=mail.from_environment)
    mail_send: mail.Send = mail.smtp_send

    def now(self) -> datetime:
        """The wall clock (tokens, sessions, webhooks); a guarantee's time is ``now_of``."""
        return self.clock.now()

    def now_of(self, guarantee_id: str) -> datetime:
        """The guarantee's time: an exercise's own clock, or the wall clock (``clocks``)."""
        with self.store.read() as s:
            g = s.get(Guarantee, guarantee_id)
            return self.now() if g is None else clocks.now_of(g, self.now())

    def _read(self, fn: Callable[[Session], T]) -> T:
        with self.store.read() as s:
            return fn(s)

    def _write(self, fn: Callable[[Session], T]) -> T:
        with self.store.write() as s:
            return fn(s)

    # --- who is calling -----------------------------------------------------------------------

    def authenticate(self, token: str) -> Actor:
        """The actor behind a bearer token; Unauthorized if it is unknown, revoked or expired."""
        return self._read(lambda s: auth.resolve_token(s, token, self.now()))

    def login(self, name: str, password: str, address: str) -> tuple[str, Actor]:
        """A session token for the web pages, for an account's name and password, asked from
        the client ``address``: the attempt counts as failed (``throttle``) until it succeeds."""
        now = self.now()
        self._write(lambda s: self.login_throttle.admit(s, name, address, now))

        def checked(s: Session) -> tuple[str, Actor]:
            result = auth.login(s, name, password, now)
            self.login_throttle.succeeded(s, name, address)
            return result

        return self._write(checked)

    def login_with_token(self, token: str) -> tuple[str, Actor]:
        """A session token for the web pages, for the holder of an API token: the API token
        never sits in a cookie, and logging out revokes the session alone."""
        actor = self.authenticate(token)
        now = self.now()
        session_token, _ = self._write(
            lambda s: auth.issue_token(
                s, actor.account_id, now, label="web session", ttl=auth.SESSION_TTL
            )
        )
        return session_token, actor

    def logout(self, actor: Actor) -> None:
        """Revoke the token the actor signed in with (a web session ends with its cookie)."""
        token_id = actor.token_id
        if token_id is not None:
            self._write(lambda s: auth.revoke_token(s, token_id, self.now()))

    def bootstrap_admin(self, name: str) -> Credentials:
        return self._write(lambda s: accounts.bootstrap_admin(s, self.now(), name))

    def create_account(self, actor: Actor, req: AccountIn) -> Credentials:
        return self._write(lambda s: accounts.create_account(s, self.now(), actor, req))

    def register_delegate(self, actor: Actor, guarantee_id: str, req: DelegateIn) -> Credentials:
        return self._write(
            lambda s: accounts.register_delegate(
                s, self.store, self.now(), actor, guarantee_id, req
            )
        )

    def accounts(self, actor: Actor, guarantee_id: str | None = None) -> list[AccountOut]:
        return self._read(lambda s: accounts.list_accounts(s, actor, guarantee_id))

    def new_token(self, actor: Actor, account_id: str) -> Credentials:
        return self._write(lambda s: accounts.new_token(s, self.now(), actor, account_id))

    def tokens(self, actor: Actor, account_id: str) -> list[TokenOut]:
        return self._read(lambda s: accounts.list_tokens(s, actor, account_id))

    def revoke_token(self, actor: Actor, token_id: str) -> TokenOut:
        auth.require(actor, auth.Role.ADMIN)
        return self._write(lambda s: views.token(auth.revoke_token(s, token_id, self.now())))

    # --- guarantees ---------------------------------------------------------------------------

    def create_guarantee(self, actor: Actor, req: GuaranteeIn) -> GuaranteeOut:
        return self._write(lambda s: guarantees.create(s, self.store, self.now(), actor, req))

    def guarantees(self, actor: Actor) -> list[GuaranteeOut]:
        return self._read(lambda s: guarantees.list_all(s, actor))

    def guarantee(self, actor: Actor, guarantee_id: str) -> GuaranteeOut:
        return self._read(lambda s: guarantees.get(s, actor, guarantee_id))

    def design(self, actor: Actor, guarantee_id: str) -> Design:
        return self._read(lambda s: guarantees.design(s, actor, guarantee_id))

    def board(self, actor: Actor, guarantee_id: str) -> BoardOut:
        """The board as the projections hold it (closing first if the deadline has passed)."""
        self.close_if_due(guarantee_id)
        now = self.now_of(guarantee_id)
        return self._read(lambda s: guarantees.board(s, now, actor, guarantee_id))

    def send_inject(self, actor: Actor, guarantee_id: str, req: InjectIn) -> InjectOut:
        """Keep what the control cell tells an exercise's players, at the exercise's time."""
        now = self.now_of(guarantee_id)
        return self._write(lambda s: injects.send(s, now, actor, guarantee_id, req))

    def injects(self, actor: Actor, guarantee_id: str) -> list[InjectOut]:
        return self._read(lambda s: injects.list_for(s, actor, guarantee_id))

    def set_running(self, actor: Actor, guarantee_id: str, running: bool) -> GuaranteeOut:
        """Pause (``running=False``) or resume an exercise's clock (admin)."""
        return self._write(
            lambda s: guarantees.set_running(s, self.now(), actor, guarantee_id, running)
        )

    # --- the deliberation ---------------------------------------------------------------------

    def _record(
        self,
        op: str,
        fn: WriteFn,
        actor: Actor,
        guarantee_id: str,
        req: BaseModel,
        idempotency_key: str | None,
    ) -> tuple[Recorded, bool]:
        """Run one write; with a key, replay the first answer. Returns (answer, replayed).

        The guarantee is locked before its clock is read (``clocks.now_of``: an exercise's own
        time), so ``now`` is the receipt time under the lock and events enter the record in the
        order of their times. A transaction that loses a race with another writer (``Conflict``
        from the store's compare-and-set, or a serialization failure, deadlock or busy
        database) is run again, up to ``WRITE_ATTEMPTS`` times: honest concurrent requests are
        serialised, not refused.
        """
        fp = idempotency.fingerprint(op, guarantee_id, req.model_dump(mode="json"))
        key = None if idempotency_key is None else idempotency.check_key(idempotency_key)
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                return self._record_once(fn, actor, guarantee_id, req, key, fp)
            except (Conflict, OperationalError):
                if attempt == WRITE_ATTEMPTS:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _record_once(
        self,
        fn: WriteFn,
        actor: Actor,
        guarantee_id: str,
        req: BaseModel,
        key: str | None,
        fp: str,
    ) -> tuple[Recorded, bool]:
        with self.store.write() as s:
            g = lock_guarantee(s, guarantee_id)
            auth.require_mode(actor, g.mode, g.id)
            if key is not None:
                stored = idempotency.replay(s, actor, key, fp)
                if stored is not None:
                    return Recorded.model_validate_json(stored), True
            now = clocks.now_of(g, self.now())
            appended = fn(s, self.store, now, actor, guarantee_id, req)
            answer = self._recorded(s, guarantee_id, appended, now)
            if key is not None:
                idempotency.remember(s, actor, key, fp, 201, answer.model_dump_json(), now)
        return answer, False

    @staticmethod
    def _recorded(
        s: Session, guarantee_id: str, appended: list[Appended], now: datetime
    ) -> Recorded:
        g = s.get(Guarantee, guarantee_id)
        assert g is not None
        return Recorded(
            guarantee=g.id,
            mode=g.mode,  # type: ignore[arg-type]
            banner=banner(g.mode),
            phase=g.phase,
            events=[views.appended(a, now) for a in appended],
        )

    def report_incident(
        self, actor: Actor, guarantee_id: str, req: IncidentIn, idempotency_key: str | None = None
    ) -> tuple[Recorded, bool]:
        return self._record(
            "incident", deliberation.report_incident, actor, guarantee_id, req, idempotency_key
        )

    def assess_attribution(
        self,
        actor: Actor,
        guarantee_id: str,
        req: AttributionIn,
        idempotency_key: str | None = None,
    ) -> tuple[Recorded, bool]:
        return self._late_closes(
            guarantee_id,
            lambda: self._record(
                "attribution",
                deliberation.assess_attribution,
                actor,
                guarantee_id,
                req,
                idempotency_key,
            ),
        )

    def invoke(
        self,
        actor: Actor,
        guarantee_id: str,
        req: InvocationIn,
        idempotency_key: str | None = None,
    ) -> tuple[Recorded, bool]:
        """The chair records the council's invocation, which opens the window (409 or 422 when
        the mechanism refuses it; nothing is stored)."""
        return self._record(
            "invocation", deliberation.invoke, actor, guarantee_id, req, idempotency_key
        )

    def record_decision(
        self, actor: Actor, guarantee_id: str, req: DecisionIn, idempotency_key: str | None = None
    ) -> tuple[Recorded, bool]:
        """Record a signed decision; a late one is refused (DeadlinePassed, 409), closes the
        overdue window and, when its delegate's signature holds, is kept as a refused attempt."""
        try:
            return self._late_closes(
                guarantee_id,
                lambda: self._record(
                    "decision",
                    deliberation.record_decision,
                    actor,
                    guarantee_id,
                    req,
                    idempotency_key,
                ),
            )
        except DeadlinePassed:
            with suppress(OperationalError):  # a busy database keeps no trace; the 409 stands
                now = self.now_of(guarantee_id)
                self._write(lambda s: refusals.keep_late(s, now, actor, guarantee_id, req))
            raise

    def refused(self, actor: Actor, guarantee_id: str) -> list[RefusedOut]:
        """The decisions refused after the deadline, as kept (none of them counts)."""
        return self._read(lambda s: refusals.list_for(s, actor, guarantee_id))

    def resolve_condition(
        self,
        actor: Actor,
        guarantee_id: str,
        req: ResolutionIn,
        idempotency_key: str | None = None,
    ) -> tuple[Recorded, bool]:
        return self._late_closes(
            guarantee_id,
            lambda: self._record(
                "resolution",
                deliberation.resolve_condition,
                actor,
                guarantee_id,
                req,
                idempotency_key,
            ),
        )

    def report_delivery(
        self, actor: Actor, guarantee_id: str, req: DeliveryIn, idempotency_key: str | None = None
    ) -> tuple[Recorded, bool]:
        return self._record(
            "delivery", deliberation.report_delivery, actor, guarantee_id, req, idempotency_key
        )

    def close(
        self, actor: Actor, guarantee_id: str, req: CloseIn, idempotency_key: str | None = None
    ) -> tuple[Recorded, bool]:
        return self._record("close", deliberation.close, actor, guarantee_id, req, idempotency_key)

    def _late_closes(
        self, guarantee_id: str, fn: Callable[[], tuple[Recorded, bool]]
    ) -> tuple[Recorded, bool]:
        try:
            return fn()
        except DeadlinePassed:
            self.close_if_due(guarantee_id)
            raise

    def close_if_due(self, guarantee_id: str, *, skip_locked: bool = False) -> int:
        """The idempotent close if the deadline has passed; how many events it appended."""
        with self.store.read() as s:
            g = s.get(Guarantee, guarantee_id)
            if g is None or not overdue(Phase(g.phase), g.deadline, clocks.now_of(g, self.now())):
                return 0
        with self.store.write() as s:
            done = deliberation.close_if_due(
                s, self.store, self.now_of(guarantee_id), guarantee_id, skip_locked=skip_locked
            )
        return len(done or [])

    # --- reading the record -------------------------------------------------------------------

    def timeline(self, actor: Actor, guarantee_id: str) -> Timeline:
        return self._read(lambda s: exports.timeline(s, actor, guarantee_id))

    def receipts(self, actor: Actor, guarantee_id: str) -> Receipts:
        self.close_if_due(guarantee_id)
        return self._read(lambda s: exports.receipts(s, actor, guarantee_id))

    def outcome(self, actor: Actor, guarantee_id: str) -> OutcomeOut:
        self.close_if_due(guarantee_id)
        return self._read(lambda s: exports.outcome(s, actor, guarantee_id))

    def notifications(self, actor: Actor, guarantee_id: str) -> list[NotificationOut]:
        return self._read(lambda s: reminders.list_for(s, actor, guarantee_id))

    def checkpoint(self, actor: Actor, guarantee_id: str, size: int | None = None) -> CheckpointOut:
        return self._read(
            lambda s: transparency.checkpoint(s, self.store, actor, guarantee_id, size)
        )

    def entry(self, actor: Actor, guarantee_id: str, index: int) -> EntryOut:
        return self._read(lambda s: transparency.entry(s, actor, guarantee_id, index))

    def inclusion(
        self, actor: Actor, guarantee_id: str, index: int, size: int | None = None
    ) -> InclusionOut:
        return self._read(lambda s: transparency.inclusion(s, actor, guarantee_id, index, size))

    def consistency(
        self, actor: Actor, guarantee_id: str, old_size: int, new_size: int | None = None
    ) -> ConsistencyOut:
        return self._read(
            lambda s: transparency.consistency(s, actor, guarantee_id, old_size, new_size)
        )

    def ledger_jsonl(self, actor: Actor, guarantee_id: str) -> bytes:
        return self._read(lambda s: transparency.jsonl(s, self.store, actor, guarantee_id))

    def ledger_records(self, actor: Actor, guarantee_id: str, start: int = 0) -> list[Record]:
        """The ledger's stored entries from ``start`` on, with their checkpoints."""
        return self._read(lambda s: transparency.records(s, actor, guarantee_id, start))

    # --- webhooks -----------------------------------------------------------------------------

    def create_webhook(self, actor: Actor, req: WebhookIn) -> WebhookOut:
        return self._write(lambda s: webhooks.create(s, self.now(), actor, req))

    def rotate_webhook(self, actor: Actor, webhook_id: str) -> WebhookOut:
        return self._write(lambda s: webhooks.rotate(s, self.now(), actor, webhook_id))

    def disable_webhook(self, actor: Actor, webhook_id: str) -> WebhookOut:
        return self._write(lambda s: webhooks.disable(s, self.now(), actor, webhook_id))

    def webhooks(self, actor: Actor) -> list[WebhookOut]:
        return self._read(lambda s: webhooks.list_hooks(s, actor))

    def deliveries(
        self, actor: Actor, webhook_id: str, status: str | None = None
    ) -> list[OutboxOut]:
        return self._read(lambda s: webhooks.deliveries(s, actor, webhook_id, status))

    # --- the timer's jobs ---------------------------------------------------------------------

    def overdue(self) -> list[str]:
        """Guarantees whose window is open past its deadline (``Deliberation.overdue``), each
        by its own clock: live ones by the wall clock in SQL, exercises one by one."""
        wall = self.now()
        pending = (in_phases(CLOSE_PENDING), Guarantee.deadline.is_not(None))
        with self.store.read() as s:
            live = select(Guarantee.id).where(
                *pending, Guarantee.clock_start.is_(None), Guarantee.deadline <= wall
            )
            found = list(s.scalars(live.order_by(Guarantee.deadline)))
            exercises = select(Guarantee).where(*pending, Guarantee.clock_start.is_not(None))
            for g in s.scalars(exercises.order_by(Guarantee.deadline)):
                assert g.deadline is not None
                if g.deadline <= clocks.now_of(g, wall):
                    found.append(g.id)
            return found

    def wall_seconds_to_next_deadline(self) -> float | None:
        """Wall seconds until the next open window's deadline, each read by its own clock
        (None: no window open, or only paused exercises); the timer sleeps no longer."""
        wall = self.now()
        with self.store.read() as s:
            rows = s.scalars(
                select(Guarantee).where(
                    Guarantee.phase == Phase.WINDOW_OPEN.value, Guarantee.deadline.is_not(None)
                )
            )
            waits = []
            for g in rows:
                assert g.deadline is not None
                time = clocks.exercise_time(g)
                if time is None:
                    waits.append((g.deadline - wall).total_seconds())
                else:
                    wait = time.wall_seconds_until(g.deadline, wall)
                    if wait is not None:
                        waits.append(wait)
        ahead = [w for w in waits if w > 0]
        return min(ahead) if ahead else None

    def close_overdue(self) -> list[str]:
        """Close every overdue window (at start, and on every tick); the ones this call closed."""
        closed = []
        for gid in self.overdue():
            try:
                if self.close_if_due(gid, skip_locked=True):
                    closed.append(gid)
            except Conflict:  # another process appended first: its close stands
                continue
        return closed

    def send_reminders(self) -> int:
        """Reminders and escalations due now, over all open windows; how many were sent. With
        mail configured, each goes by email too, queued in the same transaction."""
        with self.store.read() as s:
            ids = reminders.open_windows(s)
        sent = 0
        for gid in ids:
            now = self.now_of(gid)
            with self.store.write() as s:
                made = reminders.send_due(s, now, gid)
                if self.mail_settings is not None:
                    mail.queue_reminders(s, self.store, self.mail_settings, gid, made, now)
                sent += len(made)
        return sent

    def mail_outcomes(self) -> int:
        """With mail configured, the outcome of every recently declared guarantee to each of
        its delegates with an address, once; how many messages were queued."""
        settings = self.mail_settings
        if settings is None:
            return 0
        with self.store.read() as s:
            ids = mail.outcomes_to_mail(s, self.now())
        queued = 0
        for gid in ids:
            try:
                with self.store.write() as s:
                    n = mail.queue_outcome(s, self.store, settings, gid, self.now())
            except IntegrityError:  # another process queued them first
                continue
            queued += n
        return queued

    def deliver_webhooks(self) -> dict[str, int]:
        return webhooks.deliver_due(self.store, self.clock, self.delivery, self.transport)

    def deliver_mail(self) -> dict[str, int]:
        """Send the messages due (none when mail is off), with the webhooks' retry policy."""
        settings = self.mail_settings
        if settings is None:
            return {}
        return mail.deliver_due(self.store, self.clock, settings, self.delivery, self.mail_send)

    # --- email and its acknowledgement --------------------------------------------------------

    def mail_log(self, actor: Actor, guarantee_id: str) -> list[MailOut]:
        return self._read(lambda s: mail.list_for(s, actor, guarantee_id))

    def ack_preview(self, token: str) -> AckOut:
        """What an acknowledge link stands for (Forbidden for a link that is not good now)."""
        return self._read(lambda s: acks.view(s, acks.check(s, self.store, token, self.now())))

    def acknowledge(self, token: str) -> AckOut:
        """Record that a delegate read its email (idempotent: the first time is kept)."""
        return self._write(
            lambda s: acks.view(s, acks.acknowledge(s, self.store, token, self.now()))
        )
