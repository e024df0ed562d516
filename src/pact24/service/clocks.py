"""Whose time: the wall clock for a live guarantee, its own compressed clock for an exercise.

Every time the service judges a guarantee by (an event's receipt time, the deadline, the
reminders, the board's countdown) is read here, from the guarantee's row: an exercise keeps its
``clock.ExerciseTime`` in four columns, so every process computes the same exercise time from
the same wall clock, and a pause holds in all of them at once.
"""

from __future__ import annotations

from datetime import datetime

from pact24.clock import ExerciseTime
from pact24.errors import Conflict, InvalidInput
from pact24.store.models import Guarantee


def exercise_time(g: Guarantee) -> ExerciseTime | None:
    """The guarantee's own clock, or None for one that runs on the wall clock (live)."""
    if g.clock_start is None or g.clock_speed is None:
        return None
    return ExerciseTime(
        start=g.clock_start,
        speed=g.clock_speed,
        paused_seconds=g.clock_paused_seconds or 0.0,
        paused_at=g.clock_paused_at,
    )


def now_of(g: Guarantee, wall: datetime) -> datetime:
    """The guarantee's time at wall time ``wall``."""
    time = exercise_time(g)
    return wall if time is None else time.at(wall)


def speed_of(g: Guarantee) -> float:
    return g.clock_speed or 1.0


def start(g: Guarantee, wall: datetime, speed: float | None) -> None:
    """Give a new guarantee its clock: an exercise's starts now at ``speed`` (default 1);
    a live guarantee runs on the wall clock and takes no speed."""
    if g.mode != "exercise":
        if speed is not None:
            raise InvalidInput("only an exercise runs on a compressed clock; a live one has none")
        return
    _store(g, ExerciseTime(start=wall, speed=1.0 if speed is None else speed))


def set_running(g: Guarantee, wall: datetime, running: bool) -> None:
    """Pause or resume an exercise's clock at ``wall`` (a live guarantee's cannot stop: 409)."""
    time = exercise_time(g)
    if time is None:
        raise Conflict(f"guarantee {g.id} is live: its clock is the wall clock and never stops")
    _store(g, time.resume(wall) if running else time.pause(wall))


def _store(g: Guarantee, time: ExerciseTime) -> None:
    g.clock_start = time.start
    g.clock_speed = time.speed
    g.clock_paused_seconds = time.paused_seconds
    g.clock_paused_at = time.paused_at
