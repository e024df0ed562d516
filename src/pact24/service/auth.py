"""Accounts, tokens and who may do what.

Every caller is an ``Actor``: an account with one role and, for most roles, one scope — a
guarantee, and for a delegate also the one guarantor it acts for. Roles:

========  =================================================================================
admin     creates guarantees, registers accounts, delegates and keys, revokes tokens, webhooks
reporter  the beneficiary: reports incidents (with evidence hashes)
delegate  decides for exactly one guarantor, with its own signing key
observer  reads
witness   reads checkpoints and proofs (every role may)
========  =================================================================================

A token reads ``p24_<id>_<secret>``. The store keeps the id and an argon2 hash of the secret,
never the secret. A verified token is remembered in this process by its SHA-256 (so argon2 runs
once per token, not once per request); revocation and expiry are still read from the store on
every request. The web login uses the same accounts: ``login`` checks an account's password and
issues a token for the browser session. A name with no usable password is checked against a
dummy hash of the same cost, so a wrong guess takes as long for a name that does not exist.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from pact24.store.models import Account, Token

TOKEN_PREFIX = "p24"

#: A web session outlives a 24-hour window, so an observer need not sign in again mid-deliberation.
SESSION_TTL = timedelta(hours=26)


class Role(StrEnum):
    ADMIN = "admin"
    REPORTER = "reporter"
    DELEGATE = "delegate"
    OBSERVER = "observer"
    WITNESS = "witness"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling: the account behind the token, with its role and scope."""

    account_id: str
    name: str
    role: Role
    guarantee_id: str | None = None
    guarantor: str | None = None
    delegate: str | None = None
    token_id: str | None = None
    mode: str | None = None
    """The only mode of guarantee this actor may act on (None: any)."""

    def may_see(self, guarantee_id: str) -> bool:
        return self.guarantee_id is None or self.guarantee_id == guarantee_id


# argon2id with OWASP's smallest recommended cost (19 MiB, 2 passes): tokens are random, so
# the hash only has to make a stolen table useless, not to slow guessing of weak secrets.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
#: Passwords are hashed at argon2's default cost: people choose them, so guessing must be slow.
_passwords = PasswordHasher()
_verified: dict[str, str] = {}  # sha256(token) -> token id, for tokens this process verified
_verified_lock = threading.Lock()


def set_hasher(hasher: PasswordHasher) -> None:
    """Use another argon2 cost (tests use a cheap one; stored hashes name their own cost)."""
    global _hasher
    _hasher = hasher


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash no password matches, at ``hasher``'s cost: checked for names without one."""
    return hasher.hash(secrets.token_urlsafe(32))


def new_id(nbytes: int = 9) -> str:
    return secrets.token_urlsafe(nbytes).replace("-", "x").replace("_", "y")


def issue_token(
    session: Session,
    account_id: str,
    now: datetime,
    *,
    label: str = "",
    ttl: timedelta | None = None,
) -> tuple[str, Token]:
    """A new token for the account: the one-time secret text, and its stored row."""
    token_id = new_id()
    secret = secrets.token_urlsafe(32)
    row = Token(
        id=token_id,
        account_id=account_id,
        secret_hash=_hasher.hash(secret),
        label=label,
        created_at=now,
        expires_at=None if ttl is None else now + ttl,
    )
    session.add(row)
    session.flush()
    return f"{TOKEN_PREFIX}_{token_id}_{secret}", row


def _actor(account: Account, token_id: str | None) -> Actor:
    return Actor(
        account_id=account.id,
        name=account.name,
        role=Role(account.role),
        guarantee_id=account.guarantee_id,
        guarantor=account.guarantor,
        delegate=account.delegate,
        token_id=token_id,
        mode=account.mode,
    )


def resolve_token(session: Session, token: str, now: datetime) -> Actor:
    """The actor a bearer token stands for; Unauthorized for any token that is not good now."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        raise Unauthorized("not a pact24 token")
    token_id, secret = parts[1], parts[2]
    row = session.get(Token, token_id)
    if row is None:
        raise Unauthorized("unknown token")
    if row.revoked_at is not None:
        raise Unauthorized("this token was revoked")
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthorized("this token has expired")
    digest = hashlib.sha256(token.encode()).hexdigest()
    with _verified_lock:
        known = _verified.get(digest) == token_id
    if not known:
        try:
            _hasher.verify(row.secret_hash, secret)
        except (VerificationError, InvalidHashError):
            raise Unauthorized("unknown token") from None
        with _verified_lock:
            _verified[digest] = token_id
    account = session.get(Account, row.account_id)
    if account is None or account.disabled_at is not None:
        raise Unauthorized("this account is disabled")
    return _actor(account, token_id)


def revoke_token(session: Session, token_id: str, now: datetime) -> Token:
    row = session.get(Token, token_id)
    if row is None:
        raise NotFound(f"no token {token_id!r}")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def set_password(session: Session, account_id: str, password: str) -> None:
    if len(password) < 12:
        raise InvalidInput("a password has at least 12 characters")
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"no account {account_id!r}")
    account.password_hash = _passwords.hash(password)


def login(
    session: Session, name: str, password: str, now: datetime, ttl: timedelta = SESSION_TTL
) -> tuple[str, Actor]:
    """Check an account's password and issue a session token (for the web pages)."""
    account = session.scalar(select(Account).where(Account.name == name))
    stored = None
    if account is not None and account.disabled_at is None:
        stored = account.password_hash
    try:
        _passwords.verify(stored or _dummy_hash(_passwords), password)
    except (VerificationError, InvalidHashError):
        raise Unauthorized("wrong name or password") from None
    if account is None or stored is None:
        raise Unauthorized("wrong name or password")  # unreachable: no password matches a dummy
    token, row = issue_token(session, account.id, now, label="web session", ttl=ttl)
    return token, _actor(account, row.id)


# --- who may do what ---------------------------------------------------------------------------


def require(actor: Actor, *roles: Role, guarantee_id: str | None = None) -> None:
    """Forbidden unless the actor has one of ``roles`` and its scope covers ``guarantee_id``."""
    if actor.role not in roles:
        want = ", ".join(r.value for r in roles)
        raise Forbidden(
            f"this needs the role {want}; the token is for {actor.role.value}",
            role=actor.role.value,
        )
    if guarantee_id is not None and not actor.may_see(guarantee_id):
        raise Forbidden(f"this token is not for guarantee {guarantee_id!r}")


def require_mode(actor: Actor, mode: str, guarantee_id: str = "") -> None:
    """Forbidden when an actor bound to one mode acts on a guarantee of the other: an exercise
    token never acts on a live guarantee, nor a live one on an exercise."""
    if actor.mode is not None and actor.mode != mode:
        what = f"guarantee {guarantee_id!r}" if guarantee_id else "a guarantee"
        raise Forbidden(
            f"this token is for {actor.mode} guarantees; {what} is {mode}",
            mode=actor.mode,
        )


def require_reader(actor: Actor, guarantee_id: str) -> None:
    """Any role may read a guarantee its token is scoped to (or every one, when unscoped)."""
    if not actor.may_see(guarantee_id):
        raise Forbidden(f"this token is not for guarantee {guarantee_id!r}")


def require_guarantor(actor: Actor, guarantee_id: str, guarantor: str) -> None:
    """A delegate may act only for its own guarantor of its own guarantee; admins for any."""
    if actor.role is Role.ADMIN:
        return
    require(actor, Role.DELEGATE, guarantee_id=guarantee_id)
    if actor.guarantor != guarantor:
        raise Forbidden(
            f"this delegate acts for {actor.guarantor}, not for {guarantor}",
            guarantor=actor.guarantor,
        )
