"""Fixtures for service tests (builders in ``support``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from tests.service.support import World, make_world

from pact24.service import auth
from pact24.store.db import Store


@pytest.fixture(autouse=True, scope="session")
def _cheap_argon2() -> None:
    """Argon2 at its lowest cost: the tests check who may do what, not the hash's strength."""
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.dispose()


@pytest.fixture
def world(store: Store) -> Iterator[World]:
    yield from make_world(store)


@pytest.fixture
def opened(world: World) -> World:
    """GBR's and FRA's primary delegates registered, and the window open at T0."""
    world.add_delegate("GBR", "gbr-minister")
    world.add_delegate("FRA", "fra-minister")
    world.open_window()
    return world
