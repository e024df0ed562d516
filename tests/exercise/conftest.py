"""Fixtures for exercise tests: cheap argon2 and a fresh store (``db_url``, as the service's)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from pact24.service import auth
from pact24.store.db import Store


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> None:
    """Argon2 at its lowest cost: these tests check who may act where, not the hash."""
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.dispose()
