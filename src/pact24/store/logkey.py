"""The service's log key: the Ed25519 key that signs every guarantee's checkpoints.

It comes from ``PACT24_LOG_KEY_FILE`` when set (a key file as ``pact24 ledger keygen`` writes
it), which is what a real deployment should do, so the key can live apart from the database.
Otherwise the first process to need it makes one and stores it in ``service_keys``, where every
other process on the same database finds the same key. ``migrate.prepare`` makes it, before any
write transaction could need it (a SQLite writer cannot open a second write transaction).
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from pact24.ledger import decode_private_key, encode_private_key, generate_keypair, load_private_key
from pact24.store.db import Store
from pact24.store.models import ServiceKey

KEY_FILE_ENV = "PACT24_LOG_KEY_FILE"
_NAME = "log"
_cache: dict[str, Ed25519PrivateKey] = {}
_lock = threading.Lock()


def log_key(store: Store) -> Ed25519PrivateKey:
    """The log key of ``store``'s service (made and stored on first use)."""
    path = os.environ.get(KEY_FILE_ENV)
    if path:
        return load_private_key(path)
    with _lock:
        key = _cache.get(store.url)
        if key is None:
            key = _load_or_make(store)
            _cache[store.url] = key
        return key


def _load_or_make(store: Store) -> Ed25519PrivateKey:
    with store.read() as s:
        text = s.scalar(select(ServiceKey.private_key).where(ServiceKey.name == _NAME))
    if text is not None:
        return decode_private_key(text)
    private_key, _ = generate_keypair()
    try:
        with store.write() as s:
            s.add(
                ServiceKey(
                    name=_NAME,
                    private_key=encode_private_key(private_key),
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:  # another process stored one first: use that
        with store.read() as s:
            text = s.scalar(select(ServiceKey.private_key).where(ServiceKey.name == _NAME))
        assert text is not None
        return decode_private_key(text)
    return private_key


def forget() -> None:
    """Drop cached keys (tests that recreate a database under the same URL)."""
    with _lock:
        _cache.clear()
