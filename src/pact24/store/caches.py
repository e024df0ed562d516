"""Per-process caches of what the record folds into, published only when a transaction commits.

Folding a guarantee's events (``Deliberation``) and rebuilding its ``Ledger`` (which re-checks
and re-signs every entry) cost time in proportion to the record. A process keeps the latest of
each per guarantee, tagged with how far into the record it goes; a reader that finds the record
longer (another process appended) folds only the rows after the tag.

A writer stages its new values in the session, and they reach the cache on commit only: a
rolled-back append leaves nothing behind. A ``Ledger`` is mutable, so a writer *takes* it out of
the cache while it appends; if the transaction fails the next writer rebuilds it from the store.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from pact24.designs.schema import Design
from pact24.ledger import Ledger
from pact24.mechanism import Deliberation

_lock = threading.Lock()
_states: dict[tuple[str, str], tuple[int, Deliberation]] = {}
_ledgers: dict[tuple[str, str], Ledger] = {}
_designs: dict[tuple[str, str], Design] = {}
_STAGED = "pact24_staged"


def _key(session: Session, guarantee_id: str) -> tuple[str, str]:
    """Caches are per database (two test databases may hold the same guarantee id)."""
    bind = session.get_bind()
    url = bind.engine.url if isinstance(bind, Connection) else bind.url
    return (str(url), guarantee_id)


def cached_state(session: Session, guarantee_id: str) -> tuple[int, Deliberation] | None:
    with _lock:
        return _states.get(_key(session, guarantee_id))


def take_ledger(session: Session, guarantee_id: str) -> Ledger | None:
    """The cached ledger, removed from the cache for the caller to append to."""
    with _lock:
        return _ledgers.pop(_key(session, guarantee_id), None)


def cached_design(session: Session, guarantee_id: str) -> Design | None:
    with _lock:
        return _designs.get(_key(session, guarantee_id))


def keep_design(session: Session, guarantee_id: str, design: Design) -> None:
    """Designs never change once stored, so they are cached at once."""
    with _lock:
        _designs[_key(session, guarantee_id)] = design


def stage(
    session: Session,
    guarantee_id: str,
    *,
    state: tuple[int, Deliberation] | None = None,
    ledger: Ledger | None = None,
) -> None:
    """Publish ``state`` (with its event count) and ``ledger`` when ``session`` commits."""
    staged: dict[tuple[str, str], dict[str, Any]] = session.info.setdefault(_STAGED, {})
    slot = staged.setdefault(_key(session, guarantee_id), {})
    if state is not None:
        slot["state"] = state
    if ledger is not None:
        slot["ledger"] = ledger


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    staged = session.info.pop(_STAGED, None)
    if not staged:
        return
    with _lock:
        for key, slot in staged.items():
            if "state" in slot:
                count, _ = slot["state"]
                old = _states.get(key)
                if old is None or old[0] <= count:
                    _states[key] = slot["state"]
            if "ledger" in slot:
                _ledgers[key] = slot["ledger"]


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    session.info.pop(_STAGED, None)


def clear() -> None:
    """Forget everything (tests that rebuild a database under the same URL call this)."""
    with _lock:
        _states.clear()
        _ledgers.clear()
        _designs.clear()
