"""Each model's stated behaviour, tested on the model itself (the whole runner is in
``test_behaviour.py``)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.sim.simhelp import Z, design

from pact24.mechanism import Condition
from pact24.sim.models import adversary, attribution, delivery, front, guarantor, scenario, states
from pact24.sim.models.guarantor import GuarantorParams, Situation
from pact24.sim.models.scenario import Family
from pact24.sim.models.states import Profile
from pact24.sim.registry import resolve
from pact24.vocab import (
    Choice,
    ConditionKind,
    IncidentKind,
    Instrument,
    PostureKind,
    ReadinessTier,
    Severity,
)

P = resolve()
ALL = frozenset(ConditionKind)


# --- attribution -------------------------------------------------------------------------------


def test_attribution_grows_over_time_at_a_pace_set_by_the_kind() -> None:
    rng = np.random.default_rng(0)
    p = resolve({"attribution.pace_sd": 0.0})
    inv = attribution.draw_path(IncidentKind.OVERT_INVASION, False, p, rng)
    hyb = attribution.draw_path(IncidentKind.HYBRID_INCURSION, False, p, rng)
    cyb = attribution.draw_path(IncidentKind.CYBER, False, p, rng)
    ts = [0.0, 6.0, 24.0, 72.0, 240.0]
    for path in (inv, hyb, cyb):
        cs = [path.confidence(t) for t in ts]
        assert cs == sorted(cs)
        assert cs[-1] <= path.cmax
    # 0.9 is reached within hours after an invasion, in about a week after "green men",
    # in months after a cyber attack
    assert inv.time_to(0.9) == 0.0
    assert 4 * 24 < hyb.time_to(0.9) < 10 * 24
    assert cyb.time_to(0.9) > 100 * 24


def test_time_to_inverts_confidence() -> None:
    path = attribution.AttributionPath(c0=0.3, cmax=0.99, tau_hours=50.0)
    for level in (0.4, 0.7, 0.95):
        assert path.confidence(path.time_to(level)) == pytest.approx(level)
    assert path.time_to(0.995) == math.inf


def test_disinformation_slows_attribution_and_splits_beliefs() -> None:
    rng = np.random.default_rng(1)
    n = 400
    plain = [
        attribution.draw_path(IncidentKind.HYBRID_INCURSION, False, P, rng).tau_hours
        for _ in range(n)
    ]
    disinfo = [
        attribution.draw_path(IncidentKind.HYBRID_INCURSION, True, P, rng).tau_hours
        for _ in range(n)
    ]
    # on the log scale the slowdown is exactly log(disinformation.slowdown) in expectation
    diff = np.mean(np.log(disinfo)) - np.mean(np.log(plain))
    se = math.sqrt(2 * P["attribution.pace_sd"] ** 2 / n)
    assert abs(diff - math.log(P["disinformation.slowdown"])) < Z * se
    spread_plain = attribution.draw_offsets(n, False, P, rng).std()
    spread_dis = attribution.draw_offsets(n, True, P, rng).std()
    assert spread_dis > 2 * spread_plain


# --- adversary ---------------------------------------------------------------------------------


def _cred(belief: adversary.Belief, f: Family, kind: PostureKind = PostureKind.NONE) -> float:
    return adversary.credibility(belief, f, adversary.posture_prior(f, kind, True, P), True, P)


def test_an_unanswered_probe_makes_the_adversary_bolder() -> None:
    b = adversary.Belief()
    for f in scenario.FAMILIES:
        c0, c1, c2 = _cred(b, f), _cred(b.observe(f, False), f), _cred(b.observe(f, True), f)
        assert c1 < c0 < c2
        assert adversary.attack_probability(f, c1, P) > adversary.attack_probability(f, c0, P)
        assert adversary.attack_probability(f, c2, P) < adversary.attack_probability(f, c0, P)


def test_a_green_men_probe_teaches_about_the_invasion_only_through_the_link() -> None:
    """An unanswered hybrid probe adds ``w * link`` to the overt belief's 'unanswered' count:
    nothing with link 0, the whole probe with link 1, ``apart`` when the design waits on
    attribution, ``alike`` when it does not."""
    overt, hybrid = Family.OVERT_INVASION, Family.HYBRID_INCURSION
    probe = adversary.Belief().observe(hybrid, False)
    prior = adversary.posture_prior(overt, PostureKind.NONE, True, P)

    def after(link: float, gated: bool) -> float:
        p = resolve(
            {
                "adversary.learning_weight": 2.0,
                "adversary.evidence_link.apart": link,
                "adversary.evidence_link.alike": 0.9,
            }
        )
        return adversary.credibility(probe, overt, prior, gated, p)

    untouched = prior.alpha / (prior.alpha + prior.beta)
    assert after(0.0, gated=True) == pytest.approx(untouched)
    assert after(0.5, gated=True) == pytest.approx(prior.alpha / (prior.alpha + prior.beta + 1.0))
    assert after(1.0, gated=True) < after(0.5, gated=True) < untouched
    assert after(0.0, gated=False) == pytest.approx(prior.alpha / (prior.alpha + prior.beta + 1.8))
    # the probe teaches in full about its own family, whatever the link
    assert _cred(probe, hybrid) < _cred(adversary.Belief(), hybrid)


def test_the_presets_make_answers_wait_on_attribution() -> None:
    """Every preset allows attribution_confirmed conditions, so a deniable probe and an invasion
    are linked by ``evidence_link.apart``; a design without the condition links them closer."""
    d = design("meloni-24h")
    assert adversary.waits_on_attribution(d)
    plain = d.model_copy(
        update={
            "conditions": d.conditions.model_copy(
                update={"allowed": (ConditionKind.PARLIAMENT_APPROVAL,)}
            )
        }
    )
    assert not adversary.waits_on_attribution(plain)


def test_visible_postures_look_more_credible() -> None:
    b = adversary.Belief()
    by = {k: _cred(b, Family.OVERT_INVASION, k) for k in PostureKind}
    assert by[PostureKind.NONE] < by[PostureKind.QRF] < by[PostureKind.TRIPWIRE]
    assert by[PostureKind.TRIPWIRE] < by[PostureKind.MEMBERSHIP]


def test_the_adversary_picks_families_by_its_credibility_estimate() -> None:
    """Adaptive choice: against a credible guarantee it prefers deniable, small attacks (or
    waits); against a weak one the invasion pays."""
    rng = np.random.default_rng(2)
    n = 2000

    def picks(scale: float) -> dict[Family | None, float]:
        """Choices when the credibility estimate of every family is ``scale`` times its prior
        mean against no posture (``perceived_f`` keeps deniable attacks looking safer)."""
        creds = {f: scale * P[f"adversary.perceived_response.{f.value}"] for f in scenario.FAMILIES}
        out: dict[Family | None, float] = {}
        for _ in range(n):
            f = adversary.choose(None, creds, P, rng)
            out[f] = out.get(f, 0) + 1 / n
        return out

    weak, strong = picks(0.05), picks(0.9)
    assert weak.get(Family.OVERT_INVASION, 0) > strong.get(Family.OVERT_INVASION, 0) + 0.1
    assert strong.get(None, 0) > weak.get(None, 0)
    small = (Family.SALAMI, Family.HYBRID_INCURSION, Family.DISINFORMATION)
    share_small = lambda d: sum(d.get(f, 0) for f in small) / max(1e-9, 1 - d.get(None, 0))  # noqa: E731
    assert share_small(strong) > share_small(weak)


# --- scenario families -------------------------------------------------------------------------


def test_families_map_onto_incident_kinds() -> None:
    rng = np.random.default_rng(3)
    kinds = {
        f: {scenario.draw_attack(f, P, rng).kind for _ in range(50)} for f in scenario.FAMILIES
    }
    assert kinds[Family.OVERT_INVASION] == {IncidentKind.OVERT_INVASION}
    assert kinds[Family.STRIKE] == {IncidentKind.STRIKE}
    assert kinds[Family.HYBRID_INCURSION] == {IncidentKind.HYBRID_INCURSION}
    assert kinds[Family.SALAMI] == {IncidentKind.STRIKE, IncidentKind.HYBRID_INCURSION}
    assert IncidentKind.HYBRID_INCURSION in kinds[Family.DISINFORMATION]
    salami = scenario.draw_attack(Family.SALAMI, P, rng)
    assert salami.severity is Severity.LOW
    assert all(scenario.draw_attack(Family.DISINFORMATION, P, rng).disinformation for _ in range(5))


# --- guarantors --------------------------------------------------------------------------------

GP = GuarantorParams.from_params(P)
PROF = Profile(
    "ZZZ",
    "Testland",
    "x",
    legislature=True,
    stance=0.0,
    bandwagon_k=2,
    retroactive=0.0,
    own_nuclear=False,
)


def _z(**kw: object) -> float:
    args: dict[str, object] = dict(
        gp=GP,
        prof=PROF,
        instrument=Instrument.TROOPS,
        severity=Severity.MEDIUM,
        nuclear_adversary=True,
        election_near=False,
        opinion=0.0,
        disinformation=False,
    )
    args.update(kw)
    return guarantor.static_willingness(**args)  # type: ignore[arg-type]


def test_willingness_rises_with_severity_and_attribution_and_falls_with_fear() -> None:
    assert _z(severity=Severity.HIGH) > _z() > _z(severity=Severity.LOW)
    assert _z(nuclear_adversary=False) > _z()
    assert _z(election_near=True) < _z()
    assert _z(disinformation=True) < _z()
    assert _z(opinion=0.5) > _z()
    own = Profile("YYY", "Nukeland", "y", True, 0.0, 2, 0.0, own_nuclear=True)
    assert _z(prof=own) > _z()  # its own deterrent relieves part of the fear
    # escalation fear weighs most on troops, not on economic aid
    troops_drop = _z(nuclear_adversary=False) - _z()
    aid_drop = _z(instrument=Instrument.ECONOMIC_AID, nuclear_adversary=False) - _z(
        instrument=Instrument.ECONOMIC_AID
    )
    assert troops_drop > aid_drop
    # attribution: the same draw u flips from unwilling to willing as belief grows
    z = 0.0
    u = 0.5
    assert not guarantor.willing(GP, z, Instrument.TROOPS, 0.3, False, u)
    assert guarantor.willing(GP, z, Instrument.TROOPS, 0.9, False, u)
    assert not guarantor.willing(GP, 0.3, Instrument.TROOPS, 0.7, True, u)  # after a warning


def _sit(**kw: object) -> Situation:
    base: dict[str, object] = dict(
        willing=True,
        silent_if_unwilling=False,
        committed=False,
        engaged=False,
        withdraws_if_engaged=False,
        confirms_if_engaged=True,
        belief=0.95,
        others_committed=5,
        parliament="none",
        demand=None,
        demand_state="none",
    )
    base.update(kw)
    return Situation(**base)  # type: ignore[arg-type]


def _answer(s: Situation, allowed: frozenset[ConditionKind] = ALL) -> guarantor.Answer | None:
    return guarantor.answer(GP, PROF, Instrument.TROOPS, s, allowed)


def test_the_manoeuvres_come_in_order() -> None:
    a = _answer(_sit(belief=0.5, others_committed=0, parliament="pending"))
    assert a is not None and a.condition == Condition(ConditionKind.ATTRIBUTION_CONFIRMED)
    a = _answer(_sit(others_committed=1, parliament="pending"))
    assert a is not None and a.condition == Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=2)
    a = _answer(_sit(parliament="pending"))
    assert a is not None and a.condition == Condition(ConditionKind.PARLIAMENT_APPROVAL)
    a = _answer(_sit(parliament="approved", demand="open talks", demand_state="pending"))
    assert a is not None and a.condition is not None
    assert a.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
    a = _answer(_sit(parliament="approved", demand="open talks", demand_state="accepted"))
    assert a == guarantor.Answer(Choice.COMMIT, None, "parliament approved")
    a = _answer(_sit(parliament="rejected"))
    assert a is not None and a.choice is Choice.DECLINE
    assert _answer(_sit(parliament="bypassed")) is not None


def test_a_condition_the_design_forbids_means_waiting_in_silence() -> None:
    assert _answer(_sit(others_committed=0), allowed=frozenset()) is None
    assert _answer(_sit(belief=0.2), allowed=frozenset()) is None


def test_unwilling_guarantors_decline_or_stay_silent_and_frightened_ones_back_off() -> None:
    a = _answer(_sit(willing=False))
    assert a is not None and a.choice is Choice.DECLINE
    assert _answer(_sit(willing=False, silent_if_unwilling=True)) is None
    a = _answer(_sit(willing=False, committed=True))
    assert a is not None and a.condition == Condition(ConditionKind.UN_MANDATE)


def test_an_engaged_guarantor_stands_by_its_forces_unless_it_withdraws_them() -> None:
    a = _answer(_sit(engaged=True, others_committed=0, parliament="pending", willing=False))
    assert a is not None and a.choice is Choice.COMMIT and a.condition is None
    assert _answer(_sit(engaged=True, confirms_if_engaged=False)) is None  # silence commits
    a = _answer(_sit(engaged=True, withdraws_if_engaged=True))
    assert a is not None and a.choice is Choice.DECLINE
    # it still sees attribution: unconvinced, it commits only once the attacker is confirmed
    a = _answer(_sit(engaged=True, belief=0.3))
    assert a is not None and a.condition == Condition(ConditionKind.ATTRIBUTION_CONFIRMED)


def test_profiles_read_the_registry() -> None:
    profs = states.profiles(design("meloni-24h"), P)
    by = {pr.iso3: pr for pr in profs}
    assert by["GBR"].bandwagon_k == 0 and by["GBR"].own_nuclear and by["GBR"].legislature
    assert by["DEU"].retroactive == P["guarantor.retroactive.DEU"]
    assert by["FRA"].retroactive == 0.0 and not by["FRA"].legislature


# --- delivery and readiness --------------------------------------------------------------------


def test_readiness_tiers_follow_the_nato_anchors() -> None:
    dp = delivery.DeliveryParams.from_params(P)
    rng = np.random.default_rng(4)
    split = {t: 100.0 for t in ReadinessTier}
    for _ in range(50):
        plan = delivery.schedule(dp, split, 0.0, 0.0, rng)
        by = {t.label: t.hours for t in plan}
        assert 48 <= by["lead elements"] <= 72
        assert 5 * 24 <= by["very-high readiness"] <= 7 * 24
        assert 5 * 24 <= by["high readiness"] <= 30 * 24
        assert sum(t.amount for t in plan) == pytest.approx(300.0)
    late = delivery.schedule(dp, split, 0.0, 500.0, rng)
    assert min(t.hours for t in late) == pytest.approx(500.0)


def test_tiers_split_an_amount_by_the_offer() -> None:
    d = design("meloni-24h")
    offer = delivery.offer_of(d, "GBR", Instrument.TROOPS)
    assert offer is not None
    t = delivery.tiers(offer, offer.amount)
    assert sum(t.values()) == pytest.approx(offer.amount)
    assert t[ReadinessTier.VERY_HIGH] == offer.readiness[ReadinessTier.VERY_HIGH]


# --- front -------------------------------------------------------------------------------------


def test_territory_grows_with_the_attack_and_the_time_to_an_effective_response() -> None:
    fast = front.assess(20_000, 1_400, 27_000, 0.0, [(24.0, 10_000)], P)
    slow = front.assess(20_000, 1_400, 27_000, 0.0, [(240.0, 10_000)], P)
    assert fast.effective_hours == 24.0 and slow.effective_hours == 240.0
    assert slow.territory_km2 > fast.territory_km2
    bigger = front.assess(40_000, 2_800, 27_000, 0.0, [(24.0, 20_000)], P)
    assert bigger.territory_km2 > fast.territory_km2
    too_few = front.assess(20_000, 1_400, 27_000, 0.0, [(24.0, 1_000)], P)
    assert math.isnan(too_few.effective_hours) and too_few.territory_km2 == 27_000  # capped
    stationed = front.assess(1_000, 20, 200, 0.0, [(0.0, 1_000)], P)
    assert stationed.territory_km2 == 0.0
    assert front.assess(0.0, 0.0, 0.0, 0.0, [], P).territory_km2 == 0.0  # a strike takes no ground
