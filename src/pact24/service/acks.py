"""The acknowledge link of an email: a signed, single-purpose token in the URL.

The token reads ``<mail id>.<account id>.<expiry, unix s>.<hex HMAC-SHA256>`` and its MAC is
taken over ``ack:<mail id>:<account id>:<expiry>`` with a key derived from the service's log
key (shared by every process of one service, never sent anywhere). It can do one thing only:
mark that one message, to that one account, as read, until it expires. It is no login and
grants nothing else, so a forwarded email cannot be used to decide or to read.

Acknowledging is idempotent: the first time is kept, a second click changes nothing. A forged,
altered or expired token, or one whose message went to another account, is refused and
changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from sqlalchemy.orm import Session

from pact24.errors import Forbidden
from pact24.service.schemas import AckOut
from pact24.store import logkey
from pact24.store.db import Store
from pact24.store.models import Account, Guarantee, MailRow

#: How long a link works: longer than any window, so a delegate can acknowledge late.
ACK_TTL = timedelta(hours=72)
_LABEL = b"pact24 acknowledge link v1"


def _key(store: Store) -> bytes:
    raw = logkey.log_key(store).private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return hmac.new(raw, _LABEL, hashlib.sha256).digest()


def _mac(store: Store, mail_id: int, account_id: str, expires: int) -> str:
    message = f"ack:{mail_id}:{account_id}:{expires}".encode()
    return hmac.new(_key(store), message, hashlib.sha256).hexdigest()


def token(store: Store, mail_id: int, account_id: str, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{mail_id}.{account_id}.{expires}.{_mac(store, mail_id, account_id, expires)}"


def link(store: Store, base_url: str, mail_id: int, account_id: str, expires_at: datetime) -> str:
    return f"{base_url}/web/ack/{token(store, mail_id, account_id, expires_at)}"


def _refused() -> Forbidden:
    return Forbidden("This acknowledge link is not valid. Nothing was recorded.")


def check(session: Session, store: Store, text: str, now: datetime) -> MailRow:
    """The message a token acknowledges; Forbidden (and nothing changed) for a forged,
    altered or expired token, or one naming another account than the message's."""
    parts = text.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        raise _refused()
    mail_id, account_id, expires, mac = int(parts[0]), parts[1], int(parts[2]), parts[3]
    if not hmac.compare_digest(mac, _mac(store, mail_id, account_id, expires)):
        raise _refused()
    if now >= datetime.fromtimestamp(expires, UTC):
        raise Forbidden("This acknowledge link has expired. Nothing was recorded.")
    row = session.get(MailRow, mail_id)
    if row is None or row.account_id != account_id:
        raise _refused()
    account = session.get(Account, account_id)
    if account is None or account.disabled_at is not None:
        raise _refused()
    return row


def acknowledge(session: Session, store: Store, text: str, now: datetime) -> MailRow:
    """Mark the token's message as read (the first time only)."""
    row = check(session, store, text, now)
    if row.acknowledged_at is None:
        row.acknowledged_at = now
    return row


def view(session: Session, row: MailRow) -> AckOut:
    """What the acknowledge page shows of a message."""
    g = session.get(Guarantee, row.guarantee_id)
    account = session.get(Account, row.account_id)
    assert g is not None and account is not None
    return AckOut(
        mail_id=row.id,
        guarantee_id=g.id,
        guarantee_title=g.title,
        mode=g.mode,  # type: ignore[arg-type]
        guarantor=account.guarantor or "",
        delegate=account.delegate or "",
        topic=row.topic,
        subject=row.subject,
        acknowledged_at=row.acknowledged_at,
    )
