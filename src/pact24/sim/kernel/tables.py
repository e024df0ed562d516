"""Every number a compiled crisis reads, packed once per ``Setup`` into one ``Tables``.

Compiled code cannot read a ``Design``, a ``Params`` mapping or an enum, so ``compile_tables``
turns them into scalars and arrays, and the enums into the integer codes below (each code is
the member's index in its enum, so ``tuple(Enum)[code]`` reads it back). Arrays that depend on
the design are indexed ``[d]`` first: ``d = 0`` the design as held, ``d = 1`` the lapsed design
(posture ``none``). Guarantors (``g``) and instruments (``i``) keep the design's order.

The timing model's lags are tabled as the ``LagSampler`` computes them: ``lag_mu`` and
``lag_sigma`` ``[severity, attribution (0 clear, 1 contested), stage (0 decision, 1 vote,
2 delivery), i, k]`` for the ``K`` joint posterior draws ``k``; a crisis picks one ``k`` and
reads every row of its column (``kernel.lags``).

Calling convention. A ``Tables`` is passed to compiled code field by field (some 700 machine
words, and a reference count taken on each of its ~70 arrays), which costs about a microsecond
per call that is not inlined, as much again where an inlined body with branches binds it.
So every public kernel function that takes ``t`` is an ``inline="always"`` wrapper without
branches that hands the fields it reads to a compiled core; the cores never see ``t``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from pact24.designs.schema import Design
from pact24.mechanism.queries import activation_threshold
from pact24.sim.models import delivery, demands, front, posture
from pact24.sim.models.scenario import FAMILIES
from pact24.sim.models.timing import LagCovariates, design_matrix
from pact24.sim.reference.assessment import ticks
from pact24.sim.reference.setup import Setup
from pact24.vocab import (
    ConditionKind,
    IncidentKind,
    Instrument,
    PostureKind,
    ReadinessTier,
    Severity,
    SilenceRule,
)

F8 = NDArray[np.float64]
I8 = NDArray[np.int64]
B1 = NDArray[np.bool_]

# Codes: the member's index in its enum (or tuple).
FAMILY_OVERT, FAMILY_STRIKE, FAMILY_HYBRID, FAMILY_SALAMI, FAMILY_DISINFORMATION = range(5)
KIND_OVERT, KIND_STRIKE, KIND_HYBRID, KIND_MARITIME, KIND_CYBER = range(5)
SEV_LOW, SEV_MEDIUM, SEV_HIGH = range(3)
INS_TROOPS, INS_DEFENCE_SUPPORT, INS_ECONOMIC_AID, INS_SANCTIONS = range(4)
POSTURE_NONE, POSTURE_QRF, POSTURE_TRIPWIRE, POSTURE_DMZ, POSTURE_MEMBERSHIP = range(5)
TIER_VERY_HIGH, TIER_HIGH, TIER_LOW = range(3)
SILENCE_DECLINE, SILENCE_COMMIT, SILENCE_ABSTAIN = range(3)
ACTIVATION_ON_REPORT, ACTIVATION_ON_ATTRIBUTION, ACTIVATION_ON_INVOCATION = range(3)
OUTCOME_MIN_GUARANTORS, OUTCOME_MIN_AMOUNT, OUTCOME_CONSENSUS = range(3)
GROUND_OVERT, GROUND_HYBRID, GROUND_SALAMI = range(3)
"""Which ground force an attack brings (``scenario.size.<key>`` and its rate and objective)."""
GEO_OVERT, GEO_HYBRID, GEO_SALAMI, GEO_STRIKE = range(4)
"""An attack's geography for engagement (``posture._geography``)."""
LAG_DECISION, LAG_VOTE, LAG_DELIVERY = range(3)
ERROR_LOGNORMAL, ERROR_LOGLOGISTIC, ERROR_WEIBULL, ERROR_FRECHET = range(4)
"""The timing model's error family (``TimingModel.family``)."""

_ACTIVATION = ("on_report", "on_attribution", "on_invocation")
_OUTCOME = ("min_guarantors", "min_amount", "consensus")
_ERRORS = ("lognormal", "loglogistic", "weibull", "frechet")
_GROUND = ("overt_invasion", "hybrid_incursion", "salami")
_GEO = (*_GROUND, "strike")


class Tables(NamedTuple):
    """The numeric inputs of a crisis (see the module docstring for codes and indexing)."""

    # scenario (scenario.PARAMETERS), by GROUND_* code
    ground_size: F8
    ground_rate: F8
    ground_objective: F8
    size_sd: float
    salami_hybrid_share: float
    disinformation_hybrid_share: float
    # attribution, by KIND_* code
    attr_initial: F8
    attr_tau_hours: F8
    attr_ceiling: float
    attr_pace_sd: float
    attr_split_sd: float
    disinfo_slowdown: float
    disinfo_split_sd: float
    report_step: float
    clear_at: float
    # activation and the window's span
    max_wait_h: float
    invocation_h: float
    horizon_h: float
    """``consultation.horizon_days`` in hours: the span of a window without a deadline."""
    ticks: F8
    """``[d, n]`` the attribution ticks (``reference.assessment.ticks``), NaN after ``n_ticks``."""
    n_ticks: I8
    # engagement (posture.PARAMETERS), frontage by GROUND_*, aimed by GEO_*
    front_km: float
    km2_per_soldier: float
    frontage_km: F8
    aimed: F8
    strike_hits_base: float
    # the design [d, ...]
    window_hours: F8
    """``[d]`` hours of the decision window, NaN without a deadline."""
    activation_rule: I8
    activation_threshold: F8
    """``[d]`` as ``mechanism.queries.activation_threshold`` (0 on report)."""
    confirmed_at: F8
    counts_only_if_met: B1
    revisions_allowed: B1
    allowed: B1
    """``[d, condition]`` the condition kinds the design allows (ConditionKind order)."""
    silence: I8
    """``[d, i]`` SILENCE_* per instrument."""
    outcome_rule: I8
    outcome_ins: I8
    """``[d]`` the outcome rule's instrument as an index among the design's instruments."""
    outcome_k: I8
    outcome_amount: F8
    outcome_min_troops: F8
    """``[d]`` 0 when the rule sets no minimum."""
    instruments: I8
    """``[i]`` INS_* code of each of the design's instruments."""
    troop_index: int
    """Index of troops among the instruments, -1 where the design offers none."""
    offered: F8
    """``[d, g, i]`` what each guarantor offers (0: no offer)."""
    readiness: F8
    """``[d, g, i, tier]`` the offer's troops per readiness tier (TIER_* order)."""
    # posture [d, ...]
    posture_kind: I8
    stationed: F8
    """``[d, g]`` troops stationed in the beneficiary (0: none)."""
    has_force: B1
    distance_km: F8
    engagement_depth_km: F8
    """``[d]`` the depth a contingent watches: the DMZ's, else ``engagement.garrison_depth_km``."""
    qrf_size: F8
    qrf_readiness: I8
    """``[d]`` TIER_* of the QRF, -1 without one."""
    withdraw_prob: F8
    lapse_hazard: F8
    """``[d]`` yearly hazard of giving the posture up, 0 where it never lapses."""
    annual_cost: float
    # guarantors [g] (states.Profile) and the guarantor model
    stance: F8
    bandwagon_k: I8
    retroactive: F8
    own_nuclear: B1
    legislature: B1
    base: F8
    """``[INS_*]`` ``guarantor.base.<instrument>``."""
    fear: F8
    relief: float
    signal_effect: float
    severity_effect: float
    attribution_effect: float
    attribution_needed: float
    election_near_prob: float
    election_penalty: float
    opinion_sd: float
    disinformation_shift: float
    engaged_confirm_prob: float
    silence_when_unwilling: float
    deadline_silence_prob: float
    unfinished_commit_prob: float
    deadline_answer_hours: float
    reject_prob: float
    revision_lag_hours: float
    deadline_speedup: float
    nuclear: bool
    nuclear_signal_prob: float
    # demands
    demand_prob: float
    demand_accept: F8
    """``[type]`` in ``demands.TYPES`` order."""
    demand_reply_h: F8
    demand_options: I8
    """``[g, i, j]`` type codes of the demands g may attach to instrument i, -1 padded."""
    n_demand_options: I8
    # timing model
    framework: bool
    """The design has a deadline: decisions follow the fitted framework effect."""
    lag_family: int
    lag_mu: F8
    lag_sigma: F8
    n_lag_draws: int
    # delivery (delivery.DeliveryParams), hour bounds as [lo, hi]
    troop_h: F8
    """``[tranche, 2]`` hours from the start of a move: lead elements, the rest of the very
    high readiness troops, high, low readiness."""
    lead_share: float
    troops_need_honoured: bool
    delivery_horizon_h: float
    first_h: F8
    """``[INS_*, 2]`` first-tranche bounds of paced instruments (0 elsewhere)."""
    first_share: F8
    rest_h: F8
    in_force_h: F8
    sanctions_eur: float
    # front
    attacker_ratio: float
    ukraine_forces: F8
    """``[FAMILY_*]`` Ukraine's forces in the sector (0 for a strike)."""
    front_horizon_h: float
    max_items: int
    """Most arrivals one crisis can schedule (scratch size for ``kernel.arrivals``)."""


def _code(member: object, members: tuple[object, ...]) -> int:
    return members.index(member)


def _lag_tables(setup: Setup, framework: bool) -> tuple[F8, F8]:
    """``(mu, sigma)`` ``[severity, attribution, stage, i, k]`` as ``LagSampler`` builds them."""
    lags = setup.lags
    n_i, n_k = len(lags.instruments), lags.model.n_draws
    mu = np.empty((3, 2, 3, n_i, n_k))
    sigma = np.empty((3, 2, 3, n_i, n_k))
    for s, severity in enumerate(Severity):
        for a, attribution in enumerate(("clear", "contested")):
            rows = [
                LagCovariates(
                    instrument=ins.value,
                    stage=stage,
                    n_deciders=1,
                    commitment=lags.commitment,
                    attribution=attribution,
                    severity=severity.value,
                    nuclear_adversary=lags.nuclear_adversary,
                    legislature_required=legislature,
                    framework=framework and stage == "decision",
                )
                for stage, legislature in (
                    ("decision", False),
                    ("decision", True),
                    ("delivery", False),
                )
                for ins in lags.instruments
            ]
            m, sd = lags.model.predictive_params(design_matrix(rows))
            mu[s, a] = m.reshape(3, n_i, n_k)
            sigma[s, a] = sd.reshape(3, n_i, n_k)
    return mu, sigma


def _design_arrays(setup: Setup) -> dict[str, np.ndarray]:
    designs: tuple[Design, Design] = (setup.design, setup.lapsed)
    p = setup.params
    ins = setup.design.instruments
    n_g, n_i = len(setup.profiles), len(ins)
    conditions = tuple(ConditionKind)
    out: dict[str, list[object]] = {}

    def put(name: str, value: object) -> None:
        out.setdefault(name, []).append(value)

    all_ticks = []
    for d in designs:
        span = d.window_hours or p["consultation.horizon_days"] * 24.0
        all_ticks.append(ticks(p, p["activation.max_wait_days"] * 24.0 + span))
        put("window_hours", np.nan if d.window_hours is None else d.window_hours)
        put("activation_rule", _ACTIVATION.index(d.activation.rule))
        put("activation_threshold", activation_threshold(d))
        put("confirmed_at", d.conditions.attribution_confirmed_at)
        put("counts_only_if_met", d.conditions.counts_only_if_met)
        put("revisions_allowed", d.revisions_allowed)
        put("allowed", [c in d.conditions.allowed for c in conditions])
        put("silence", [_code(d.silence[i], tuple(SilenceRule)) for i in ins])
        rule = d.outcome
        put("outcome_rule", _OUTCOME.index(rule.rule))
        put("outcome_ins", ins.index(rule.instrument))
        put("outcome_k", getattr(rule, "k", 0))
        put("outcome_amount", float(getattr(rule, "amount", 0.0)))
        put("outcome_min_troops", float(rule.min_troops or 0))
        offered = np.zeros((n_g, n_i))
        readiness = np.zeros((n_g, n_i, 3))
        for g, gu in enumerate(d.guarantors):
            for i, instrument in enumerate(ins):
                offer = gu.offers.get(instrument)
                if offer is not None:
                    offered[g, i] = offer.amount
                    for t, tier in enumerate(ReadinessTier):
                        readiness[g, i, t] = float(offer.readiness.get(tier, 0))
        put("offered", offered)
        put("readiness", readiness)
        pos = d.posture
        force = {f.guarantor: f for f in pos.forces}
        iso = [gu.iso3 for gu in d.guarantors]
        put("posture_kind", _code(pos.kind, tuple(PostureKind)))
        put("stationed", [float(force[c].troops) if c in force else 0.0 for c in iso])
        put("has_force", [c in force for c in iso])
        put("distance_km", [force[c].distance_km if c in force else 0.0 for c in iso])
        dmz = pos.kind is PostureKind.DMZ and pos.dmz_depth_km is not None
        put("engagement_depth_km", pos.dmz_depth_km if dmz else p["engagement.garrison_depth_km"])
        put("qrf_size", float(pos.size or 0))
        put(
            "qrf_readiness",
            -1 if pos.readiness is None else _code(pos.readiness, tuple(ReadinessTier)),
        )
        put("withdraw_prob", posture.withdraw_prob(pos, p))
        kind = posture.kind_of(pos)
        never = kind is None or pos.kind is PostureKind.MEMBERSHIP
        put("lapse_hazard", 0.0 if never else max(0.0, p[f"posture.lapse_rate.{kind}"]))
    n_t = max(len(row) for row in all_ticks)
    tick_table = np.full((2, n_t), np.nan)
    for j, row in enumerate(all_ticks):
        tick_table[j, : len(row)] = row
    arrays = {k: np.asarray(v) for k, v in out.items()}
    arrays["ticks"] = tick_table
    arrays["n_ticks"] = np.asarray([len(row) for row in all_ticks], dtype=np.int64)
    return arrays


def _demand_options(setup: Setup) -> tuple[I8, I8]:
    ins = setup.design.instruments
    n_g, n_i = len(setup.profiles), len(ins)
    names = [t.name for t in demands.TYPES]
    opts = [
        [[names.index(o.kind.name) for o in demands.options(pr.iso3, x)] for x in ins]
        for pr in setup.profiles
    ]
    width = max(1, max(len(o) for row in opts for o in row))
    table = np.full((n_g, n_i, width), -1, dtype=np.int64)
    counts = np.zeros((n_g, n_i), dtype=np.int64)
    for g in range(n_g):
        for i in range(n_i):
            table[g, i, : len(opts[g][i])] = opts[g][i]
            counts[g, i] = len(opts[g][i])
    return table, counts


_SCALARS = {"float": float, "int": int, "bool": bool}


def _typed(**fields: object) -> Tables:
    """A ``Tables`` whose scalars have their declared Python types, so that every setup
    compiles to the same numba signature (a parameter read as ``int`` would recompile)."""
    out = {}
    for name, value in fields.items():
        cast = _SCALARS.get(Tables.__annotations__[name])
        out[name] = value if cast is None else cast(value)
    return Tables(**out)  # type: ignore[arg-type]


def _bounds(pair: tuple[float, float]) -> F8:
    return np.asarray(pair, dtype=np.float64)


def compile_tables(setup: Setup) -> Tables:
    """Pack ``setup`` (its resolved parameters, design, lapsed design, profiles, timing model,
    delivery and demand parameters) into a :class:`Tables` for compiled code."""
    p, gp, dp, profs = setup.params, setup.gp, setup.dp, setup.profiles
    ins = setup.design.instruments
    kinds = tuple(IncidentKind)
    framework = setup.design.window_hours is not None
    lag_mu, lag_sigma = _lag_tables(setup, framework)
    arrays = _design_arrays(setup)
    options, n_options = _demand_options(setup)
    paced = np.zeros((4, 2))
    rest = np.zeros((4, 2))
    share = np.ones(4)
    for instrument in delivery.PACED:
        c = _code(instrument, tuple(Instrument))
        paced[c] = dp.first_h[instrument]
        rest[c] = dp.rest_h[instrument]
        share[c] = dp.first_share[instrument]

    def f8(name: str) -> F8:
        return np.ascontiguousarray(arrays[name], dtype=np.float64)

    def i8(name: str) -> I8:
        return np.ascontiguousarray(arrays[name], dtype=np.int64)

    def b1(name: str) -> B1:
        return np.ascontiguousarray(arrays[name], dtype=np.bool_)

    return _typed(
        ground_size=np.asarray([p[f"scenario.size.{k}"] for k in _GROUND], dtype=np.float64),
        ground_rate=np.asarray([p[f"scenario.rate.{k}"] for k in _GROUND], dtype=np.float64),
        ground_objective=np.asarray(
            [p[f"scenario.objective.{k}"] for k in _GROUND], dtype=np.float64
        ),
        size_sd=p["scenario.size_sd"],
        salami_hybrid_share=p["scenario.salami_hybrid_share"],
        disinformation_hybrid_share=p["scenario.disinformation_hybrid_share"],
        attr_initial=np.asarray([p[f"attribution.initial.{k.value}"] for k in kinds]),
        attr_tau_hours=np.asarray([p[f"attribution.tau_hours.{k.value}"] for k in kinds]),
        attr_ceiling=p["attribution.ceiling"],
        attr_pace_sd=p["attribution.pace_sd"],
        attr_split_sd=p["attribution.belief_split_sd"],
        disinfo_slowdown=p["disinformation.slowdown"],
        disinfo_split_sd=p["disinformation.belief_split_sd"],
        report_step=p["attribution.report_step"],
        clear_at=p["attribution.clear_at"],
        max_wait_h=p["activation.max_wait_days"] * 24.0,
        invocation_h=p["activation.invocation_hours"],
        horizon_h=p["consultation.horizon_days"] * 24.0,
        ticks=f8("ticks"),
        n_ticks=i8("n_ticks"),
        front_km=p["engagement.front_km"],
        km2_per_soldier=p["engagement.km2_per_soldier"],
        frontage_km=np.asarray([p[f"engagement.frontage_km.{k}"] for k in _GROUND]),
        aimed=np.asarray([p[f"engagement.aimed.{k}"] for k in _GEO]),
        strike_hits_base=p["engagement.strike_hits_base"],
        window_hours=f8("window_hours"),
        activation_rule=i8("activation_rule"),
        activation_threshold=f8("activation_threshold"),
        confirmed_at=f8("confirmed_at"),
        counts_only_if_met=b1("counts_only_if_met"),
        revisions_allowed=b1("revisions_allowed"),
        allowed=b1("allowed"),
        silence=i8("silence"),
        outcome_rule=i8("outcome_rule"),
        outcome_ins=i8("outcome_ins"),
        outcome_k=i8("outcome_k"),
        outcome_amount=f8("outcome_amount"),
        outcome_min_troops=f8("outcome_min_troops"),
        instruments=np.asarray([_code(x, tuple(Instrument)) for x in ins], dtype=np.int64),
        troop_index=ins.index(Instrument.TROOPS) if Instrument.TROOPS in ins else -1,
        offered=f8("offered"),
        readiness=f8("readiness"),
        posture_kind=i8("posture_kind"),
        stationed=f8("stationed"),
        has_force=b1("has_force"),
        distance_km=f8("distance_km"),
        engagement_depth_km=f8("engagement_depth_km"),
        qrf_size=f8("qrf_size"),
        qrf_readiness=i8("qrf_readiness"),
        withdraw_prob=f8("withdraw_prob"),
        lapse_hazard=f8("lapse_hazard"),
        annual_cost=float(setup.annual_cost),
        stance=np.asarray([pr.stance for pr in profs], dtype=np.float64),
        bandwagon_k=np.asarray([pr.bandwagon_k for pr in profs], dtype=np.int64),
        retroactive=np.asarray([pr.retroactive for pr in profs], dtype=np.float64),
        own_nuclear=np.asarray([pr.own_nuclear for pr in profs], dtype=np.bool_),
        legislature=np.asarray([pr.legislature for pr in profs], dtype=np.bool_),
        base=np.asarray([gp.base[x] for x in Instrument], dtype=np.float64),
        fear=np.asarray([gp.fear[x] for x in Instrument], dtype=np.float64),
        relief=gp.relief,
        signal_effect=gp.signal_effect,
        severity_effect=gp.severity_effect,
        attribution_effect=gp.attribution_effect,
        attribution_needed=gp.attribution_needed,
        election_near_prob=gp.election_near_prob,
        election_penalty=gp.election_penalty,
        opinion_sd=gp.opinion_sd,
        disinformation_shift=gp.disinformation_shift,
        engaged_confirm_prob=gp.engaged_confirm_prob,
        silence_when_unwilling=gp.silence_when_unwilling,
        deadline_silence_prob=gp.deadline_silence_prob,
        unfinished_commit_prob=gp.unfinished_commit_prob,
        deadline_answer_hours=gp.deadline_answer_hours,
        reject_prob=gp.reject_prob,
        revision_lag_hours=gp.revision_lag_hours,
        deadline_speedup=gp.deadline_speedup,
        nuclear=bool(setup.nuclear),
        nuclear_signal_prob=p["adversary.nuclear_signal_prob"],
        demand_prob=setup.demands.prob,
        demand_accept=np.asarray([setup.demands.accept[t.name] for t in demands.TYPES]),
        demand_reply_h=np.asarray([setup.demands.reply_hours[t.name] for t in demands.TYPES]),
        demand_options=options,
        n_demand_options=n_options,
        framework=framework,
        lag_family=_ERRORS.index(setup.lags.model.family),
        lag_mu=lag_mu,
        lag_sigma=lag_sigma,
        n_lag_draws=setup.lags.model.n_draws,
        troop_h=np.asarray([dp.lead_h, dp.very_high_rest_h, dp.high_h, dp.low_h], dtype=np.float64),
        lead_share=dp.lead_share,
        troops_need_honoured=dp.troops_need_honoured,
        delivery_horizon_h=dp.horizon_h,
        first_h=paced,
        first_share=share,
        rest_h=rest,
        in_force_h=_bounds(dp.in_force_h),
        sanctions_eur=dp.sanctions_eur,
        attacker_ratio=p["front.attacker_ratio"],
        ukraine_forces=np.asarray([front.ukraine_forces(f, p) for f in FAMILIES]),
        front_horizon_h=p["front.horizon_days"] * 24.0,
        max_items=len(profs) * len(ins) * 9,
    )
