"""The adversary across a campaign: what it learns from one crisis shows at the next opportunity.

The first crisis of a run comes before any learning, so first-crisis columns cannot depend on
``adversary.learning_weight``; these tests read the campaign columns (``crises``,
``attack_pattern``). Fixed seeds, a few hundred runs, tolerances from the standard error
(``simhelp``).
"""

from __future__ import annotations

import numpy as np
from tests.sim.simhelp import assert_greater, assert_moves_paired, paired, rows

from pact24.sim import results
from pact24.sim.summary import by_opportunity

WARY = {"adversary.cost_of_response": 5.0, "campaign.opportunities": 3.0}
"""A dearer response, so that at the first opportunity the adversary waits often enough to show
what learning adds later; three opportunities keep the test short."""


def attacks_at(rs: list[dict[str, object]], j: int) -> np.ndarray:
    """1 where the run attacked at opportunity ``j`` (1-based), else 0."""
    return np.array([str(r["attack_pattern"])[j - 1] != results.NO_ATTACK for r in rs], float)


def test_the_learning_weight_changes_the_campaign() -> None:
    """The must-show one-line change: meloni-24h leaves crises unanswered, so an adversary that
    learns (weight 5) attacks more at later opportunities than one that does not (weight 0); at
    the first opportunity, before any crisis, both are the same run for run. The arms are the
    same 100 runs (common random numbers), compared run by run: paired, both differences are
    over 4 standard errors from 0, where 200 unpaired runs of each gave 3.6 and 3.0."""
    stubborn = rows(
        "meloni-24h", "adaptive", 100, overrides={**WARY, "adversary.learning_weight": 0}
    )
    learner = rows(
        "meloni-24h", "adaptive", 100, overrides={**WARY, "adversary.learning_weight": 5}
    )
    assert np.array_equal(attacks_at(learner, 1), attacks_at(stubborn, 1))
    assert_moves_paired(attacks_at(learner, 3) - attacks_at(stubborn, 3), "P(attack at 3)")
    assert_moves_paired(paired(learner, stubborn, "crises", False), "crises")


def test_the_attack_pattern_adds_up_to_the_campaign_columns() -> None:
    rs = rows("tripwire-presence", "adaptive", 60, overrides=WARY)
    for r in rs:
        pattern = str(r["attack_pattern"])
        assert len(pattern) == 3 and set(pattern) <= {"-", "H", "U"}
        assert len(pattern) - pattern.count(results.NO_ATTACK) == r["crises"]
        assert pattern.count(results.HONOURED) == r["crises_honoured"]
    stats = {s.name: s for s in by_opportunity(rs)}
    assert sorted(stats) == sorted(f"{k}_at_{j}" for k in ("attack", "honoured") for j in (1, 2, 3))
    assert stats["attack_at_2"].value == np.mean(attacks_at(rs, 2))


def test_an_informed_adversary_attacks_a_bluff_at_once() -> None:
    """Knowing that meloni-24h is rarely honoured, the informed adversary attacks at the first
    opportunity more often than one that only has the posture's prior."""
    one = {**WARY, "campaign.opportunities": 1.0, "adversary.informed_pilot_crises": 20.0}
    naive = rows("meloni-24h", "adaptive", 120, overrides=one)
    informed = rows("meloni-24h", "adaptive", 120, overrides={**one, "adversary.informed": 1.0})
    assert_greater(attacks_at(informed, 1), attacks_at(naive, 1), "P(attack at 1)")
