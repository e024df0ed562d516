"""What a live driver asks before it signs off on an arrival or a close: one behaviour per test."""

from __future__ import annotations

from tests.helpers import T0, hours, opened

from pact24.errors import DeadlinePassed, InvalidEvent, OutOfOrder
from pact24.mechanism import (
    ConditionResolved,
    DecisionRecorded,
    IncidentReported,
    Phase,
    engine,
)
from pact24.mechanism.state import overdue
from pact24.vocab import Choice, IncidentKind, Instrument, Severity

TROOPS = Instrument.TROOPS


def decision(h: float) -> DecisionRecorded:
    return DecisionRecorded(hours(h), "GBR", TROOPS, Choice.COMMIT, 1, "gbr-minister")


def test_a_decision_arriving_at_the_deadline_is_too_late_whatever_time_it_carries():
    s = opened()  # meloni-24h: the deadline is T0 + 24 h
    assert engine.too_late(s, decision(23), hours(23.9)) is None
    late = engine.too_late(s, decision(23), hours(24))
    assert isinstance(late, DeadlinePassed) and late.deadline == hours(24)
    resolution = ConditionResolved(hours(23), "GBR", TROOPS, True)
    assert isinstance(engine.too_late(s, resolution, hours(25)), DeadlinePassed)


def test_after_the_close_every_decision_is_too_late():
    s = opened()
    for e in engine.close(s, hours(24)):
        s = engine.apply(s, e)
    assert isinstance(engine.too_late(s, decision(30), hours(30)), DeadlinePassed)


def test_overdue_from_a_phase_and_a_deadline_alone():
    assert overdue(Phase.WINDOW_OPEN, hours(24), hours(24))
    assert not overdue(Phase.WINDOW_OPEN, hours(24), hours(23))
    assert not overdue(Phase.DECLARED, hours(24), hours(30))
    assert not overdue(Phase.WINDOW_OPEN, None, hours(30))


def test_the_deadline_close_is_due_only_once_the_deadline_has_passed():
    s = opened()
    assert engine.close_due(s, hours(23)) == []
    events = engine.close_due(s, hours(30))
    assert [e.at for e in events] == [hours(24)] * 3
    for e in events:
        s = engine.apply(s, e)
    assert engine.close_due(s, hours(31)) == []


def test_a_close_with_a_deadline_waits_for_it_and_names_it():
    s = opened()
    assert isinstance(engine.close_refusal(s, hours(23), "deadline"), OutOfOrder)
    assert isinstance(engine.close_refusal(s, hours(24), "chair"), OutOfOrder)
    assert engine.close_refusal(s, hours(24), "deadline") is None


def test_a_close_without_a_deadline_is_by_the_chair_or_once_all_decided():
    s = opened("article5-consensus")
    assert isinstance(engine.close_refusal(s, hours(1), "deadline"), InvalidEvent)
    assert isinstance(engine.close_refusal(s, hours(1), "all_decided"), OutOfOrder)
    assert engine.close_refusal(s, hours(1), "chair") is None


def test_no_close_before_the_window_opens():
    s = engine.start(opened().design)
    s = engine.apply(
        s, IncidentReported(T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, ("ab" * 32,), "UKR")
    )
    refused = engine.close_refusal(s, hours(1), "chair")
    assert isinstance(refused, OutOfOrder) and "no window is open" in refused.detail
