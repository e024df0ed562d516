"""The simulator's driver asks the mechanism whether an answer counts."""

from __future__ import annotations

import pytest
from tests.helpers import EVIDENCE, T0
from tests.sim.simhelp import design

from pact24.errors import DeadlinePassed, InvalidEvent, RevisionRefused
from pact24.mechanism import DecisionRecorded, IncidentReported, engine
from pact24.sim.reference.driver import Driver
from pact24.vocab import Choice, IncidentKind, Instrument, Severity


def opened() -> Driver:
    driver = Driver(design("meloni-24h"), T0)
    driver.apply(
        IncidentReported(T0, "i", IncidentKind.OVERT_INVASION, Severity.HIGH, EVIDENCE, "UKR")
    )
    driver.apply(engine.open_window(driver.state, driver.at(0.0)))
    return driver


def commit(driver: Driver, hours: float, revision: int = 1) -> DecisionRecorded:
    return DecisionRecorded(
        driver.at(hours), "GBR", Instrument.TROOPS, Choice.COMMIT, revision, "gbr-minister"
    )


def test_hours_count_from_the_attack() -> None:
    assert (opened().at(1.5) - T0).total_seconds() == 5400.0


def test_an_answer_the_rules_accept_is_applied() -> None:
    driver = opened()
    assert driver.offer(commit(driver, 1.0), DeadlinePassed)
    assert driver.state.current("GBR", Instrument.TROOPS) is not None


def test_an_expected_refusal_leaves_the_state_as_it_was() -> None:
    driver = opened()
    before = driver.state
    assert not driver.offer(commit(driver, 24.0), DeadlinePassed)
    assert driver.state is before


def test_an_unexpected_refusal_is_a_bug_and_raises() -> None:
    driver = opened()
    with pytest.raises(RevisionRefused):
        driver.offer(commit(driver, 1.0, revision=2), DeadlinePassed)
    with pytest.raises(InvalidEvent):
        driver.offer(
            DecisionRecorded(driver.at(1.0), "ZZZ", Instrument.TROOPS, Choice.COMMIT, 1, "x"),
            DeadlinePassed,
        )
