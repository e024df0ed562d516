"""The pieces of the debrief and of the simulated delegates, without a server."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pact24 import wording
from pact24.exercise import msel
from pact24.exercise.compare import Distribution
from pact24.exercise.delegates import Delegates, World
from pact24.exercise.play import Played
from pact24.exercise.report import first_troops_hour
from pact24.mechanism import (
    Condition,
    ConditionResolved,
    DecisionRecorded,
    IncidentReported,
)
from pact24.sim.reference.setup import prepare
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, Severity

T0 = datetime(2027, 3, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def test_shares_count_runs_by_the_hour_and_never_a_run_without_a_commitment() -> None:
    d = Distribution((1.0, 5.0, math.nan, 20.0), (True, False, False, True))
    assert d.runs == 4
    assert d.share_by(5.0) == 0.5
    assert d.share_by(0.5) == 0.0
    assert d.share_by(None) == 0.75  # the NaN run never committed
    assert d.share_honoured() == 0.5
    assert wording.by_then_text("committed troops", 19.0, 0.62, 300) == (
        "the coalition committed troops at hour 19.0; in simulation 62% of 300 runs did so by then"
    )
    assert "never committed troops" in wording.by_then_text("committed troops", None, 0.1, 300)


def test_a_share_of_none_or_all_runs_says_what_the_sample_allows() -> None:
    """A zero in 300 runs is 'fewer than 1.0 %' (1 - 0.05^(1/300) = 0.0099), not impossible;
    a share that would print as 0% or 100% is given as a count."""
    none = wording.honoured_share_text(False, 0.0, 300)
    assert none.endswith(
        "in simulation none of 300 runs (fewer than 1.0% at 95% confidence) were honoured"
    )
    assert "all 40 runs (more than 92.8% at 95% confidence)" in wording.runs_share_text(1.0, 40)
    assert wording.runs_share_text(1 / 300, 300) == "1 of 300 runs"
    assert wording.runs_share_text(299 / 300, 300) == "299 of 300 runs"
    assert wording.runs_share_text(0.62, 300) == "62% of 300 runs"
    assert "none of 300 runs" in wording.by_then_text("committed troops", None, 0.0, 300)


def _receipt(iso3: str, revision: int, *, status: str = "commit", posture: bool = False) -> dict:
    return {
        "guarantor": iso3,
        "instrument": "troops",
        "counts": True,
        "revision": revision,
        "status": status,
        "condition": {"kind": "parliament_approval"} if status == "conditional" else None,
        "engaged_by_posture": posture,
    }


def test_the_first_counted_troop_commitment_is_made_or_met_as_the_simulator_measures() -> None:
    played = Played("g", at(0), 24.0, {})
    report = IncidentReported(
        at=at(1),
        incident_id="i",
        kind=IncidentKind.STRIKE,
        severity=Severity.HIGH,
        evidence=(),
        reported_by="UKR",
    )
    parliament = Condition(ConditionKind.PARLIAMENT_APPROVAL)
    events = [
        report,
        DecisionRecorded(at(3), "GBR", Instrument.TROOPS, Choice.CONDITIONAL, 1, "g", parliament),
        DecisionRecorded(at(6), "POL", Instrument.TROOPS, Choice.COMMIT, 1, "p"),
        ConditionResolved(at(4), "GBR", Instrument.TROOPS, True, "vote"),
    ]
    board = {"receipts": [_receipt("GBR", 1, status="conditional"), _receipt("POL", 1)]}
    assert first_troops_hour(events, board, played) == 3.0  # GBR's condition met at hour 4
    engaged = {"receipts": [*board["receipts"], _receipt("NLD", 0, posture=True)]}
    assert first_troops_hour(events, engaged, played) == 0.0
    assert first_troops_hour(events, {"receipts": []}, played) is None


def test_an_unreachable_guarantor_s_answer_waits_then_its_alternate_signs_it() -> None:
    script, design = msel.resolve("odesa-strike")
    delegates = Delegates.draw(prepare(design, script.scenario), design, script)
    nor = [p.iso3 for p in delegates.setup.profiles].index("NOR")
    delegates.wake = [[math.inf] * len(design.instruments) for _ in delegates.wake]
    delegates.wake[nor] = [9.0] * len(design.instruments)
    away = {"NOR": (14.0, 9.5)}  # unreachable until hour 14; the alternate acts from 9.5

    def world(hour: float) -> World:
        return World(hour, 0.95, False, frozenset(), frozenset(), {}, 24.0, away)

    assert delegates.step(world(9.0)) == []  # nobody reachable yet: the answers wait
    moves = delegates.step(world(9.5))
    assert moves and {m.iso3 for m in moves} == {"NOR"}
    assert all(m.alternate for m in moves)
    # The same MSEL seed draws the same delegates.
    first, second = (Delegates.draw(prepare(design, script.scenario), design, script) for _ in "ab")
    assert first.wake == second.wake and first.z == second.z


def test_the_silence_rule_is_told_per_guarantor_grouped_by_what_silence_counts_as() -> None:
    said = wording.silence_text(
        "France", [("troops", "decline"), ("economic_aid", "abstain"), ("sanctions", "abstain")]
    )
    assert said == (
        "France said nothing on troops (counted as a decline) and on economic aid and sanctions "
        "(counted as abstentions)"
    )
    assert "does NOT verify: entry 3" in wording.ledger_check_text(4, True, "entry 3: bad")
    assert "NOT every entry is marked" in wording.ledger_check_text(4, False, None)


def test_a_silent_guarantor_owes_its_answer_when_it_falls_due_before_the_deadline() -> None:
    """Unwilling and silent since its time to decision (hour 1), it answers, without a
    revision lag, when its answer falls due in the last hours before the deadline."""
    script, design = msel.resolve("odesa-strike")
    delegates = Delegates.draw(prepare(design, script.scenario), design, script)
    n_g, n_i = len(delegates.wake), len(design.instruments)
    fin = [p.iso3 for p in delegates.setup.profiles].index("FIN")
    delegates.wake = [[math.inf] * n_i for _ in range(n_g)]
    delegates.wake[fin] = [1.0] * n_i
    delegates.draws = replace(
        delegates.draws,
        u=[[1.0] * n_i for _ in range(n_g)],  # unwilling on everything
        silent_if_unwilling=[[True] * n_i for _ in range(n_g)],
        silent_at_deadline=[[False] * n_i for _ in range(n_g)],
    )

    def world(hour: float) -> World:
        return World(hour, 0.95, False, frozenset(), frozenset(), {}, 24.0, {})

    assert delegates.step(world(1.0)) == []  # deliberated, unwilling: silence
    due = max(delegates.falls_due(fin, i, 24.0) for i in range(n_i))
    assert 21.0 <= due <= 24.0  # the last deadline_answer_hours (3) before the close
    moves = [m for m in delegates.step(world(due)) if m.iso3 == "FIN"]  # others fall due too
    assert {m.answer.choice for m in moves} == {Choice.DECLINE}
    assert len(moves) == sum(1 for i in design.instruments if design.offered("FIN", i) > 0)
