"""The mechanism's rules, one behaviour per test."""

from __future__ import annotations

import pytest
from tests.helpers import EVIDENCE, T0, hours, opened

from pact24.designs import resolve_design
from pact24.errors import DeadlinePassed, InvalidEvent, OutOfOrder, RevisionRefused
from pact24.mechanism import (
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    IncidentReported,
    Phase,
    ReceiptsFrozen,
    WindowClosed,
    codec,
    engine,
)
from pact24.mechanism.queries import awaits_invocation
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, ReceiptStatus, Severity

TROOPS = Instrument.TROOPS


def decide(
    g: str,
    choice: Choice,
    h: float,
    rev: int = 1,
    cond: Condition | None = None,
    inst: Instrument = TROOPS,
) -> DecisionRecorded:
    return DecisionRecorded(hours(h), g, inst, choice, rev, f"{g.lower()}-minister", cond)


def closed(state):
    for e in engine.close(
        state, state.deadline or hours(48), "deadline" if state.deadline else "chair"
    ):
        state = engine.apply(state, e)
    return state


def test_three_commits_honour_meloni():
    s = opened()
    for i, g in enumerate(("GBR", "FRA", "NLD")):
        s = engine.apply(s, decide(g, Choice.COMMIT, 1 + i))
    s = closed(s)
    assert s.phase is Phase.DECLARED
    assert s.outcome.honoured
    assert set(s.outcome.tally(TROOPS).committed) == {"GBR", "FRA", "NLD"}


def test_late_decision_is_refused_naming_the_deadline():
    s = opened()
    with pytest.raises(DeadlinePassed) as exc:
        engine.apply(s, decide("GBR", Choice.COMMIT, 24))
    assert exc.value.deadline == hours(24)
    assert "2027-03-02T04:00:00" in exc.value.detail


def test_decision_after_close_is_refused_as_late():
    s = closed(opened())
    with pytest.raises(DeadlinePassed):
        engine.apply(s, decide("GBR", Choice.COMMIT, 30))


def test_silence_rule_applies_per_instrument():
    s = closed(opened())
    troops = s.receipt("ITA", TROOPS)
    aid = s.receipt("ITA", Instrument.ECONOMIC_AID)
    assert troops.status is ReceiptStatus.DECLINE and troops.by_silence
    assert aid.status is ReceiptStatus.ABSTAIN and aid.by_silence


def test_conditional_counts_only_if_met_and_is_listed_apart():
    s = opened()
    s = engine.apply(
        s, decide("DEU", Choice.CONDITIONAL, 1, cond=Condition(ConditionKind.PARLIAMENT_APPROVAL))
    )
    s = engine.apply(
        s, decide("ITA", Choice.CONDITIONAL, 2, cond=Condition(ConditionKind.UN_MANDATE))
    )
    s = engine.apply(s, ConditionResolved(hours(3), "DEU", TROOPS, True, "Bundestag vote"))
    s = closed(s)
    t = s.outcome.tally(TROOPS)
    assert t.conditional_met == ("DEU",) and t.conditional_unmet == ("ITA",)
    assert "DEU" in t.counted and "ITA" not in t.counted
    assert t.committed == ()
    assert [u.guarantor for u in s.outcome.unmet_conditions] == ["ITA"]


def test_others_commit_first_is_judged_on_unconditional_commitments():
    s = opened()
    s = engine.apply(
        s,
        decide(
            "POL", Choice.CONDITIONAL, 1, cond=Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=2)
        ),
    )
    s = engine.apply(
        s,
        decide(
            "SWE", Choice.CONDITIONAL, 1, cond=Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=1)
        ),
    )
    s = engine.apply(s, decide("GBR", Choice.COMMIT, 2))
    s = closed(s)
    assert s.receipt("SWE", TROOPS).condition_met is True
    assert s.receipt("POL", TROOPS).condition_met is False  # SWE's conditional does not count


def test_revision_replaces_the_answer_but_keeps_the_history():
    s = opened()
    s = engine.apply(s, decide("GBR", Choice.COMMIT, 1))
    s = engine.apply(s, decide("GBR", Choice.DECLINE, 2, rev=2))
    assert [d.choice for d in s.decisions[("GBR", TROOPS)]] == [Choice.COMMIT, Choice.DECLINE]
    assert closed(s).receipt("GBR", TROOPS).status is ReceiptStatus.DECLINE


def test_revision_numbers_must_follow_on():
    s = opened()
    with pytest.raises(RevisionRefused):
        engine.apply(s, decide("GBR", Choice.COMMIT, 1, rev=2))


def test_revisions_refused_when_the_design_forbids_them():
    d = resolve_design("meloni-24h").model_copy(update={"revisions_allowed": False})
    s = engine.apply(opened(d), decide("GBR", Choice.COMMIT, 1))
    with pytest.raises(RevisionRefused):
        engine.apply(s, decide("GBR", Choice.DECLINE, 2, rev=2))


def test_condition_must_be_allowed_by_the_design():
    s = opened("nato-membership")  # beneficiary_concession not allowed there
    cond = Condition(ConditionKind.BENEFICIARY_CONCESSION, text="cede Crimea")
    with pytest.raises(InvalidEvent, match="not allowed"):
        engine.apply(s, decide("TUR", Choice.CONDITIONAL, 1, cond=cond))


def test_unknown_guarantor_is_refused():
    with pytest.raises(InvalidEvent, match="not a guarantor"):
        engine.apply(opened(), decide("RUS", Choice.COMMIT, 1))


def test_time_cannot_go_back():
    s = engine.apply(opened(), decide("GBR", Choice.COMMIT, 5))
    with pytest.raises(OutOfOrder):
        engine.apply(s, decide("FRA", Choice.COMMIT, 4))


def test_window_closes_only_at_its_deadline():
    with pytest.raises(OutOfOrder):
        engine.apply(opened(), WindowClosed(hours(10), "deadline"))


def test_close_is_idempotent():
    s = closed(opened())
    assert engine.close(s, hours(25)) == []


def test_on_attribution_waits_for_the_threshold():
    d = resolve_design("meloni-24h").model_copy(
        update={
            "activation": resolve_design("meloni-24h").activation.model_copy(
                update={"rule": "on_attribution", "threshold": 0.8}
            )
        }
    )
    s = engine.start(d)
    s = engine.apply(
        s,
        IncidentReported(T0, "i", IncidentKind.HYBRID_INCURSION, Severity.MEDIUM, EVIDENCE, "UKR"),
    )
    assert not engine.activation_due(s)
    with pytest.raises(OutOfOrder, match="attribution"):
        engine.apply(s, engine.open_window(s, T0))
    s = engine.apply(s, AttributionAssessed(hours(30), 0.85, "joint cell"))
    assert engine.activation_due(s)
    s = engine.apply(s, engine.open_window(s, hours(30)))
    assert s.deadline == hours(54)


def test_the_attack_engages_only_the_forces_it_touched():
    s = closed(opened("tripwire-presence", engaged=("GBR", "FRA", "CAN")))
    r = s.receipt("GBR", TROOPS)
    assert r.status is ReceiptStatus.COMMIT and r.engaged_by_posture and r.amount == 1000
    assert s.outcome.honoured  # GBR, FRA, CAN engaged
    nld = s.receipt("NLD", TROOPS)  # stationed, but not attacked: its silence declines
    assert nld.status is ReceiptStatus.DECLINE and not nld.engaged_by_posture
    assert not closed(opened("tripwire-presence")).outcome.honoured  # aimed around them all


def test_membership_engages_no_silent_ally_without_forces_there():
    s = closed(opened("nato-membership", engaged=("GBR",)))
    counted = s.outcome.tally(TROOPS).counted
    assert counted == ("GBR",) and not s.outcome.honoured


def test_only_stationed_guarantors_can_be_engaged():
    s = engine.start(resolve_design("tripwire-presence"))
    for engaged in (("DEU",), ("GBR", "GBR")):
        incident = IncidentReported(
            T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, EVIDENCE, "UKR", engaged=engaged
        )
        with pytest.raises(InvalidEvent):
            engine.apply(s, incident)


def test_an_invoked_design_opens_only_when_the_council_opens_it_on_attribution():
    s = engine.start(resolve_design("article5-consensus"))
    s = engine.apply(
        s,
        IncidentReported(T0, "i", IncidentKind.HYBRID_INCURSION, Severity.MEDIUM, EVIDENCE, "UKR"),
    )
    with pytest.raises(OutOfOrder):
        engine.apply(s, engine.open_window(s, hours(1)))
    s = engine.apply(s, AttributionAssessed(hours(20), 0.6, "cell"))
    assert not engine.activation_due(s) and engine.activation_open(s)
    s = engine.apply(s, engine.open_window(s, hours(24)))
    assert s.opened_at == hours(24) and s.deadline is None


def test_the_council_invokes_only_an_invoked_design_once_attribution_allows_and_once():
    s = engine.start(resolve_design("article5-consensus"))
    assert isinstance(engine.invocation_refusal(s, T0), OutOfOrder)  # no incident yet
    s = engine.apply(
        s,
        IncidentReported(T0, "i", IncidentKind.HYBRID_INCURSION, Severity.MEDIUM, EVIDENCE, "UKR"),
    )
    assert awaits_invocation(s.design, s.phase)
    early = engine.invocation_refusal(s, hours(1))
    assert isinstance(early, OutOfOrder) and "invocation needs attribution >= 0.5" in str(early)
    s = engine.apply(s, AttributionAssessed(hours(20), 0.6, "cell"))
    assert engine.invocation_refusal(s, hours(24)) is None
    s = engine.apply(s, engine.open_window(s, hours(24)))
    assert not awaits_invocation(s.design, s.phase)
    assert isinstance(engine.invocation_refusal(s, hours(25)), OutOfOrder)  # invoked already


def test_a_design_that_opens_by_its_own_rule_cannot_be_invoked():
    s = engine.start(resolve_design("tripwire-presence"))
    s = engine.apply(
        s, IncidentReported(T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, EVIDENCE, "UKR")
    )
    refused = engine.invocation_refusal(s, hours(1))
    assert isinstance(refused, InvalidEvent) and "not by invocation" in str(refused)
    assert not awaits_invocation(s.design, s.phase)


def test_no_deadline_design_closes_when_all_decided_or_by_the_chair():
    s = opened("article5-consensus")
    assert s.deadline is None
    with pytest.raises(OutOfOrder):
        engine.apply(s, WindowClosed(hours(1), "all_decided"))
    s = closed(s)
    assert s.close_reason == "chair" and not s.outcome.honoured


def test_tampered_receipts_are_refused():
    s = opened()
    s = engine.apply(s, WindowClosed(hours(24), "deadline"))
    good = engine.close(s, hours(24))[0]
    assert isinstance(good, ReceiptsFrozen)
    with pytest.raises(InvalidEvent, match="receipts"):
        engine.apply(s, ReceiptsFrozen(hours(24), good.receipts[1:]))


def test_delivery_only_for_counted_commitments():
    s = closed(engine.apply(opened(), decide("GBR", Choice.COMMIT, 1)))
    s = engine.apply(s, DeliveryReported(hours(60), "GBR", TROOPS, 700, "lead elements"))
    assert len(s.deliveries) == 1
    with pytest.raises(InvalidEvent):
        engine.apply(s, DeliveryReported(hours(61), "ITA", TROOPS, 100))


def test_codec_round_trips_every_event():
    s = opened()
    s = engine.apply(
        s, decide("DEU", Choice.CONDITIONAL, 1, cond=Condition(ConditionKind.PARLIAMENT_APPROVAL))
    )
    s = closed(engine.apply(s, AttributionAssessed(hours(2), 0.7, "cell")))
    for e in s.history:
        assert codec.from_dict(codec.to_dict(e)) == e


def test_codec_names_the_bad_field():
    body = codec.to_dict(decide("GBR", Choice.COMMIT, 1))
    body["instrument"] = "nukes"
    with pytest.raises(InvalidEvent, match="DecisionRecorded"):
        codec.from_dict(body)


def test_an_incident_records_whom_it_engaged_and_old_records_keep_their_bytes():
    plain = IncidentReported(T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, EVIDENCE, "UKR")
    assert "engaged" not in codec.to_dict(plain)
    hit = IncidentReported(
        T0, "i", IncidentKind.STRIKE, Severity.MEDIUM, EVIDENCE, "UKR", engaged=("GBR",)
    )
    assert codec.from_dict(codec.to_dict(hit)) == hit
