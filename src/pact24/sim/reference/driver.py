"""The simulator as the mechanism's driver: every event of a crisis goes through here.

A crisis counts time in hours since the attack; the driver turns hours into the UTC times the
mechanism reads, and asks the mechanism, never a rule of its own, whether an answer counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pact24.designs.schema import Design
from pact24.errors import MechanismError
from pact24.mechanism import Deliberation, Event, engine


class Driver:
    """One crisis's deliberation, as the mechanism holds it after each accepted event."""

    __slots__ = ("state", "t0")

    def __init__(self, design: Design, t0: datetime) -> None:
        self.state: Deliberation = engine.start(design)
        self.t0 = t0

    def at(self, hours: float) -> datetime:
        """The time ``hours`` after the attack."""
        return self.t0 + timedelta(hours=hours)

    def apply(self, event: Event) -> None:
        """Apply an event the rules must accept (a refusal is a bug in the simulator)."""
        self.state = engine.apply(self.state, event)

    def offer(self, event: Event, *expected: type[MechanismError]) -> bool:
        """Apply an answer that reaches the mechanism at its own time; ``False`` when the rules
        refuse it for one of the ``expected`` reasons (too late, a revision the design forbids).
        """
        self.state, refused = engine.attempt(self.state, event, event.at)
        if refused is None:
            return True
        if isinstance(refused, expected):
            return False
        raise refused

    def close(self, hours: float, reason: str) -> None:
        """The one close, ``hours`` after the attack."""
        for event in engine.close(self.state, self.at(hours), reason):
            self.apply(event)
