"""Each model's stated behaviour, seen through the whole runner (and so through the mechanism).

Fixed seeds, a few hundred runs per arm, and a tolerance from the standard error (see
``simhelp``). Arms that differ in one parameter share their seed, so run k of each draws from the
same generator; where that makes their outcomes correlated, the test compares them run by run
(``paired``), which needs several times fewer runs for the same power. ``sure_attack`` makes
every run a single crisis of the family under test, so crisis columns are measured on every run.
Where the default 24-hour window leaves almost nothing to compare (history says few governments
decide on troops within a day), the test speeds decisions up with ``guarantor.deadline_speedup``
and says so.

Run counts: where an effect is many standard errors wide, a test runs only as many as keep it
about 6 or more standard errors from 0 at its seed (its docstring or comment gives the z). The
bar is ``Z`` = 3, one-sided: a false alarm in about 1 in 740 tests of no effect; against a true
effect of 6 standard errors the chance of passing under another seed is about 99.9 %
(Phi(6 - 3)).
"""

from __future__ import annotations

import math

import numpy as np
from tests.sim.simhelp import (
    Z,
    assert_greater,
    assert_greater_paired,
    assert_moves_paired,
    column,
    design,
    paired,
    rows,
    sure_attack,
)

from pact24.designs.schema import Activation, Posture
from pact24.mechanism import DecisionRecorded, DeliveryReported, WindowClosed, WindowOpened
from pact24.sim.reference import iter_runs, prepare
from pact24.vocab import ConditionKind, PostureKind, ReadinessTier

FAST = {"guarantor.deadline_speedup": 10.0}
HOLD = {
    "posture.lapse_rate.garrison": 0.0,
    "posture.lapse_rate.interposition": 0.0,
    "posture.withdraw_prob.garrison": 0.0,
    "posture.withdraw_prob.interposition": 0.0,
}
"""Postures that are kept up and forces that stay when attacked."""
#: Troops willing enough that meloni-24h's rule (three troop commitments in 24 h) is met often
#: enough to observe what follows it; at the stance readings alone it is rare.
WILLING = {"guarantor.base.troops": 1.0}
N = 300


def test_hybrid_incursion_gives_fewer_troop_commitments_than_overt_invasion_under_meloni() -> None:
    """100 runs of each: troop commitments 6.8 and troops in the window 8.6 standard errors
    apart (300 runs of each gave 12.0 and 14.4)."""
    overt = rows("meloni-24h", "overt_invasion", 100, overrides=sure_attack("overt_invasion"))
    hybrid = rows("meloni-24h", "hybrid_incursion", 100, overrides=sure_attack("hybrid_incursion"))
    assert_greater(
        column(overt, "commits_troops"), column(hybrid, "commits_troops"), "commits_troops"
    )
    assert_greater(
        column(overt, "troops_in_window"), column(hybrid, "troops_in_window"), "troops_in_window"
    )


def test_slower_attribution_means_fewer_commitments_inside_the_window() -> None:
    base = {**sure_attack("hybrid_incursion"), **FAST}
    fast = rows(
        "meloni-24h",
        "hybrid_incursion",
        N,
        overrides={**base, "attribution.tau_hours.hybrid_incursion": 21.0},
    )
    slow = rows(
        "meloni-24h",
        "hybrid_incursion",
        N,
        overrides={**base, "attribution.tau_hours.hybrid_incursion": 336.0},
    )
    assert_greater(column(fast, "commits_troops"), column(slow, "commits_troops"), "troops")
    assert_greater(
        column(fast, "attribution_at_close"), column(slow, "attribution_at_close"), "attribution"
    )


def test_disinformation_slows_attribution_and_costs_commitments() -> None:
    """The same strikes, with and without a disinformation campaign covering them."""
    base = {**FAST, "scenario.disinformation_hybrid_share": 0.0}
    plain = rows("meloni-24h", "strike", N, overrides={**base, **sure_attack("strike")})
    disinfo = rows(
        "meloni-24h", "disinformation", N, overrides={**base, **sure_attack("disinformation")}
    )
    assert_greater(
        column(plain, "attribution_at_close"), column(disinfo, "attribution_at_close"), "attr"
    )
    assert_greater(column(plain, "commits_troops"), column(disinfo, "commits_troops"), "troops")


def test_an_on_attribution_design_waits_for_its_threshold() -> None:
    d = design("meloni-24h").model_copy(
        update={
            "name": "meloni-on-attribution",
            "activation": Activation(rule="on_attribution", threshold=0.8),
        }
    )
    setup = prepare(d, "hybrid_incursion", sure_attack("hybrid_incursion"))
    opened = 0
    for rec in iter_runs(setup, 60, seed=4):
        c = rec.crises[0]
        if not c.window_opened:
            continue
        opened += 1
        assert c.hours_to_activation > 0
        assert c.state.attribution >= 0.8 or any(
            getattr(e, "confidence", 0.0) >= 0.8 for e in c.events
        )
        first_open = next(e for e in c.events if isinstance(e, WindowOpened))
        assert all(e.at >= first_open.at for e in c.events if isinstance(e, DecisionRecorded))
    assert opened > 30
    invasion = prepare(d, "overt_invasion", sure_attack("overt_invasion"))
    assert all(r.crises[0].hours_to_activation == 0.0 for r in iter_runs(invasion, 10, seed=4))
    # with too short a wait the window never opens and nothing is decided
    impatient = prepare(
        d, "hybrid_incursion", {**sure_attack("hybrid_incursion"), "activation.max_wait_days": 1.0}
    )
    recs = list(iter_runs(impatient, 40, seed=4))
    assert sum(not r.crises[0].window_opened for r in recs) > 20
    assert not any(r.row["decided"] for r in recs if not r.row["window_opened"])


def test_with_stationed_forces_first_arrival_is_not_bounded_by_the_window() -> None:
    keep = {**sure_attack("overt_invasion"), **HOLD}
    # stationed forces that the attack touches are there at once
    trip = [
        r for r in rows("tripwire-presence", "overt_invasion", 150, overrides=keep) if r["engaged"]
    ]
    arrivals = column(trip, "hours_to_first_arrival")
    assert arrivals.size == len(trip) > 100 and arrivals.max() == 0.0
    window = design("meloni-24h").window_hours
    assert window is not None
    # without them, nothing arrives before the political window has closed
    mel = rows(  # arrivals need an honoured guarantee: willing troops make it common enough
        "meloni-24h",
        "overt_invasion",
        N,
        overrides={**sure_attack("overt_invasion"), **FAST, **WILLING},
    )
    mel_arrivals = column(mel, "hours_to_first_arrival")
    assert mel_arrivals.size > 20 and mel_arrivals.min() >= window
    dmz = [r for r in rows("dmz-western", "overt_invasion", 100, overrides=keep) if r["engaged"]]
    assert dmz and column(dmz, "hours_to_first_arrival").max() == 0.0


def test_a_qrf_arrives_at_its_readiness_after_the_guarantee_is_honoured() -> None:
    d = design("meloni-24h").model_copy(
        update={
            "name": "meloni-qrf",
            "posture": Posture(kind=PostureKind.QRF, readiness=ReadinessTier.VERY_HIGH, size=5000),
        }
    )
    setup = prepare(
        d,
        "overt_invasion",
        {
            **sure_attack("overt_invasion"),
            **FAST,
            **WILLING,
            **HOLD,
        },
    )
    honoured = qrf_seen = 0
    for rec in iter_runs(setup, 300, seed=5):  # enough honoured runs to see the QRF arrive
        c = rec.crises[0]
        assert rec.row["readiness_cost_eur"] > 0
        leads = [e for e in c.events if isinstance(e, DeliveryReported) and "QRF lead" in e.note]
        if not c.honoured:
            assert not leads  # the QRF moves only once the guarantee is honoured
            continue
        honoured += 1
        qrf_seen += bool(leads)
        for e in leads:  # lead elements 48-72 h after the window closed (at 24 h)
            arrived = float(e.note.split("+")[1].split(" h")[0])
            assert 24 + 48 - 0.1 <= arrived <= 24 + 72 + 0.1
        assert sum(e.amount for e in leads) <= 5000 * 0.5 + 1e-6
    assert honoured > 10 and qrf_seen == honoured


def test_membership_is_honoured_when_an_invasion_meets_its_forward_presence() -> None:
    rs = rows(
        "nato-membership",
        "overt_invasion",
        300,
        overrides={**sure_attack("overt_invasion"), **HOLD},
    )
    met = [r for r in rs if r["engaged"]]
    missed = [r for r in rs if not r["engaged"]]
    assert_greater(column(met, "decided"), column(missed, "decided"), "honoured when engaged")
    assert column(met, "hours_to_first_troop_commitment").max() == 0.0


def test_only_the_states_whose_forces_were_hit_count_when_silent() -> None:
    stationed = {f.guarantor for f in design("tripwire-presence").posture.forces}
    quiet = {"guarantor.engaged_confirm_prob": 0.0, **HOLD}
    for family, touched in (("overt_invasion", True), ("strike", False)):
        setup = prepare(design("tripwire-presence"), family, {**sure_attack(family), **quiet})
        hit_runs = 0
        for rec in iter_runs(setup, 20, seed=1):
            state = rec.crises[0].state
            assert state.incident is not None
            engaged = set(state.incident.engaged)
            silent_engaged = {r.guarantor for r in state.receipts if r.engaged_by_posture}
            assert silent_engaged <= engaged <= stationed
            hit_runs += bool(engaged) == touched
        # a front-wide invasion reaches some contingent 50 km back in about 94 % of crises;
        # strikes are aimed around them
        assert hit_runs >= 15


def test_the_bandwagon_threshold_holds_commitments_back() -> None:
    base = {**sure_attack("overt_invasion"), **FAST}
    eager = {
        f"guarantor.bandwagon_k.{iso}": 0.0
        for iso in (
            "GBR",
            "FRA",
            "DEU",
            "ITA",
            "POL",
            "NLD",
            "DNK",
            "SWE",
            "FIN",
            "NOR",
            "EST",
            "LVA",
            "LTU",
            "CAN",
            "TUR",
            "USA",
        )
    }
    # the same 60 runs of both arms, paired: 7.4 standard errors (150 runs: 11.4; 300 unpaired
    # runs: ~10)
    a = rows("meloni-24h", "overt_invasion", 60, overrides={**base, **eager})
    b = rows("meloni-24h", "overt_invasion", 60, overrides=base)
    assert_greater_paired(paired(a, b, "commits_troops"), "bandwagon")


def test_escalation_fear_and_elections_hold_willingness_back() -> None:
    """Each pair of arms is the same runs (common random numbers), compared run by run: paired,
    6.4 standard errors for fear in 75 runs (10.0 in 150) and 6.6 for elections in 150 (300
    unpaired runs of each: about 11 and 6.5)."""
    base = {**sure_attack("overt_invasion"), **FAST}
    fearless = rows(
        "meloni-24h", "overt_invasion", 75, overrides={**base, "adversary.nuclear": 0.0}
    )
    fearful = rows("meloni-24h", "overt_invasion", 75, overrides=base)
    assert_greater_paired(paired(fearless, fearful, "commits_troops"), "fear")
    assert column(fearless, "nuclear_warning").sum() == 0
    calm = rows(
        "meloni-24h", "overt_invasion", 150, overrides={**base, "guarantor.election_near_prob": 0.0}
    )
    campaigning = rows(
        "meloni-24h",
        "overt_invasion",
        150,
        overrides={**base, "guarantor.election_near_prob": 0.5, "guarantor.election_penalty": 2.0},
    )
    assert_greater_paired(paired(calm, campaigning, "commits_troops"), "vote")


def test_a_parliament_that_must_approve_first_delays_troops() -> None:
    """A small effect, so the arms are paired: the same 100 runs (common random numbers) with
    and without five parliaments' retroactive approval, compared run by run. Paired, both
    differences are over 6 standard errors from 0; unpaired, 300 runs of each gave only 5.6 and
    3.2 (hence the 900 runs of each this test used before)."""
    base = {**sure_attack("overt_invasion"), **FAST, "guarantor.bandwagon_k.GBR": 0.0}
    five = ("GBR", "DEU", "ESP", "FIN", "CZE")
    prompt = rows(
        "meloni-24h",
        "overt_invasion",
        100,
        overrides={**base, **{f"guarantor.retroactive.{i}": 1.0 for i in five}},
    )
    slow = rows(
        "meloni-24h",
        "overt_invasion",
        100,
        overrides={**base, **{f"guarantor.retroactive.{i}": 0.0 for i in five}},
    )
    assert_greater_paired(paired(prompt, slow, "commits_troops"), "parliament")
    assert_greater_paired(paired(slow, prompt, "conditional_troops"), "conditional")


def test_manoeuvres_show_in_the_record() -> None:
    """Conditions of every kind, demands on the beneficiary, revisions and silence."""
    setup = prepare(
        design("meloni-24h"),
        "overt_invasion",
        {**sure_attack("overt_invasion"), **FAST, "demand.prob": 0.6},
    )
    kinds: set[ConditionKind] = set()
    revisions = silent = demands = 0
    for rec in iter_runs(setup, 80, seed=9):
        c = rec.crises[0]
        for e in c.events:
            if isinstance(e, DecisionRecorded):
                revisions += e.revision > 1
                if e.condition is not None:
                    kinds.add(e.condition.kind)
        silent += rec.row["silent_troops"]
        demands += rec.row["demands"]
    assert {
        ConditionKind.OTHERS_COMMIT_FIRST,
        ConditionKind.PARLIAMENT_APPROVAL,
        ConditionKind.BENEFICIARY_CONCESSION,
    } <= kinds
    assert revisions > 0 and silent > 0 and demands > 0
    none = rows(
        "meloni-24h",
        "overt_invasion",
        60,
        overrides={**sure_attack("overt_invasion"), "demand.prob": 0.0},
    )
    assert sum(r["demands"] for r in none) == 0


def test_a_faster_deadline_response_decides_more_often() -> None:
    """A faster deliberation matters where an unfinished one does not commit at the deadline.
    180 runs of each: 6.7 standard errors (300 gave 8.6)."""
    base = {**sure_attack("overt_invasion"), **WILLING, "guarantor.unfinished_commit_prob": 0.0}
    slow = rows("meloni-24h", "overt_invasion", 180, overrides=base)
    fast = rows("meloni-24h", "overt_invasion", 180, overrides={**base, **FAST})
    assert_greater(column(fast, "decided"), column(slow, "decided"), "decided")


def test_an_unanswered_probe_invites_the_next_step() -> None:
    """Calling the bluff: an adversary that learns attacks more often after probes that met no
    response (meloni-24h rarely answers within its window). The two arms are the same 100 runs
    (common random numbers), compared run by run: paired, their difference is about 5 standard
    errors from 0, where 300 unpaired runs of each gave 4.5."""
    learner = rows("meloni-24h", "salami", 100, overrides={"adversary.learning_weight": 3.0})
    stubborn = rows("meloni-24h", "salami", 100, overrides={"adversary.learning_weight": 0.0})
    assert_greater_paired(paired(learner, stubborn, "crises", False), "bluff")


def test_credible_postures_deter() -> None:
    """60 runs of each: 8.2 standard errors (300 runs of each gave 20.0)."""
    mel = rows("meloni-24h", "overt_invasion", 60)
    nato = rows("nato-membership", "overt_invasion", 60)
    assert_greater(column(mel, "attacked", False), column(nato, "attacked", False), "deterrence")


def test_a_faster_response_means_less_territory_at_risk() -> None:
    # an invasion of about 150,000 needs 50,000 defenders by the 3:1 rule; Ukraine has 10,000 in
    # the sector and the strong tripwire 48,000 stationed troops (4 x 12,000), in place from the
    # first hour wherever the attack engages them
    small = {
        **sure_attack("overt_invasion"),
        **HOLD,
        "scenario.size.overt_invasion": 150_000.0,
        "front.ukraine_forces.overt_invasion": 10_000.0,
    }
    trip = design("tripwire-presence")
    strong = trip.model_copy(
        update={
            "name": "tripwire-strong",
            "posture": trip.posture.model_copy(
                update={
                    "forces": tuple(
                        f.model_copy(update={"troops": 12_000}) for f in trip.posture.forces
                    )
                }
            ),
        }
    )
    # 400 runs: meloni-24h now answers by its deadline and is honoured more often, so the gap
    # is narrower than when its guarantors were silent
    mel = rows("meloni-24h", "overt_invasion", 400, overrides=small)
    held = rows(strong, "overt_invasion", 400, overrides=small)
    assert_greater(
        column(mel, "territory_first_crisis_km2"),
        column(held, "territory_first_crisis_km2"),
        "territory",
    )
    strikes = rows("meloni-24h", "strike", 50, overrides=sure_attack("strike"))
    assert column(strikes, "territory_at_risk_km2").max() == 0.0


def test_salami_is_a_series_of_small_crises() -> None:
    rs = rows("meloni-24h", "salami", 200)
    crises = column(rs, "crises", False)
    assert crises.mean() > 2
    sizes = column(rs, "attack_size")
    assert np.all(sizes < 5 * 1000 * math.exp(Z * 0.3))


def test_readiness_cost_is_counted_while_the_posture_is_held() -> None:
    rs = rows("tripwire-presence", "strike", 200)
    held = column(rs, "posture_years_held", False)
    cost = column(rs, "readiness_cost_eur", False)
    annual = cost / held
    stationed = sum(f.troops for f in design("tripwire-presence").posture.forces)
    assert np.allclose(annual, stationed * 200_000)  # Lithuania brigade's all-in cost, once
    assert 0 < held.mean() < 10  # some coalitions give the posture up within the horizon
    assert column(rows("meloni-24h", "strike", 20), "readiness_cost_eur", False).max() == 0.0


def test_a_consultation_without_deadline_ends_by_the_chair_or_when_all_decided() -> None:
    setup = prepare(design("article5-consensus"), "overt_invasion", sure_attack("overt_invasion"))
    reasons = set()
    for rec in iter_runs(setup, 30, seed=3):
        c = rec.crises[0]
        closed = next(e for e in c.events if isinstance(e, WindowClosed))
        reasons.add(closed.reason)
        assert c.hours_to_activation >= 24.0  # the council invokes the day after, at the earliest
        assert c.close_hours <= c.hours_to_activation + 30 * 24 + 1e-6
        assert not rec.row["decided"] or rec.row["commits_troops"] >= 3
    assert reasons <= {"chair", "all_decided"} and reasons


def test_withdrawal_and_lapse_rates_move_the_headline() -> None:
    """Each one-line change against the same runs held (common random numbers), compared run
    by run. Withdrawal moves ``decided`` by about 10 paired standard errors in 100 runs; the
    lapse rate's effect is small and little correlated between the arms, so it takes 400 runs
    (3.0 paired standard errors, as 600 unpaired runs of each gave)."""
    base = {**sure_attack("overt_invasion"), **HOLD}
    held = rows("tripwire-presence", "overt_invasion", 400, overrides=base)
    quit_ = rows(
        "tripwire-presence",
        "overt_invasion",
        100,
        overrides={**base, "posture.withdraw_prob.garrison": 1.0},
    )
    assert_moves_paired(paired(held[:100], quit_, "decided"), "withdrawal")
    lapsing = rows(
        "tripwire-presence",
        "overt_invasion",
        400,
        overrides={**base, "posture.lapse_rate.garrison": 0.2},
    )
    assert_moves_paired(paired(held, lapsing, "decided"), "lapse")
