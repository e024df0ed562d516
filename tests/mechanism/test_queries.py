"""What a driver asks the mechanism before the close: one behaviour per test."""

from __future__ import annotations

from tests.helpers import EVIDENCE, T0, hours, opened

from pact24.designs import resolve_design
from pact24.mechanism import (
    AttributionAssessed,
    Condition,
    DecisionRecorded,
    IncidentReported,
    engine,
)
from pact24.mechanism.queries import (
    activation_threshold,
    next_revision,
    standing_commitments,
    stands,
)
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, Severity, SilenceRule

TROOPS = Instrument.TROOPS


def decide(g: str, choice: Choice, h: float, rev: int = 1, cond: Condition | None = None):
    return DecisionRecorded(hours(h), g, TROOPS, choice, rev, f"{g.lower()}-minister", cond)


def on_attribution(threshold: float):
    d = resolve_design("meloni-24h")
    return d.model_copy(
        update={
            "activation": d.activation.model_copy(
                update={"rule": "on_attribution", "threshold": threshold}
            )
        }
    )


def test_activation_threshold_is_zero_on_report_and_the_design_s_otherwise():
    assert activation_threshold(resolve_design("meloni-24h")) == 0.0
    assert activation_threshold(on_attribution(0.7)) == 0.7


def test_activation_is_due_exactly_at_the_threshold():
    d = on_attribution(0.7)
    s = engine.start(d)
    s = engine.apply(
        s, IncidentReported(T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, EVIDENCE, "UKR")
    )
    s = engine.apply(s, AttributionAssessed(hours(1), 0.69, "cell"))
    assert not engine.activation_due(s)
    s = engine.apply(s, AttributionAssessed(hours(2), activation_threshold(d), "cell"))
    assert engine.activation_due(s)


def test_next_revision_follows_the_recorded_versions():
    s = opened()
    assert next_revision(s, "GBR", TROOPS) == 1
    s = engine.apply(s, decide("GBR", Choice.COMMIT, 1))
    s = engine.apply(s, decide("GBR", Choice.DECLINE, 2, rev=2))
    assert next_revision(s, "GBR", TROOPS) == 3
    assert next_revision(s, "FRA", TROOPS) == 1


def test_standing_commitments_are_explicit_unconditional_commits():
    s = opened()
    assert standing_commitments(s, TROOPS) == frozenset()
    s = engine.apply(s, decide("GBR", Choice.COMMIT, 1))
    cond = Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=1)
    s = engine.apply(s, decide("SWE", Choice.CONDITIONAL, 1, cond=cond))
    s = engine.apply(s, decide("FRA", Choice.COMMIT, 1))
    s = engine.apply(s, decide("FRA", Choice.DECLINE, 2, rev=2))
    assert standing_commitments(s, TROOPS) == {"GBR"}


def test_standing_commitments_include_silent_engaged_guarantors_until_they_answer():
    s = opened("tripwire-presence", engaged=("GBR", "FRA", "CAN"))
    engaged = standing_commitments(s, TROOPS)
    assert engaged == {"GBR", "FRA", "CAN"}  # NLD is stationed too, but was not attacked
    s = engine.apply(s, decide("GBR", Choice.DECLINE, 1))
    assert standing_commitments(s, TROOPS) == engaged - {"GBR"}
    assert standing_commitments(s, Instrument.SANCTIONS) == frozenset()


def test_standing_commitments_leave_silence_rules_to_the_close():
    d = resolve_design("meloni-24h")
    silence = dict(d.silence)
    silence[TROOPS] = SilenceRule.COMMIT
    s = opened(d.model_copy(update={"silence": silence}))
    assert standing_commitments(s, TROOPS) == frozenset()


def test_stands_follows_the_guarantor_s_latest_answer():
    s = opened("tripwire-presence", engaged=("GBR",))
    assert stands(s, "GBR", TROOPS) and not stands(s, "DEU", TROOPS)
    s = engine.apply(s, decide("GBR", Choice.DECLINE, 1))
    s = engine.apply(s, decide("DEU", Choice.COMMIT, 1))
    assert not stands(s, "GBR", TROOPS) and stands(s, "DEU", TROOPS)
    assert not stands(s, "FRA", Instrument.SANCTIONS)
