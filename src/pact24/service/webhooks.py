"""Webhooks: signed POSTs of every accepted event and every reminder, delivered from the outbox.

Signing (Stripe's scheme, so receivers can reuse their code): the header ::

    Pact24-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>

carries one ``v1`` per secret in force. After a rotation the previous secret keeps signing for
``ROTATION_GRACE``, so a receiver can switch secrets without dropping a delivery. Receivers
should reject a timestamp far from their clock (``verify`` does, with a tolerance).

Delivery never blocks a decision: the decision's transaction only writes the outbox row
(``store.outbox``). A worker posts it later, outside any transaction; a failure is retried with
exponential backoff, and after ``max_attempts`` the row stays as a dead letter with its error.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.clock import Clock
from pact24.errors import InvalidInput, NotFound
from pact24.service import views
from pact24.service.auth import Actor, Role, new_id, require
from pact24.service.schemas import OutboxOut, WebhookIn, WebhookOut
from pact24.store import outbox
from pact24.store.db import Store
from pact24.store.models import Guarantee, OutboxRow, Webhook

SIGNATURE_HEADER = "Pact24-Signature"
ROTATION_GRACE = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard to try: ``max_attempts`` posts, waiting ``base * 2**(n-1)`` (capped) between."""

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=2)
    cap: timedelta = timedelta(hours=1)
    timeout: float = 5.0
    lease: timedelta = timedelta(seconds=60)

    def retry_at(self, now: datetime, attempts_done: int) -> datetime | None:
        """When to try again after ``attempts_done`` failures; None once they are used up."""
        if attempts_done >= self.max_attempts:
            return None
        wait: timedelta = min(self.cap, self.base * (2 ** (attempts_done - 1)))
        return now + wait


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secrets_in_force: list[str], timestamp: int, body: bytes) -> str:
    return ",".join(
        [f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets_in_force)]
    )


def verify(header: str, body: bytes, secret: str, now: datetime, tolerance: int = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, timed within ``tolerance`` seconds."""
    fields = [part.split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [v for k, v in fields if k == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    t = int(stamps[0])
    if abs(now.timestamp() - t) > tolerance:
        return False
    want = sign(secret, t, body)
    return any(k == "v1" and hmac.compare_digest(v, want) for k, v in fields)


def _secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def create(session: Session, now: datetime, actor: Actor, req: WebhookIn) -> WebhookOut:
    require(actor, Role.ADMIN)
    if req.guarantee_id is not None and session.get(Guarantee, req.guarantee_id) is None:
        raise NotFound(f"no guarantee {req.guarantee_id!r}", guarantee=req.guarantee_id)
    secret = _secret()
    hook = Webhook(
        id=new_id(), guarantee_id=req.guarantee_id, url=req.url, secret=secret, created_at=now
    )
    session.add(hook)
    session.flush()
    return views.webhook(hook, secret)


def _hook(session: Session, webhook_id: str) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(f"no webhook {webhook_id!r}")
    return hook


def rotate(session: Session, now: datetime, actor: Actor, webhook_id: str) -> WebhookOut:
    """A new secret; the old one still signs for ``ROTATION_GRACE``."""
    require(actor, Role.ADMIN)
    hook = _hook(session, webhook_id)
    if hook.disabled_at is not None:
        raise InvalidInput(f"webhook {webhook_id} is disabled")
    secret = _secret()
    hook.previous_secret, hook.secret, hook.rotated_at = hook.secret, secret, now
    return views.webhook(hook, secret)


def disable(session: Session, now: datetime, actor: Actor, webhook_id: str) -> WebhookOut:
    require(actor, Role.ADMIN)
    hook = _hook(session, webhook_id)
    if hook.disabled_at is None:
        hook.disabled_at = now
    return views.webhook(hook)


def list_hooks(session: Session, actor: Actor) -> list[WebhookOut]:
    require(actor, Role.ADMIN)
    return [views.webhook(w) for w in session.scalars(select(Webhook).order_by(Webhook.created_at))]


def deliveries(
    session: Session, actor: Actor, webhook_id: str, status: str | None = None
) -> list[OutboxOut]:
    """The messages of one webhook; ``status='dead'`` lists its dead letters."""
    require(actor, Role.ADMIN)
    _hook(session, webhook_id)
    stmt = select(OutboxRow).where(OutboxRow.webhook_id == webhook_id).order_by(OutboxRow.id)
    if status is not None:
        stmt = stmt.where(OutboxRow.status == status)
    return [views.outbox(m) for m in session.scalars(stmt)]


def _post(client: httpx.Client, m: outbox.Claimed, now: datetime) -> str | None:
    """Post one message; None on a 2xx answer, else what went wrong."""
    body = m.payload.encode()
    in_force = [m.secret]
    if m.previous_secret and m.rotated_at is not None and now - m.rotated_at < ROTATION_GRACE:
        in_force.append(m.previous_secret)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(in_force, int(now.timestamp()), body),
        "Pact24-Topic": m.topic,
        "Pact24-Delivery": str(m.id),
    }
    try:
        response = client.post(m.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:1000]
    if 200 <= response.status_code < 300:
        return None
    return f"HTTP {response.status_code}: {response.text[:500]}"


def deliver_due(
    store: Store,
    clock: Clock,
    policy: DeliveryPolicy = DeliveryPolicy(),
    transport: httpx.BaseTransport | None = None,
    limit: int = 50,
) -> dict[str, int]:
    """Try every due message once; count how many were delivered, retried and given up."""
    counts = {"delivered": 0, "pending": 0, "dead": 0}
    with store.read() as s:
        ids = outbox.due(s, clock.now(), limit)
    if not ids:
        return counts
    with httpx.Client(transport=transport, timeout=policy.timeout) as client:
        for message_id in ids:
            now = clock.now()
            with store.write() as s:
                claimed = outbox.claim(s, message_id, now, policy.lease)
            if claimed is None:
                continue
            error = _post(client, claimed, now)
            done = clock.now()
            with store.write() as s:
                status = outbox.settle(
                    s,
                    message_id,
                    now=done,
                    ok=error is None,
                    error=error,
                    retry_at=None if error is None else policy.retry_at(done, claimed.attempts + 1),
                )
            counts[status] += 1
    return counts
