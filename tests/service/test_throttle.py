"""Failed password sign-ins are throttled per account name; a success clears the count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pact24.errors import TooManyRequests
from pact24.service.api.problems import status_of
from pact24.service.throttle import LoginThrottle

T0 = datetime(2027, 3, 1, tzinfo=UTC)


def test_the_sixth_attempt_within_the_window_is_refused_until_the_oldest_failure_expires():
    t = LoginThrottle(limit=5, window=timedelta(minutes=15))
    for i in range(5):
        t.check("gbr-minister", T0 + timedelta(minutes=i))
        t.failed("gbr-minister", T0 + timedelta(minutes=i))
    with pytest.raises(TooManyRequests) as exc:
        t.check("GBR-Minister", T0 + timedelta(minutes=5))  # names compare case-blind
    assert status_of(exc.value) == 429 and exc.value.extra["retry_after"] == 10 * 60 + 1
    t.check("fra-minister", T0 + timedelta(minutes=5))  # other names are untouched
    t.check("gbr-minister", T0 + timedelta(minutes=15, seconds=1))  # the first failure expired


def test_a_success_clears_the_count():
    t = LoginThrottle(limit=2)
    t.failed("obs", T0)
    t.succeeded("obs")
    t.failed("obs", T0)
    t.check("obs", T0)


def test_memory_stays_bounded():
    t = LoginThrottle(limit=1, max_names=3)
    for i in range(10):
        t.failed(f"name-{i}", T0)
    t.check("name-0", T0)  # evicted, so no longer counted
    with pytest.raises(TooManyRequests):
        t.check("name-9", T0)
