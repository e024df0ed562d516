"""Failed sign-ins slow guessing down without locking the real owner out.

Attempts are counted per account name *and* client address, in the database, so every worker
process sees the same count. The first ``free`` failures cost nothing; after that each attempt
must wait ``first_delay``, doubling with every further failure up to ``max_delay``: with the
defaults, after 5 wrong passwords the next attempt waits 4 s, and guessing settles at one try
per 15 minutes per name and address. An attempt that comes too early is refused (429, with
``retry_after``) and not counted; one that comes after the delay is checked as usual, so the
right password always works once the wait is over. A success clears the count, and a count
whose last failure is older than ``forget_after`` is dropped.

Each attempt is counted as a failure *before* its password is checked, in a transaction of its
own, and cleared if it succeeds: parallel attempts cannot all slip through one free slot.
Tokens are long and random, so only password sign-in needs this.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from pact24.errors import TooManyRequests
from pact24.store.models import LoginFailures

_MAX_DOUBLINGS = 30  # 2**30 s is decades: far past any max_delay, and no timedelta overflow


def _key(name: str, address: str) -> tuple[str, str]:
    return hashlib.sha256(name.casefold().encode()).hexdigest(), address[:64]


@dataclass(frozen=True)
class LoginThrottle:
    free: int = 3
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=24)

    def delay(self, failures: int) -> timedelta:
        """How long the next attempt waits after ``failures`` failures in a row."""
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, _MAX_DOUBLINGS)
        grown: timedelta = self.first_delay * (1 << doublings)
        return min(self.max_delay, grown)

    def admit(self, session: Session, name: str, address: str, now: datetime) -> None:
        """Count this attempt as a failure until ``succeeded`` says otherwise; raise
        ``TooManyRequests`` (with ``retry_after`` seconds) if it comes before its delay."""
        session.execute(
            delete(LoginFailures).where(LoginFailures.last_at < now - self.forget_after)
        )
        row = _locked_row(session, *_key(name, address), now)
        wait = row.last_at + self.delay(row.failures) - now
        if wait > timedelta(0):
            seconds = max(1, math.ceil(wait.total_seconds()))
            raise TooManyRequests(
                f"too many failed sign-ins for this account from this address; "
                f"try again in {seconds} s",
                retry_after=seconds,
            )
        row.failures += 1
        row.last_at = now

    def succeeded(self, session: Session, name: str, address: str) -> None:
        name_hash, addr = _key(name, address)
        session.execute(
            delete(LoginFailures).where(
                LoginFailures.name_hash == name_hash, LoginFailures.address == addr
            )
        )


def _locked_row(session: Session, name_hash: str, address: str, now: datetime) -> LoginFailures:
    """The row for this name and address, made if missing, locked until the transaction ends:
    an upsert whose update changes nothing takes the row's lock on PostgreSQL, even when another
    transaction is making or deleting the same row (SQLite's write transaction holds it all)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(LoginFailures)
        .values(name_hash=name_hash, address=address, failures=0, last_at=now)
        .on_conflict_do_update(
            index_elements=["name_hash", "address"], set_={"failures": LoginFailures.failures}
        )
    )
    return session.get_one(LoginFailures, (name_hash, address), populate_existing=True)
