"""Shared builders for tests: a fixed start time and event factories."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pact24.designs import Design, resolve_design
from pact24.mechanism import AttributionAssessed, Deliberation, IncidentReported, engine
from pact24.vocab import IncidentKind, Severity

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
EVIDENCE = ("ab" * 32,)


def hours(h: float) -> datetime:
    return T0 + timedelta(hours=h)


def opened(
    design: Design | str = "meloni-24h",
    kind: IncidentKind = IncidentKind.OVERT_INVASION,
    engaged: tuple[str, ...] = (),
) -> Deliberation:
    """A deliberation whose window opened at T0 (after an attack that touched the ``engaged``
    guarantors' forces); a design that opens on invocation is invoked at T0 on a certain
    attribution."""
    d = resolve_design(design) if isinstance(design, str) else design
    s = engine.start(d)
    incident = IncidentReported(T0, "inc-1", kind, Severity.HIGH, EVIDENCE, "UKR", engaged=engaged)
    s = engine.apply(s, incident)
    if d.activation.rule != "on_report":
        s = engine.apply(s, AttributionAssessed(T0, 1.0, "test"))
    return engine.apply(s, engine.open_window(s, T0))
