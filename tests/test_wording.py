"""``pact24.wording``: the words every renderer of a deliberation shares."""

from __future__ import annotations

from pact24 import wording
from pact24.mechanism import Condition, Phase
from pact24.vocab import Choice, ConditionKind, Instrument


def test_instruments_read_the_same_from_enum_or_value() -> None:
    assert wording.instrument_label(Instrument.DEFENCE_SUPPORT) == "Defence support"
    assert wording.instrument_label("defence_support") == "Defence support"
    assert wording.instrument_name(Instrument.ECONOMIC_AID) == "economic aid"
    assert wording.instrument_label("new_thing") == "new thing"


def test_amounts_carry_their_unit() -> None:
    assert wording.amount_text(5000, Instrument.TROOPS) == "5,000 persons"
    assert wording.amount_text(1200.4, "economic_aid") == "1,200 EUR million"
    assert wording.amount_text(1, Instrument.SANCTIONS) == ""
    assert wording.amount_text(None, Instrument.TROOPS) == ""
    assert wording.delivery_text(Instrument.SANCTIONS, 1) == "sanctions in force"
    assert wording.delivery_text(Instrument.TROOPS, 700) == "troops: 700 persons"


def test_conditions_and_decisions() -> None:
    two = Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=2)
    one = Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=1)
    vote = Condition(ConditionKind.PARLIAMENT_APPROVAL, text="vote on Friday")
    assert wording.condition_words(two) == "2 other guarantors commit first"
    assert wording.condition_words(one) == "1 other guarantor commit first"
    assert wording.condition_words(vote) == "parliament approval: vote on Friday"
    assert wording.condition_text(None) == ""
    assert wording.decision_text(Choice.COMMIT, Instrument.TROOPS) == "commits troops"
    assert wording.decision_text("decline", "economic_aid") == "declines economic aid"
    assert (
        wording.decision_text(Choice.CONDITIONAL, Instrument.TROOPS, two)
        == "commits troops if 2 other guarantors commit first"
    )
    assert wording.choice_label(Choice.CONDITIONAL) == "Conditional"


def test_phases_and_verdicts() -> None:
    assert wording.phase_label(Phase.WINDOW_OPEN) == "Decision window open"
    assert wording.phase_label("awaiting_incident") == "Standing by: no incident reported"
    assert set(wording.PHASE_LABELS) == set(Phase)
    assert wording.verdict(True) == "HONOURED" and wording.verdict(False) == "NOT honoured"
    assert wording.met_text(False) == "NOT met"
    assert wording.percent(0.95) == "95%"


def test_every_event_of_a_deliberation_has_one_wording_that_the_cli_timeline_uses() -> None:
    from rich.console import Console

    from pact24.demo import run
    from pact24.mechanism import DecisionRecorded, WindowOpened
    from pact24.report.timeline import timeline_table

    events = list(run().state.history)
    kinds = {type(e).__name__ for e in events}
    assert len(kinds) == 9, f"the demo covers every event type: {sorted(kinds)}"
    console = Console(width=400, record=True)
    console.print(timeline_table(events))
    table = console.export_text()
    for e in events:
        w = wording.event_words(e, name=lambda iso3: f"<{iso3}>")
        assert w.what and w.who
        assert w.what.split(" — ")[0] in table, w.what
        if isinstance(e, DecisionRecorded):
            assert w.who == f"<{e.guarantor}>" and w.by == e.delegate
    opened = next(e for e in events if isinstance(e, WindowOpened))
    relative = wording.event_words(opened, when=lambda at: "+24.0 h after the attack")
    assert relative.sentence == "mechanism opens the window; deadline +24.0 h after the attack"


def test_engaged_forces_read_as_a_list_or_not_at_all() -> None:
    assert wording.engaged_text([]) == ""
    assert wording.engaged_text(["Canada"]) == "the attack engaged the forces of Canada"
    assert wording.engaged_text(["Canada", "France", "Netherlands"]) == (
        "the attack engaged the forces of Canada, France and Netherlands"
    )
