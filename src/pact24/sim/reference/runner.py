"""The reference runner: modelled actors drive the real mechanism, one event at a time.

A *run* is a campaign: at each of its opportunities the adversary weighs an attack
(``models.adversary``); each attack is a *crisis*, one ``Deliberation`` of the design driven
through ``engine.apply``. Within a crisis:

1. ``IncidentReported`` at the attack; ``AttributionAssessed`` whenever the shared assessment
   (``models.attribution``) moves by ``attribution.report_step``;
2. ``engine.activation_due`` / ``engine.open_window`` (on the report, or once attribution reaches
   the design's threshold);
3. every guarantor answers per instrument as ``models.guarantor`` says, at the times the timing
   model gives (``models.lags``): each answer is a real ``DecisionRecorded`` with its revision
   number and typed ``Condition``; votes and the beneficiary's replies are
   ``ConditionResolved``; the adversary may issue a nuclear warning;
4. ``engine.close`` at the deadline (or, without one, when all decided or the chair ends it);
5. ``DeliveryReported`` for what arrives (``models.delivery``), after the outcome; the front
   model (``models.front``) reads the arrivals.

Nothing here reads a clock or global randomness: time is ``start`` plus offsets, randomness is
the ``numpy.random.Generator`` passed in. ``run_many`` gives run ``k`` the generator of
``SeedSequence(seed).spawn(runs)[k]``, so any run can be replayed on its own (``replay_run``).
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from pact24.designs.schema import Design, Posture
from pact24.errors import InvalidInput
from pact24.mechanism import (
    AttributionAssessed,
    ConditionResolved,
    DecisionRecorded,
    Deliberation,
    DeliveryReported,
    Event,
    IncidentReported,
    Receipt,
    engine,
)
from pact24.sim import results
from pact24.sim.models import adversary, attribution, delivery, front, guarantor
from pact24.sim.models.guarantor import Answer, GuarantorParams, Profile, Situation
from pact24.sim.models.lags import LagSampler
from pact24.sim.models.scenario import ADAPTIVE, SCENARIOS, Attack, Family, draw_attack
from pact24.sim.models.timing import TimingModel
from pact24.sim.params import Params
from pact24.sim.registry import resolve
from pact24.vocab import (
    Choice,
    ConditionKind,
    Instrument,
    PostureKind,
    ReadinessTier,
    ReceiptStatus,
)

START = datetime(2030, 1, 1, tzinfo=UTC)
"""Default start of simulated time (the campaign's day 0)."""

ASSESSOR = "joint-assessment-cell"

_TICK, _DECIDE, _VOTE, _REPLY, _SIGNAL, _REVISE = range(6)
_BELIEF_RESOLUTION = 1e-6
"""Guarantors re-read attribution at a tick only if some belief moved by more than this."""


# --- setup: everything that is the same for every run of one command -----------------------


@dataclass(frozen=True)
class Setup:
    """A design, a scenario and a resolved parameter set, read once for many runs."""

    design: Design
    lapsed: Design
    scenario: str
    family: Family | None
    params: Params
    gp: GuarantorParams
    dp: delivery.DeliveryParams
    profiles: tuple[Profile, ...]
    lags: LagSampler
    annual_cost: float
    start: datetime
    nuclear: bool
    allowed: frozenset[ConditionKind]
    overrides: Mapping[str, float] = field(default_factory=dict)


def prepare(
    design: Design,
    scenario: str,
    overrides: Mapping[str, float] | None = None,
    *,
    timing: TimingModel | None = None,
    start: datetime = START,
) -> Setup:
    """Check the scenario, resolve the parameters and read the design once."""
    if scenario not in SCENARIOS:
        raise InvalidInput(
            f"unknown scenario {scenario!r}; expected one of {', '.join(SCENARIOS)}",
            scenario=scenario,
        )
    p = resolve(overrides)
    nuclear = adversary.nuclear(p)
    commitment = "ally" if design.posture.kind is PostureKind.MEMBERSHIP else "treaty_guarantee"
    return Setup(
        design=design,
        lapsed=design.model_copy(update={"posture": Posture(kind=PostureKind.NONE)}),
        scenario=scenario,
        family=None if scenario == ADAPTIVE else Family(scenario),
        params=p,
        gp=GuarantorParams.from_params(p),
        dp=delivery.DeliveryParams.from_params(p),
        profiles=guarantor.profiles(design, p),
        lags=LagSampler(
            model=timing or TimingModel.default(),
            instruments=design.instruments,
            commitment=commitment,
            nuclear_adversary=nuclear,
        ),
        annual_cost=delivery.annual_cost(design, p),
        start=start,
        nuclear=nuclear,
        allowed=frozenset(design.conditions.allowed),
        overrides=dict(overrides or {}),
    )


# --- what a run produces ---------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisRecord:
    """One crisis: its attack, its event log (exactly what the mechanism accepted) and its
    measured consequences."""

    index: int
    day: float
    attack: Attack
    lapsed: bool
    events: tuple[Event, ...]
    window_opened: bool
    honoured: bool
    nuclear_warning: bool
    hours_to_activation: float
    close_hours: float
    first_troop_commitment_hours: float
    first_arrival_hours: float
    effective_hours: float
    troops_arrived_30d: float
    territory_km2: float
    attribution_at_close: float
    state: Deliberation


@dataclass(frozen=True)
class RunRecord:
    run: int
    crises: tuple[CrisisRecord, ...]
    row: dict[str, Any]


# --- one crisis --------------------------------------------------------------------------------


class _Crisis:
    """The mutable bookkeeping of one crisis; every mechanism event goes through ``_apply``."""

    def __init__(
        self,
        setup: Setup,
        design: Design,
        attack: Attack,
        t0: datetime,
        incident_id: str,
        rng: np.random.Generator,
    ) -> None:
        self.setup, self.design, self.attack, self.t0, self.rng = setup, design, attack, t0, rng
        self.p = setup.params
        self.gp = setup.gp
        self.instruments = design.instruments
        self.n_g, self.n_i = len(setup.profiles), len(design.instruments)
        self.troops = (
            design.instruments.index(Instrument.TROOPS)
            if Instrument.TROOPS in design.instruments
            else -1
        )
        self.state = engine.start(design)
        self.incident_id = incident_id
        self.heap: list[tuple[float, int, int, int, int]] = []
        self.seq = 0
        self.closed = False
        self.close_reason = "deadline"

    # -- plumbing ---------------------------------------------------------------------------

    def at(self, hours: float) -> datetime:
        return self.t0 + timedelta(hours=hours)

    def _apply(self, event: Event) -> None:
        self.state = engine.apply(self.state, event)

    def push(self, hours: float, kind: int, g: int = -1, i: int = -1) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (hours, self.seq, kind, g, i))

    # -- the crisis -------------------------------------------------------------------------

    def run(self) -> CrisisRecord:
        p, gp, a, rng = self.p, self.gp, self.attack, self.rng
        setup, design = self.setup, self.design
        n_g, n_i = self.n_g, self.n_i
        # what is drawn once per crisis, in a fixed order
        self.path = attribution.draw_path(a.kind, a.disinformation, p, rng)
        self.offsets = attribution.draw_offsets(n_g, a.disinformation, p, rng)
        election = rng.random(n_g) < gp.election_near_prob
        opinion = gp.opinion_sd * rng.standard_normal(n_g)
        retro_u = rng.random(n_g)
        self.reject = rng.random(n_g) < gp.reject_prob
        self.u: list[list[float]] = rng.random((n_g, n_i)).tolist()
        self.silent_if_unwilling: list[list[bool]] = (
            rng.random((n_g, n_i)) < gp.silence_when_unwilling
        ).tolist()
        self.confirms: list[bool] = (rng.random(n_g) < gp.engaged_confirm_prob).tolist()
        demand_on = rng.random((n_g, n_i)) < gp.demand_prob
        demand_pick = rng.integers(0, len(guarantor.DEMANDS), size=(n_g, n_i))
        self.accepts = rng.random((n_g, n_i)) < gp.accept_prob
        warn_u, warn_at_u = float(rng.random()), float(rng.random())

        self.engaged = [design.posture.engaged(pr.iso3) for pr in setup.profiles]
        self.has_offer = [
            [design.offered(pr.iso3, ins) > 0 for ins in self.instruments] for pr in setup.profiles
        ]
        self.z_static = [
            [
                guarantor.static_willingness(
                    gp,
                    pr,
                    ins,
                    a.severity,
                    setup.nuclear,
                    bool(election[g]),
                    float(opinion[g]),
                    a.disinformation,
                    self.engaged[g] and ins is Instrument.TROOPS,
                )
                for ins in self.instruments
            ]
            for g, pr in enumerate(setup.profiles)
        ]
        self.parliament = [
            ("bypassed" if retro_u[g] < pr.retroactive else "pending") if pr.legislature else "none"
            for g, pr in enumerate(setup.profiles)
        ]
        self.vote_scheduled = [False] * n_g
        self.demand: list[list[str | None]] = [
            [
                guarantor.DEMANDS[int(demand_pick[g, i])] if demand_on[g, i] else None
                for i in range(n_i)
            ]
            for g in range(n_g)
        ]
        self.demand_state = [
            ["none" if d is None else "pending" for d in row] for row in self.demand
        ]
        self.reply_scheduled = [[False] * n_i for _ in range(n_g)]
        self.current: list[list[Answer | None]] = [[None] * n_i for _ in range(n_g)]
        self.versions = [[0] * n_i for _ in range(n_g)]
        self.decided_at = [[math.nan] * n_i for _ in range(n_g)]
        self.resolved_at = [[math.nan] * n_i for _ in range(n_g)]
        self.awake = [[False] * n_i for _ in range(n_g)]
        self.pending = [[False] * n_i for _ in range(n_g)]
        self.seen: list[list[tuple[object, ...] | None]] = [[None] * n_i for _ in range(n_g)]
        self.warned = False
        self.demands = 0
        # unconditional troop commitments as the mechanism counts them for others_commit_first:
        # explicit commitments, and engaged guarantors that have said nothing
        self.committed = [self.engaged[g] and self.troops >= 0 for g in range(n_g)]
        self.n_committed = sum(self.committed)

        # 1. the report and the first assessment
        self._apply(
            IncidentReported(
                at=self.t0,
                incident_id=self.incident_id,
                kind=a.kind,
                severity=a.severity,
                evidence=(hashlib.sha256(self.incident_id.encode()).hexdigest(),),
                reported_by=design.beneficiary.iso3,
                summary=a.summary(),
            )
        )
        self.reported_c = self.path.confidence(0.0)
        self._apply(AttributionAssessed(self.t0, round(self.reported_c, 4), ASSESSOR))

        # 2. activation
        span = design.window_hours or p["consultation.horizon_days"] * 24.0
        ticks = self._ticks(p["activation.max_wait_days"] * 24.0 + span)
        open_h = 0.0
        if not engine.activation_due(self.state):
            threshold = design.activation.threshold or 1.0
            open_h = math.nan
            for t in ticks:
                if t > p["activation.max_wait_days"] * 24.0:
                    break
                self._assess(t, force=self.path.confidence(t) >= threshold)
                if engine.activation_due(self.state):
                    open_h = t
                    break
            if math.isnan(open_h):
                return self._record_no_window()
        self._apply(engine.open_window(self.state, self.at(open_h)))
        if design.window_hours is not None:
            end_h = open_h + design.window_hours
        else:
            end_h = open_h + p["consultation.horizon_days"] * 24.0
        self.end_h = end_h

        # 3. the window
        beliefs = self._beliefs(open_h)
        clear = np.array([b >= p["attribution.clear_at"] for b in beliefs])
        speedup = gp.deadline_speedup if design.window_hours is not None else 1.0
        self.lags = setup.lags.draw(rng, a.severity, clear, speedup)
        for g in range(n_g):
            for i in range(n_i):
                if self.has_offer[g][i]:
                    t = max(open_h, float(self.lags.decision[g, i]))
                    if t < end_h:
                        self.push(t, _DECIDE, g, i)
        for t in ticks:
            if open_h < t < end_h:
                self.push(t, _TICK)
        self.warn_h = math.nan
        if setup.nuclear and warn_u < p["adversary.nuclear_signal_prob"]:
            self.warn_h = open_h + warn_at_u * min(end_h - open_h, 24.0)
            self.push(self.warn_h, _SIGNAL)
        self.beliefs = beliefs
        while self.heap and not self.closed:
            h, _, kind, g, i = heapq.heappop(self.heap)
            if h >= end_h:
                break
            self._handle(h, kind, g, i)

        # 4. the one close
        close_h = self.close_h if self.closed else end_h
        reason = (
            self.close_reason
            if self.closed
            else ("deadline" if design.window_hours is not None else "chair")
        )
        for event in engine.close(self.state, self.at(close_h), reason):
            self._apply(event)
        return self._deliver(open_h, close_h)

    # -- attribution ------------------------------------------------------------------------

    def _ticks(self, until_h: float) -> list[float]:
        step = self.p["attribution.tick_hours"]
        fine = self.p["window.fine_hours"]
        out: list[float] = []
        t = step
        while t <= min(fine, until_h):
            out.append(t)
            t += step
        t = (math.floor(fine / 24.0) + 1) * 24.0
        while t <= until_h:
            out.append(t)
            t += 24.0
        return out

    def _assess(self, h: float, force: bool = False) -> None:
        c = self.path.confidence(h)
        confirmed = self.design.conditions.attribution_confirmed_at
        crossed = self.reported_c < confirmed <= c
        if force or crossed or c - self.reported_c >= self.p["attribution.report_step"]:
            self.reported_c = c
            self._apply(AttributionAssessed(self.at(h), round(c, 4), ASSESSOR))

    def _beliefs(self, h: float) -> list[float]:
        c = self.path.confidence(h)
        return [attribution.belief(c, float(o)) for o in self.offsets]

    # -- events of the window ---------------------------------------------------------------

    def _handle(self, h: float, kind: int, g: int, i: int) -> None:
        if kind == _TICK:
            self._assess(h)
            beliefs = self._beliefs(h)
            moved = max(abs(a - b) for a, b in zip(beliefs, self.beliefs, strict=True))
            self.beliefs = beliefs
            if moved > _BELIEF_RESOLUTION:  # once attribution has settled, a tick changes nothing
                self._reconsider_all(h)
        elif kind == _DECIDE:
            self.awake[g][i] = True
            self._consider(g, i, h, immediate=True)
        elif kind == _REVISE:
            self.pending[g][i] = False
            self._consider(g, i, h, immediate=True)
        elif kind == _VOTE:
            self._vote(g, h)
        elif kind == _REPLY:
            self._reply(g, i, h)
        elif kind == _SIGNAL:
            self.warned = True
            self._reconsider_all(h, signal=True)

    def _others_committed(self, g: int) -> int:
        return self.n_committed - (1 if self.committed[g] else 0)

    def _consider(self, g: int, i: int, h: float, immediate: bool) -> None:
        """Re-read the situation of guarantor ``g`` on instrument ``i`` and answer if it changed.

        The answer (choice and condition) is a function of what ``key`` holds; when a re-read
        (``immediate=False``) finds the same key as last time, there is nothing new to say.
        """
        prof = self.setup.profiles[g]
        ins = self.instruments[i]
        troops = i == self.troops
        belief = self.beliefs[g]
        cur = self.current[g][i]
        willing = guarantor.willing(
            self.gp, self.z_static[g][i], ins, belief, self.warned, self.u[g][i]
        )
        others = self._others_committed(g) if troops else 0
        parliament = self.parliament[g] if troops else "none"
        key = (
            willing,
            belief >= self.gp.attribution_needed,
            others >= prof.bandwagon_k,
            parliament,
            self.demand_state[g][i],
            cur,
        )
        if not immediate and key == self.seen[g][i]:
            return
        self.seen[g][i] = key
        s = Situation(
            willing=willing,
            silent_if_unwilling=self.silent_if_unwilling[g][i],
            committed=cur is not None and cur.choice is Choice.COMMIT,
            engaged=self.engaged[g],
            confirms_if_engaged=self.confirms[g],
            belief=belief,
            others_committed=others,
            parliament=parliament,
            demand=self.demand[g][i],
            demand_state=self.demand_state[g][i],
        )
        want = guarantor.answer(self.gp, prof, ins, s, self.setup.allowed)
        self._side_effects(g, i, h, s, want)
        same = (want is None and cur is None) or (
            want is not None
            and cur is not None
            and want.choice is cur.choice
            and want.condition == cur.condition
        )
        if same or want is None:
            return  # nothing new to say (a recorded answer is never withdrawn into silence)
        if immediate:
            self._record(g, i, h, want)
        elif not self.pending[g][i]:
            self.pending[g][i] = True
            lag = float(self.rng.exponential(self.gp.revision_lag_hours))
            self.push(h + lag, _REVISE, g, i)

    def _side_effects(self, g: int, i: int, h: float, s: Situation, want: Answer | None) -> None:
        """Start a parliamentary vote or ask the beneficiary, when the answer reaches that step."""
        prof = self.setup.profiles[g]
        if (
            i == self.troops
            and s.parliament == "pending"
            and not self.vote_scheduled[g]
            and s.willing
            and not s.engaged
            and s.belief >= self.gp.attribution_needed
            and s.others_committed >= prof.bandwagon_k
        ):
            self.vote_scheduled[g] = True
            self.push(max(float(self.lags.vote[g]), h + 1.0), _VOTE, g, i)
        if (
            want is not None
            and want.condition is not None
            and want.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
            and not self.reply_scheduled[g][i]
        ):
            self.reply_scheduled[g][i] = True
            self.push(h + float(self.rng.exponential(self.gp.reply_hours)), _REPLY, g, i)

    def _reconsider_all(self, h: float, troops_only: bool = False, signal: bool = False) -> None:
        """Let every guarantor that has looked re-read the situation.

        Beliefs only grow and counts of commitments only change what waiting guarantors wait
        for, so an unconditional commitment is re-read only after a nuclear warning.
        """
        instruments = (self.troops,) if troops_only else range(self.n_i)
        for g in range(self.n_g):
            awake, pending, current = self.awake[g], self.pending[g], self.current[g]
            for i in instruments:
                if not awake[i] or pending[i]:
                    continue
                cur = current[i]
                if not signal and cur is not None and cur.choice is Choice.COMMIT:
                    continue
                self._consider(g, i, h, immediate=False)

    def _record(self, g: int, i: int, h: float, want: Answer) -> None:
        at = self.at(h)
        if self.state.deadline is not None and at >= self.state.deadline:
            return
        if self.versions[g][i] and not self.design.revisions_allowed:
            return
        prof = self.setup.profiles[g]
        was_commit = self._is_commit(g, i)
        self.versions[g][i] += 1
        self._apply(
            DecisionRecorded(
                at=at,
                guarantor=prof.iso3,
                instrument=self.instruments[i],
                choice=want.choice,
                revision=self.versions[g][i],
                delegate=prof.delegate,
                condition=want.condition,
                note=want.note,
            )
        )
        self.current[g][i] = want
        self.decided_at[g][i] = h
        if (
            want.condition is not None
            and want.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
        ):
            self.demands += 1
        if i == self.troops and was_commit != self._is_commit(g, i):
            self.committed[g] = not was_commit
            self.n_committed += 1 if self.committed[g] else -1
            self._reconsider_all(h, troops_only=True)  # the bandwagon: others see the count
        if self.design.window_hours is None and engine.all_decided(self.state):
            self.closed, self.close_h, self.close_reason = True, h, "all_decided"

    def _is_commit(self, g: int, i: int) -> bool:
        cur = self.current[g][i]
        return (cur is not None and cur.choice is Choice.COMMIT) or (
            cur is None and i == self.troops and self.engaged[g]
        )

    def _vote(self, g: int, h: float) -> None:
        t = self.troops
        approved = not bool(self.reject[g])
        self.parliament[g] = "approved" if approved else "rejected"
        cur = self.current[g][t]
        if (
            cur is not None
            and cur.condition is not None
            and (cur.condition.kind is ConditionKind.PARLIAMENT_APPROVAL)
        ):
            self._resolve(
                g, t, h, approved, "parliament approved" if approved else "parliament voted no"
            )
        if self.awake[g][t] and not self.pending[g][t]:
            self._consider(g, t, h, immediate=False)

    def _reply(self, g: int, i: int, h: float) -> None:
        accepted = bool(self.accepts[g, i])
        self.demand_state[g][i] = "accepted" if accepted else "refused"
        cur = self.current[g][i]
        if (
            cur is not None
            and cur.condition is not None
            and (cur.condition.kind is ConditionKind.BENEFICIARY_CONCESSION)
        ):
            note = "the beneficiary accepts the demand" if accepted else "the beneficiary refuses"
            self._resolve(g, i, h, accepted, note)
        if self.awake[g][i] and not self.pending[g][i]:
            self._consider(g, i, h, immediate=False)

    def _resolve(self, g: int, i: int, h: float, met: bool, note: str) -> None:
        at = self.at(h)
        if self.state.deadline is not None and at >= self.state.deadline:
            return
        self._apply(
            ConditionResolved(at, self.setup.profiles[g].iso3, self.instruments[i], met, note)
        )
        if met:
            self.resolved_at[g][i] = h

    # -- after the close --------------------------------------------------------------------

    def _commit_hours(self, r: Receipt, g: int, i: int, close_h: float) -> float:
        if r.instrument is Instrument.TROOPS and self.engaged[g]:
            return 0.0
        if r.status is ReceiptStatus.COMMIT:
            return close_h if r.by_silence else self.decided_at[g][i]
        if r.condition is not None and r.condition.kind in (
            ConditionKind.OTHERS_COMMIT_FIRST,
            ConditionKind.ATTRIBUTION_CONFIRMED,
        ):
            return close_h
        resolved = self.resolved_at[g][i]
        return close_h if math.isnan(resolved) else resolved

    def _deliver(self, open_h: float, close_h: float) -> CrisisRecord:
        setup, design, dp, rng = self.setup, self.design, self.setup.dp, self.rng
        outcome = self.state.outcome
        assert outcome is not None
        honoured = outcome.honoured
        index = {pr.iso3: g for g, pr in enumerate(setup.profiles)}
        ins_index = {ins: i for i, ins in enumerate(self.instruments)}
        posture = design.posture
        stationed = {f.guarantor: float(f.troops) for f in posture.forces}
        troops_move = honoured or not dp.troops_need_honoured
        counted_troops = [
            r for r in self.state.receipts if r.instrument is Instrument.TROOPS and r.counts
        ]
        qrf_share: dict[str, float] = {}
        if posture.kind is PostureKind.QRF and honoured and counted_troops and posture.size:
            weights = [max(r.amount, 1.0) for r in counted_troops]
            total = sum(weights)
            qrf_share = {
                r.guarantor: posture.size * w / total
                for r, w in zip(counted_troops, weights, strict=True)
            }
        items: list[tuple[float, int, Instrument, float, str]] = []
        commit_hours: list[float] = []
        for r in self.state.receipts:
            if not r.counts:
                continue
            g, i = index[r.guarantor], ins_index[r.instrument]
            t_commit = self._commit_hours(r, g, i, close_h)
            if r.instrument is not Instrument.TROOPS:
                arrive = max(t_commit, float(self.lags.delivery[g, i]))
                if r.amount > 0:
                    items.append((arrive, g, r.instrument, r.amount, "delivered"))
                continue
            commit_hours.append(t_commit)
            remaining = r.amount
            here = stationed.get(r.guarantor, 0.0) if self.engaged[g] else 0.0
            if here > 0:
                items.append(
                    (0.0, g, r.instrument, min(here, remaining), "stationed forces in place")
                )
                remaining -= min(here, remaining)
            if not troops_move or remaining <= 0:
                continue
            offer = delivery.offer_of(design, r.guarantor, Instrument.TROOPS)
            share = min(qrf_share.get(r.guarantor, 0.0), remaining)
            if share > 0:
                assert posture.readiness is not None
                for tr in delivery.schedule(
                    dp,
                    {t: (share if t is posture.readiness else 0.0) for t in ReadinessTier},
                    close_h,
                    0.0,
                    rng,
                    "QRF",
                ):
                    items.append((tr.hours, g, r.instrument, tr.amount, tr.label))
                remaining -= share
            if remaining <= 0:
                continue
            split = delivery.tiers(offer, remaining)
            if posture.kind is PostureKind.MEMBERSHIP:
                plan = delivery.schedule(dp, split, t_commit, 0.0, rng)
            else:
                plan = delivery.schedule(dp, split, t_commit, float(self.lags.delivery[g, i]), rng)
            items.extend((tr.hours, g, r.instrument, tr.amount, tr.label) for tr in plan)

        items = [it for it in items if it[0] <= dp.horizon_h]
        items.sort(key=lambda it: (max(it[0], close_h), it[0], it[1]))
        for hours, g, ins, amount, label in items:
            self._apply(
                DeliveryReported(
                    at=self.at(max(hours, close_h)),
                    guarantor=setup.profiles[g].iso3,
                    instrument=ins,
                    amount=float(amount),
                    note=f"{label}: arrived +{hours:.1f} h after the attack",
                )
            )
        arrivals = [(h, amt) for h, _, ins, amt, _ in items if ins is Instrument.TROOPS]
        fr = front.assess(
            self.attack.size,
            self.attack.rate_km2_per_day,
            self.attack.objective_km2,
            arrivals,
            self.p,
        )
        self.open_h = open_h
        return CrisisRecord(
            index=0,
            day=0.0,
            attack=self.attack,
            lapsed=False,
            events=self.state.history,
            window_opened=True,
            honoured=honoured,
            nuclear_warning=self.warned,
            hours_to_activation=open_h,
            close_hours=close_h,
            first_troop_commitment_hours=min(commit_hours) if commit_hours else math.nan,
            first_arrival_hours=min((h for h, _ in arrivals), default=math.nan),
            effective_hours=fr.effective_hours,
            troops_arrived_30d=float(sum(a for h, a in arrivals if h <= 720.0)),
            territory_km2=fr.territory_km2,
            attribution_at_close=self.state.attribution,
            state=self.state,
        )

    def _record_no_window(self) -> CrisisRecord:
        fr = front.assess(
            self.attack.size, self.attack.rate_km2_per_day, self.attack.objective_km2, (), self.p
        )
        return CrisisRecord(
            index=0,
            day=0.0,
            attack=self.attack,
            lapsed=False,
            events=self.state.history,
            window_opened=False,
            honoured=False,
            nuclear_warning=False,
            hours_to_activation=math.nan,
            close_hours=math.nan,
            first_troop_commitment_hours=math.nan,
            first_arrival_hours=math.nan,
            effective_hours=math.nan,
            troops_arrived_30d=0.0,
            territory_km2=fr.territory_km2,
            attribution_at_close=self.state.attribution,
            state=self.state,
        )


# --- one run: a campaign of crises -------------------------------------------------------------


def _has_deadline(design: Design) -> bool:
    return design.window_hours is not None


def run_one(setup: Setup, run: int, rng: np.random.Generator) -> RunRecord:
    """Run ``run`` of the campaign with its own generator ``rng``."""
    p, design = setup.params, setup.design
    lapse_years = delivery.draw_lapse_years(setup.annual_cost, p, rng)
    horizon_years = p["readiness.horizon_years"]
    salami = setup.family is Family.SALAMI
    n_opp = round(p["campaign.salami_opportunities" if salami else "campaign.opportunities"])
    spacing = p["campaign.salami_spacing_days" if salami else "campaign.spacing_days"]
    belief = adversary.Belief()
    crises: list[CrisisRecord] = []
    for j in range(n_opp):
        day = (j + 1) * spacing
        lapsed = day / 365.25 >= lapse_years
        d = setup.lapsed if lapsed else design
        cred = adversary.credibility(belief, d.posture.kind, _has_deadline(d), p)
        family = adversary.choose(setup.family, cred, p, rng)
        if family is None:
            continue
        attack = draw_attack(family, p, rng)
        incident_id = f"{design.name}/{setup.scenario}/run{run}/crisis{len(crises) + 1}"
        t0 = setup.start + timedelta(days=day)
        rec = _Crisis(setup, d, attack, t0, incident_id, rng).run()
        rec = _replace_meta(rec, index=len(crises), day=day, lapsed=lapsed)
        crises.append(rec)
        belief = belief.observe(rec.honoured)
    years_held = min(horizon_years, lapse_years)
    row = _row(setup, run, tuple(crises), years_held)
    return RunRecord(run=run, crises=tuple(crises), row=row)


def _replace_meta(rec: CrisisRecord, index: int, day: float, lapsed: bool) -> CrisisRecord:
    from dataclasses import replace

    return replace(rec, index=index, day=day, lapsed=lapsed)


def _row(
    setup: Setup, run: int, crises: tuple[CrisisRecord, ...], years_held: float
) -> dict[str, Any]:
    row = results.empty_row()
    row.update(
        design=setup.design.name,
        scenario=setup.scenario,
        run=run,
        attacked=bool(crises),
        crises=len(crises),
        crises_honoured=sum(1 for c in crises if c.honoured),
        territory_at_risk_km2=float(sum(c.territory_km2 for c in crises)),
        readiness_cost_eur=setup.annual_cost * years_held,
        posture_years_held=years_held,
    )
    if not crises:
        row["territory_at_risk_km2"] = 0.0
        return row
    c = crises[0]
    row.update(
        first_family=c.attack.family.value,
        incident_kind=c.attack.kind.value,
        posture_lapsed=c.lapsed,
        window_opened=c.window_opened,
        decided=c.honoured,
        nuclear_warning=c.nuclear_warning,
        attribution_at_close=c.attribution_at_close,
        hours_to_activation=c.hours_to_activation,
        hours_to_first_troop_commitment=c.first_troop_commitment_hours,
        hours_to_first_arrival=c.first_arrival_hours,
        hours_to_effective_response=c.effective_hours,
        troops_arrived_30d=c.troops_arrived_30d,
        attack_size=c.attack.size,
        territory_first_crisis_km2=c.territory_km2,
    )
    outcome = c.state.outcome
    if outcome is not None:
        for t in outcome.tallies:
            row[f"commits_{t.instrument.value}"] = len(t.counted)
        troops = outcome.tally(Instrument.TROOPS)
        if troops is not None:
            row["troops_in_window"] = bool(troops.counted)
            row["conditional_troops"] = len(troops.conditional_met) + len(troops.conditional_unmet)
            row["declined_troops"] = sum(
                1
                for r in c.state.receipts
                if r.instrument is Instrument.TROOPS
                and r.status is ReceiptStatus.DECLINE
                and not r.by_silence
            )
            row["silent_troops"] = len(troops.silent)
        row["unmet_conditions"] = len(outcome.unmet_conditions)
    decisions = [e for e in c.events if isinstance(e, DecisionRecorded)]
    row["revisions"] = sum(1 for e in decisions if e.revision > 1)
    row["demands"] = sum(
        1
        for e in decisions
        if e.condition is not None and e.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
    )
    return row


# --- many runs ---------------------------------------------------------------------------------


def run_generator(seed: int, run: int) -> np.random.Generator:
    """The generator of run ``run``: child ``run`` of ``SeedSequence(seed)`` (as ``spawn`` makes
    it), so a run does not depend on how many runs were asked for."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(run,)))


def iter_runs(setup: Setup, runs: int, seed: int) -> Iterator[RunRecord]:
    """Runs ``0 .. runs-1``; run ``k`` uses ``SeedSequence(seed).spawn(runs)[k]``."""
    children = np.random.SeedSequence(seed).spawn(runs)
    for k, child in enumerate(children):
        yield run_one(setup, k, np.random.default_rng(child))


def run_many(
    setup: Setup,
    runs: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """The results rows of ``runs`` runs (``progress(k)`` after each)."""
    rows = []
    for rec in iter_runs(setup, runs, seed):
        rows.append(rec.row)
        if progress is not None:
            progress(rec.run)
    return rows


def replay_run(setup: Setup, seed: int, run: int) -> RunRecord:
    """Run ``run`` exactly as ``run_many(setup, runs, seed)`` ran it (for any ``runs > run``)."""
    return run_one(setup, run, run_generator(seed, run))
