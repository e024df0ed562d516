"""Time, injected: the service reads the time only through a ``Clock``.

The mechanism never reads a clock; the drivers hand it times. Injecting the clock into the
service too means tests move past a deadline by moving a ``ManualClock`` instead of sleeping,
and an exercise can run on a shifted clock without touching the service code.

``SystemClock`` honours ``PACT24_CLOCK_OFFSET_SECONDS`` (a float, default 0): a server started
with an offset behaves as if it were that much later, which lets a person rehearse what happens
after a deadline without waiting for it. Every time is timezone-aware UTC.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol

OFFSET_ENV = "PACT24_CLOCK_OFFSET_SECONDS"


class Clock(Protocol):
    """Something that says what time it is, in UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, shifted by ``offset`` (default: ``PACT24_CLOCK_OFFSET_SECONDS``)."""

    def __init__(self, offset: timedelta | None = None) -> None:
        if offset is None:
            offset = timedelta(seconds=float(os.environ.get(OFFSET_ENV, "0") or 0))
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class ManualClock:
    """A clock that moves only when told to: for tests and scripted exercises."""

    def __init__(self, start: datetime) -> None:
        if start.utcoffset() != timedelta(0):
            raise ValueError("a clock keeps UTC time")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, at: datetime) -> None:
        with self._lock:
            self._now = at.astimezone(UTC)

    def advance(self, delta: timedelta | float) -> datetime:
        """Move forward by ``delta`` (a timedelta or seconds); return the new time."""
        step = delta if isinstance(delta, timedelta) else timedelta(seconds=delta)
        with self._lock:
            self._now += step
            return self._now
