"""Time, injected: the service reads the time only through a ``Clock``.

The mechanism never reads a clock; the drivers hand it times. Injecting the clock into the
service too means tests move past a deadline by moving a ``ManualClock`` instead of sleeping,
and an exercise can run on a shifted clock without touching the service code.

``SystemClock`` honours ``PACT24_CLOCK_OFFSET_SECONDS`` (a float, default 0): a server started
with an offset behaves as if it were that much later, which lets a person rehearse what happens
after a deadline without waiting for it. Every time is timezone-aware UTC.

An exercise guarantee has a clock of its own (``ExerciseTime``): compressed and stoppable, read
off the wall clock. The service keeps its four numbers with the guarantee and reads every
exercise's time through them (``GuaranteeClock``).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
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


@dataclass(frozen=True, slots=True)
class ExerciseTime:
    """An exercise's own time: compressed ``speed`` times and stoppable.

    Exercise time equals wall time at ``start`` and then runs ``speed`` times faster, except
    while paused: ``paused_seconds`` is the wall time spent in earlier pauses, ``paused_at`` the
    wall time the current pause began (None while running). The maths is pure, so the service,
    the web page and the delegates' clients compute the same time from the same four numbers.
    """

    start: datetime
    speed: float
    paused_seconds: float = 0.0
    paused_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.speed > 0:
            raise ValueError("an exercise clock runs forward: speed must be positive")

    def running_seconds(self, wall: datetime) -> float:
        """Wall seconds the clock has run since ``start`` (pauses left out)."""
        until = wall if self.paused_at is None else min(wall, self.paused_at)
        return max(0.0, (until - self.start).total_seconds() - self.paused_seconds)

    def at(self, wall: datetime) -> datetime:
        """The exercise time at wall time ``wall``."""
        return self.start + timedelta(seconds=self.speed * self.running_seconds(wall))

    def wall_seconds_until(self, at: datetime, wall: datetime) -> float | None:
        """Wall seconds from ``wall`` until the exercise reaches ``at`` (None while paused)."""
        if self.paused_at is not None:
            return None
        return max(0.0, (at - self.at(wall)).total_seconds() / self.speed)

    def pause(self, wall: datetime) -> ExerciseTime:
        """Stopped at ``wall`` (already stopped: unchanged)."""
        if self.paused_at is not None:
            return self
        return replace(self, paused_at=wall)

    def resume(self, wall: datetime) -> ExerciseTime:
        """Running again from ``wall``; the pause's length is added to ``paused_seconds``."""
        if self.paused_at is None:
            return self
        gap = max(0.0, (wall - self.paused_at).total_seconds())
        return replace(self, paused_seconds=self.paused_seconds + gap, paused_at=None)


class GuaranteeClock:
    """A ``Clock`` reading an exercise's time off a wall clock."""

    def __init__(self, time: ExerciseTime, wall: Clock) -> None:
        self.time = time
        self.wall = wall

    def now(self) -> datetime:
        return self.time.at(self.wall.now())
