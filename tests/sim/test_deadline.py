"""Answering by a deadline apart from deciding, and severity's direction.

The answer rules are checked on single situations; their effect through the runner with a fixed
seed, a few hundred runs per arm and tolerances from the standard error (``simhelp``).
"""

from __future__ import annotations

import dataclasses

import numpy as np
from tests.sim.simhelp import Z, assert_greater, column, design, rows, setup, sure_attack

from pact24.mechanism import Condition
from pact24.sim.models import guarantor
from pact24.sim.models.guarantor import Situation
from pact24.sim.models.scenario import Family, draw_attack
from pact24.sim.models.timing import LagCovariates, TimingModel, design_matrix
from pact24.sim.reference.crisis import run_crisis
from pact24.sim.reference.setup import START
from pact24.vocab import Choice, ConditionKind, Instrument, Severity

N = 300
FEW = 100
"""Runs per arm where the effect is many standard errors wide (silence at the deadline)."""
SILENCE = "guarantor.deadline_silence_prob"
ALL = frozenset(ConditionKind)


def _obliged(**kw: object) -> guarantor.Answer | None:
    """The troop answer of a guarantor owing one before its deliberation is finished."""
    s = setup("meloni-24h", "overt_invasion")
    prof = next(p for p in s.profiles if p.bandwagon_k == 0)
    base: dict[str, object] = dict(
        willing=True,
        silent_if_unwilling=True,
        committed=False,
        engaged=False,
        withdraws_if_engaged=False,
        confirms_if_engaged=True,
        belief=0.95,
        others_committed=5,
        parliament="none",
        demand=None,
        demand_state="none",
        deliberated=False,
        obliged=True,
    )
    base.update(kw)
    sit = Situation(**base)  # type: ignore[arg-type]
    return guarantor.answer(s.gp, prof, Instrument.TROOPS, sit, ALL)


def test_an_obliged_guarantor_answers_from_its_disposition() -> None:
    a = _obliged(willing=False)  # silent_if_unwilling no longer holds once the answer is due
    assert a is not None and a.choice is Choice.DECLINE
    assert _obliged(willing=False, silent_at_deadline=True) is None
    # unwilling only for want of attribution: "if it is determined ..." (NAC, 12 September 2001)
    a = _obliged(willing=False, willing_if_attributed=True, belief=0.5)
    assert a is not None and a.condition == Condition(ConditionKind.ATTRIBUTION_CONFIRMED)
    a = _obliged(willing=False, willing_if_attributed=True, belief=0.95)
    assert a is not None and a.choice is Choice.DECLINE
    a = _obliged(belief=0.5)
    assert a is not None and a.condition == Condition(ConditionKind.ATTRIBUTION_CONFIRMED)
    a = _obliged(parliament="pending")
    assert a is not None and a.condition == Condition(ConditionKind.PARLIAMENT_APPROVAL)
    a = _obliged(commits_unfinished=True)
    assert a is not None and a.choice is Choice.COMMIT and a.condition is None
    a = _obliged()
    assert a is not None and a.choice is Choice.CONDITIONAL
    assert a.condition == Condition(ConditionKind.OTHER, text=guarantor.RESERVED)
    # a deliberated, willing guarantor answers what it decided even if it chose silence
    a = _obliged(deliberated=True, silent_at_deadline=True)
    assert a is not None and a.choice is Choice.COMMIT


def test_an_obliged_guarantor_declines_what_the_design_cannot_record() -> None:
    s = setup("meloni-24h", "overt_invasion")
    prof = next(p for p in s.profiles if p.bandwagon_k > 0)
    sit = Situation(
        willing=True,
        silent_if_unwilling=True,
        committed=False,
        engaged=False,
        withdraws_if_engaged=False,
        confirms_if_engaged=True,
        belief=0.95,
        others_committed=0,
        parliament="none",
        demand=None,
        demand_state="none",
        deliberated=True,
        obliged=True,
    )
    a = guarantor.answer(s.gp, prof, Instrument.TROOPS, sit, frozenset())
    assert a is not None and a.choice is Choice.DECLINE
    waiting = dataclasses.replace(sit, obliged=False)
    assert guarantor.answer(s.gp, prof, Instrument.TROOPS, waiting, frozenset()) is None


def test_the_deadline_draws_explicit_answers() -> None:
    """Silent states at the close: the deadline's own silence choice, against the reading in
    which everyone undecided stays silent (``deadline_silence_prob`` = 1)."""
    base = sure_attack("overt_invasion")
    answering = rows("meloni-24h", "overt_invasion", FEW, overrides=base)
    mute = rows(
        "meloni-24h",
        "overt_invasion",
        FEW,
        overrides={**base, SILENCE: 1.0},
    )
    assert_greater(
        column(mute, "silent_troops"), column(answering, "silent_troops"), "silent_troops"
    )
    assert_greater(
        column(answering, "declined_troops") + column(answering, "conditional_troops"),
        column(mute, "declined_troops") + column(mute, "conditional_troops"),
        "explicit answers",
    )
    assert column(answering, "silent_troops").mean() < 0.25 * len(design("meloni-24h").guarantors)


def test_silence_at_the_deadline_follows_its_parameter() -> None:
    base = sure_attack("overt_invasion")
    low = rows(
        "meloni-24h",
        "overt_invasion",
        FEW,
        overrides={**base, SILENCE: 0.0},
    )
    high = rows(
        "meloni-24h",
        "overt_invasion",
        FEW,
        overrides={**base, SILENCE: 0.4},
    )
    assert_greater(column(high, "silent_troops"), column(low, "silent_troops"), "silent_troops")


def test_a_lesser_attack_is_not_decided_faster() -> None:
    """The timing model's median time to decision at low severity is no shorter than at high
    (the earlier fit, whose ``low`` level rested on one sanctions row, had it the other way)."""
    model = TimingModel.default()
    for ins in Instrument:
        rows_ = [
            LagCovariates(
                instrument=ins.value,
                stage="decision",
                n_deciders=1,
                commitment="treaty_guarantee",
                attribution="clear",
                severity=sev.value,
                nuclear_adversary=True,
                legislature_required=False,
            )
            for sev in (Severity.LOW, Severity.HIGH)
        ]
        mu, _ = model.predictive_params(design_matrix(rows_))
        median = np.median(mu, axis=1)
        assert median[0] >= median[1], (ins, median)


def _troop_commitments(name: str, severity: Severity, n: int) -> np.ndarray:
    """Counted troop commitments at the close of ``n`` overt invasions read at ``severity``
    (the same attacks and random numbers at every severity)."""
    d = design(name)
    s = setup(name, "overt_invasion")
    out = np.empty(n)
    for r in range(n):
        rng = np.random.default_rng([11, r])
        attack = dataclasses.replace(
            draw_attack(Family.OVERT_INVASION, s.params, rng), severity=severity
        )
        rec = run_crisis(s, d, attack, START, f"sev-{r}", rng)
        assert rec.state.outcome is not None
        troops = {t.instrument: t for t in rec.state.outcome.tallies}[Instrument.TROOPS]
        out[r] = len(troops.counted)
    return out


def test_a_graver_attack_draws_at_least_as_many_troop_commitments() -> None:
    """P(a troop commitment) and the mean count, high against low severity, under a deadline and
    without one (where the lags, not the deadline, decide who answers)."""
    for name in ("meloni-24h", "article5-consensus"):
        high = _troop_commitments(name, Severity.HIGH, 200)
        low = _troop_commitments(name, Severity.LOW, 200)
        # the same attacks and draws at both severities: compare run by run
        for diff in ((high > 0).astype(float) - (low > 0).astype(float), high - low):
            se = float(diff.std(ddof=1)) / np.sqrt(diff.size)
            assert diff.mean() >= -Z * se, (name, diff.mean(), se)


def test_meloni_24h_is_neither_certain_nor_hopeless_against_an_invasion() -> None:
    hon = column(rows("meloni-24h", "overt_invasion", N, seed=2026), "decided")
    assert 0.005 < hon.mean() < 0.995
