"""Failed sign-ins are slowed per account name and client address, in the database: growing
delays instead of a lockout, the same count in every process, and as much work for a name that
does not exist as for a wrong password."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher, extract_parameters
from tests.service.support import T0
from tests.service.web_support import cheap_passwords

from pact24.clock import ManualClock
from pact24.errors import TooManyRequests, Unauthorized
from pact24.service import auth
from pact24.service.core import Service
from pact24.service.schemas import AccountIn
from pact24.service.throttle import LoginThrottle
from pact24.store.db import Store

NAME = "obs-1"
PASSWORD = "correct horse battery"
WRONG = "wrong password, again"
HOME = "198.51.100.7"


@pytest.fixture
def service(store: Store, monkeypatch: pytest.MonkeyPatch) -> Service:
    cheap_passwords(monkeypatch)
    service = Service(store, ManualClock(T0))
    admin = service.authenticate(service.bootstrap_admin("root").token)
    service.create_account(admin, AccountIn(name=NAME, role="observer", password=PASSWORD))
    return service


@pytest.fixture
def clock(service: Service) -> ManualClock:
    assert isinstance(service.clock, ManualClock)
    return service.clock


def refused_for(service: Service, password: str, address: str = HOME, name: str = NAME) -> int:
    """The ``retry_after`` of an attempt that must come later."""
    with pytest.raises(TooManyRequests) as exc:
        service.login(name, password, address)
    return int(exc.value.extra["retry_after"])


def fail(service: Service, clock: ManualClock, times: int, address: str = HOME) -> None:
    """``times`` wrong passwords, each sent as soon as the throttle lets it in."""
    for _ in range(times):
        try:
            service.login(NAME, WRONG, address)
        except Unauthorized:
            continue
        except TooManyRequests as exc:
            clock.advance(timedelta(seconds=exc.extra["retry_after"]))
        with pytest.raises(Unauthorized):
            service.login(NAME, WRONG, address)


def test_the_delay_grows_from_nothing_by_doubling_up_to_its_cap() -> None:
    t = LoginThrottle()
    assert [t.delay(n).total_seconds() for n in range(8)] == [0, 0, 0, 1, 2, 4, 8, 16]
    assert t.delay(13) == t.delay(10_000) == timedelta(minutes=15)


def test_the_right_password_works_after_five_wrong_ones_once_the_stated_delay_is_over(
    service: Service, clock: ManualClock
) -> None:
    fail(service, clock, 5)
    assert refused_for(service, PASSWORD) == 4, "after 5 failures the next attempt waits 4 s"
    clock.advance(timedelta(seconds=3))
    assert refused_for(service, PASSWORD) == 1
    clock.advance(timedelta(seconds=1))
    token, actor = service.login(NAME, PASSWORD, HOME)
    assert actor.name == NAME and service.authenticate(token).name == NAME
    for _ in range(3):  # the success cleared the count: the free attempts are back
        with pytest.raises(Unauthorized):
            service.login(NAME, WRONG, HOME)


def test_each_further_failure_doubles_the_wait_and_early_attempts_do_not_count(
    service: Service, clock: ManualClock
) -> None:
    fail(service, clock, 3)
    waits = []
    for _ in range(6):
        waits.append(refused_for(service, WRONG))
        assert refused_for(service, PASSWORD) == waits[-1], "a refused attempt adds nothing"
        fail(service, clock, 1)
    assert waits == [1, 2, 4, 8, 16, 32]


def test_the_count_is_per_name_and_address(service: Service, clock: ManualClock) -> None:
    fail(service, clock, 6)
    assert refused_for(service, PASSWORD, name="OBS-1") == 8, "names compare case-blind"
    token, _ = service.login(NAME, PASSWORD, "203.0.113.9")  # the owner, elsewhere
    assert token.startswith("p24_")
    with pytest.raises(Unauthorized):
        service.login("nobody", WRONG, HOME)  # another name from the same address
    assert refused_for(service, PASSWORD) == 8, "the guesser's count is untouched"


def test_two_services_on_one_database_share_the_count(
    service: Service, clock: ManualClock, db_url: str
) -> None:
    other_store = Store(db_url)
    try:
        other = Service(other_store, clock)
        fail(service, clock, 3)
        assert refused_for(other, PASSWORD) == 1, "another process sees the same failures"
        clock.advance(timedelta(seconds=1))
        with pytest.raises(Unauthorized):
            other.login(NAME, WRONG, HOME)
        assert refused_for(service, PASSWORD) == 2
        clock.advance(timedelta(seconds=2))
        other.login(NAME, PASSWORD, HOME)
        with pytest.raises(Unauthorized):
            service.login(NAME, WRONG, HOME)  # the success in one cleared the count in both
    finally:
        other_store.dispose()


def test_an_attempt_counts_as_failed_until_its_password_is_right(
    service: Service, store: Store
) -> None:
    """Three attempts still being checked fill the free slots, so a fourth sent alongside them
    waits: parallel guesses cannot all slip through."""
    throttle = service.login_throttle
    for _ in range(3):
        with store.write() as s:
            throttle.admit(s, NAME, HOME, T0)
    with pytest.raises(TooManyRequests), store.write() as s:
        throttle.admit(s, NAME, HOME, T0)


def test_old_failures_are_forgotten(service: Service, clock: ManualClock) -> None:
    fail(service, clock, 10)
    clock.advance(service.login_throttle.forget_after + timedelta(seconds=1))
    for _ in range(3):
        with pytest.raises(Unauthorized):
            service.login(NAME, WRONG, HOME)


class CountingHasher(PasswordHasher):
    """Argon2 at its lowest cost that remembers the hashes it was asked to check."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checked.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


@pytest.fixture
def counting(service: Service, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingHasher]:
    hasher = CountingHasher()
    monkeypatch.setattr(auth, "_passwords", hasher)
    yield hasher


@pytest.mark.parametrize("name", ["no-such-account", NAME])
def test_an_unknown_name_costs_one_password_check_like_a_known_one(
    service: Service, counting: CountingHasher, name: str
) -> None:
    with pytest.raises(Unauthorized) as exc:
        service.login(name, WRONG, HOME)
    assert exc.value.detail == "wrong name or password", "the answer does not tell them apart"
    assert len(counting.checked) == 1, "exactly one argon2 check, whether the name exists or not"
    params: Any = extract_parameters(counting.checked[0])
    assert (params.time_cost, params.memory_cost, params.parallelism) == (
        counting.time_cost,
        counting.memory_cost,
        counting.parallelism,
    ), "the dummy hash costs what a real one does"
