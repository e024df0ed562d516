"""Postures: engagement from footprint and geography, withdrawal and durability fitted to
history, and cost counted once."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.sim.simhelp import design

from pact24.sim.models import posture
from pact24.sim.models.scenario import Attack, Family
from pact24.sim.registry import resolve
from pact24.vocab import IncidentKind, Severity

P = resolve()


def _attack(kind: IncidentKind, severity: Severity = Severity.MEDIUM, objective: float = 0.0):
    return Attack(Family.HYBRID_INCURSION, kind, severity, 1.0, 1.0, objective, False)


HYBRID = _attack(IncidentKind.HYBRID_INCURSION, objective=27_000)
OVERT = _attack(IncidentKind.OVERT_INVASION, Severity.HIGH, objective=120_000)


def test_a_front_wide_invasion_engages_every_contingent_within_reach() -> None:
    # across the whole line, only the depth it reaches where a contingent stands matters
    reach = OVERT.objective_km2 / P["engagement.frontage_km.overt_invasion"]
    for name in ("tripwire-presence", "dmz-western", "nato-membership"):
        post = design(name).posture
        probs = posture.engagement_probs(post, OVERT, P)
        assert probs
        for f in post.forces:
            assert probs[f.guarantor] == pytest.approx(math.exp(-f.distance_km / reach))
    far = design("tripwire-presence").posture.model_copy(
        update={
            "forces": tuple(
                f.model_copy(update={"distance_km": 500})
                for f in design("tripwire-presence").posture.forces
            )
        }
    )
    assert all(v < 0.01 for v in posture.engagement_probs(far, OVERT, P).values())


def test_green_men_can_be_aimed_around_a_tripwire() -> None:
    trip = design("tripwire-presence").posture
    aimed = posture.engagement_probs(trip, HYBRID, P)
    blind = posture.engagement_probs(trip, HYBRID, {**P, "engagement.aimed.hybrid_incursion": 0})
    assert all(0.0 < aimed[g] < blind[g] < 1.0 for g in aimed)
    assert posture.engagement_probs(design("meloni-24h").posture, HYBRID, P) == {}


def test_a_deeper_dmz_spreads_the_same_force_thinner() -> None:
    dmz = design("dmz-western").posture
    deep = dmz.model_copy(update={"dmz_depth_km": 60.0})
    shallow, wide = (
        posture.engagement_probs(dmz, HYBRID, P),
        posture.engagement_probs(deep, HYBRID, P),
    )
    assert all(wide[g] < shallow[g] for g in shallow)


def test_history_says_interposition_forces_withdraw_and_garrisons_hold() -> None:
    g, i = posture.withdrawal_fit("garrison"), posture.withdrawal_fit("interposition")
    assert g.events == 0 and i.events >= 4  # Berlin, Korea... held; MNF, Somalia... withdrew
    assert g.high < i.mean and g.low <= g.mean <= g.high
    assert P["posture.withdraw_prob.garrison"] == pytest.approx(g.mean, abs=1e-4)


def test_lapse_rates_are_fitted_with_censoring() -> None:
    for kind in posture.KINDS:
        fit = posture.lapse_fit(kind)
        assert fit.events > 0 and fit.n > 100  # years at risk, running deployments included
        assert fit.low < fit.mean < fit.high
        assert fit.mean == pytest.approx((fit.events + 0.5) / fit.n)
    rng = np.random.default_rng(5)
    trip, dmz = design("tripwire-presence").posture, design("dmz-western").posture
    years = [posture.draw_lapse_years(dmz, P, rng) for _ in range(4000)]
    se = 1.0 / P["posture.lapse_rate.interposition"] / math.sqrt(len(years))
    assert np.mean(years) == pytest.approx(1.0 / P["posture.lapse_rate.interposition"], abs=4 * se)
    assert posture.draw_lapse_years(design("nato-membership").posture, P, rng) == math.inf
    assert posture.draw_lapse_years(design("meloni-24h").posture, P, rng) == math.inf
    off = {**P, "posture.lapse_rate.garrison": 0.0}
    assert posture.draw_lapse_years(trip, off, rng) == math.inf


def test_a_posture_costs_each_thing_once() -> None:
    trip = design("tripwire-presence").posture
    stationed = sum(f.troops for f in trip.forces)
    per_troop = P["readiness.stationed_cost_per_troop_year_eur"]
    assert posture.annual_cost(trip, P) == pytest.approx(stationed * per_troop)
    assert posture.annual_cost(design("meloni-24h").posture, P) == 0.0
    qrf = trip.model_validate({"kind": "qrf", "readiness": "very_high", "size": 5000})
    assert posture.annual_cost(qrf, P) == pytest.approx(
        5000 * 3 * P["readiness.cost_per_troop_year_eur"] * P["readiness.premium.very_high"]
    )
