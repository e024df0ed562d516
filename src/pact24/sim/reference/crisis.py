"""One crisis: one ``Deliberation`` of the design driven through the real mechanism.

1. ``IncidentReported`` at the attack, naming the guarantors whose stationed forces it touched
   (``models.posture``), and the first ``AttributionAssessed``;
2. activation: at once on the report, once the assessment reaches the mechanism's activation
   threshold, or (``on_invocation``) when the council invokes by consensus (``models.window``),
   within ``activation.max_wait_days``;
3. the window: guarantors answer at the times the timing model gives (``models.lags``) or,
   under a deadline, when their answer falls due shortly before it (``models.guarantor``,
   "Answering by a deadline"); votes and the beneficiary's replies come in, attribution moves,
   the adversary may issue a nuclear warning — each an entry on the agenda, in time order;
4. ``engine.close`` at the deadline (or, without one, when all decided or the chair ends it);
5. ``DeliveryReported`` for what arrives; the front model (``models.front``) reads the arrivals.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

import numpy as np

from pact24.designs.schema import Design
from pact24.mechanism import Deliberation, IncidentReported, engine
from pact24.mechanism.queries import activation_threshold
from pact24.sim.models import delivery, front, posture
from pact24.sim.models.scenario import Attack
from pact24.sim.params import Params
from pact24.sim.reference import arrivals
from pact24.sim.reference.agenda import DECIDE, DUE, REPLY, REVISE, SIGNAL, TICK, VOTE, Agenda
from pact24.sim.reference.assessment import Assessment, ticks
from pact24.sim.reference.draws import CrisisDraws, draw
from pact24.sim.reference.driver import Driver
from pact24.sim.reference.guarantors import Guarantors, troop_index
from pact24.sim.reference.procedures import Procedures
from pact24.sim.reference.records import CrisisRecord
from pact24.sim.reference.setup import Setup
from pact24.vocab import ConditionKind, Instrument

PACKAGE_HOURS = 7 * 24.0
"""The horizon of ``package_eur_7d``: what is delivered or in force a week after the attack."""


def run_crisis(
    setup: Setup,
    design: Design,
    attack: Attack,
    t0: datetime,
    incident_id: str,
    rng: np.random.Generator,
) -> CrisisRecord:
    """The crisis of ``attack`` at ``t0`` under ``design`` (the posture may have lapsed)."""
    p = setup.params
    draws = draw(attack, len(setup.profiles), len(design.instruments), p, setup.gp, rng)
    engaged = posture.draw_engaged(design.posture, attack, p, rng)
    driver = Driver(design, t0)
    driver.apply(
        IncidentReported(
            at=t0,
            incident_id=incident_id,
            kind=attack.kind,
            severity=attack.severity,
            evidence=(hashlib.sha256(incident_id.encode()).hexdigest(),),
            reported_by=design.beneficiary.iso3,
            summary=attack.summary(),
            engaged=engaged,
        )
    )
    assessment = Assessment(driver, draws, p)
    span = design.window_hours or p["consultation.horizon_days"] * 24.0
    agenda_ticks = ticks(p, p["activation.max_wait_days"] * 24.0 + span)
    open_h = _activate(driver, assessment, agenda_ticks, p)
    if open_h is None:
        return _no_window(setup, design, attack, driver)
    driver.apply(engine.open_window(driver.state, driver.at(open_h)))
    return _Window(setup, design, attack, draws, driver, assessment, open_h, rng).run(agenda_ticks)


def _activate(
    driver: Driver, assessment: Assessment, agenda_ticks: list[float], p: Params
) -> float | None:
    """The hour the window opens, or None if it cannot open within ``max_wait_days``."""
    if engine.activation_due(driver.state):
        return 0.0
    design = driver.state.design
    threshold = activation_threshold(design)
    max_wait_h = p["activation.max_wait_days"] * 24.0
    if design.activation.rule == "on_invocation":
        earliest = p["activation.invocation_hours"]
        for t in sorted({earliest, *(h for h in agenda_ticks if h > earliest)}):
            if t > max_wait_h:
                break
            assessment.assess(t, force=assessment.confidence(t) >= threshold)
            if engine.activation_open(driver.state) and min(assessment.beliefs(t)) >= threshold:
                return t
        return None
    for t in agenda_ticks:
        if t > max_wait_h:
            break
        assessment.assess(t, force=assessment.confidence(t) >= threshold)
        if engine.activation_due(driver.state):
            return t
    return None


class _Window:
    """The window of one crisis: its agenda, handled in time order until the close."""

    def __init__(
        self,
        setup: Setup,
        design: Design,
        attack: Attack,
        draws: CrisisDraws,
        driver: Driver,
        assessment: Assessment,
        open_h: float,
        rng: np.random.Generator,
    ) -> None:
        p, gp = setup.params, setup.gp
        self.setup, self.design, self.attack, self.draws = setup, design, attack, draws
        self.driver, self.assessment, self.rng = driver, assessment, rng
        self.open_h = open_h
        if design.window_hours is not None:
            self.end_h = open_h + design.window_hours
        else:
            self.end_h = open_h + p["consultation.horizon_days"] * 24.0
        beliefs = assessment.beliefs(open_h)
        clear = np.array([b >= p["attribution.clear_at"] for b in beliefs])
        framework = design.window_hours is not None
        self.lags = setup.lags.draw(rng, attack.severity, clear, framework, gp.deadline_speedup)
        self.agenda = Agenda()
        self.procedures = Procedures(
            gp,
            setup.demands,
            setup.profiles,
            draws,
            design.instruments,
            troop_index(design),
            self.lags.vote,
            self.agenda,
            rng,
        )
        self.guarantors = Guarantors(
            setup, design, attack, draws, beliefs, driver, self.procedures, self.agenda, rng
        )

    def run(self, agenda_ticks: list[float]) -> CrisisRecord:
        """Schedule the window, handle its agenda until the close, close, and deliver."""
        self._schedule(agenda_ticks)
        close_h, reason = self._deliberate()
        self.driver.close(close_h, reason)
        return self._record(close_h)

    def _schedule(self, agenda_ticks: list[float]) -> None:
        """Each offered answer's time to decision and, under a deadline, the time it falls due;
        attribution's ticks; a nuclear warning."""
        setup, design, open_h, end_h = self.setup, self.design, self.open_h, self.end_h
        lead = min(setup.gp.deadline_answer_hours, (end_h - open_h) / 2.0)
        for g, pr in enumerate(setup.profiles):
            for i, ins in enumerate(design.instruments):
                if design.offered(pr.iso3, ins) > 0:
                    t = max(open_h, float(self.lags.decision[g, i]))
                    if t < end_h:
                        self.agenda.push(t, DECIDE, g, i)
                    if design.window_hours is not None:
                        due = end_h - lead * (1.0 - float(self.draws.due_u[g, i]))
                        self.agenda.push(due, DUE, g, i)
        for t in agenda_ticks:
            if open_h < t < end_h:
                self.agenda.push(t, TICK)
        if setup.nuclear and self.draws.warn_u < setup.params["adversary.nuclear_signal_prob"]:
            self.agenda.push(open_h + self.draws.warn_at_u * min(end_h - open_h, 24.0), SIGNAL)

    def _deliberate(self) -> tuple[float, str]:
        """Handle the agenda in time order; the hour of the close and its reason."""
        guarantors, end_h = self.guarantors, self.end_h
        while self.agenda and guarantors.all_decided_at is None:
            h, kind, g, i = self.agenda.pop()
            if h >= end_h:
                break
            self._handle(h, kind, g, i)
        if guarantors.all_decided_at is not None:
            return guarantors.all_decided_at, "all_decided"
        return end_h, ("deadline" if self.design.window_hours is not None else "chair")

    def _handle(self, h: float, kind: int, g: int, i: int) -> None:
        guarantors = self.guarantors
        if kind == TICK:
            self.assessment.assess(h)
            guarantors.observe(self.assessment.beliefs(h), h)
        elif kind == DECIDE:
            guarantors.wake(g, i, h)
        elif kind == REVISE:
            guarantors.revise(g, i, h)
        elif kind == DUE:
            guarantors.due(g, i, h)
        elif kind == VOTE:
            approved, note = self.procedures.vote(g)
            guarantors.hear(g, i, h, ConditionKind.PARLIAMENT_APPROVAL, approved, note)
        elif kind == REPLY:
            accepted, note = self.procedures.reply(g, i)
            guarantors.hear(g, i, h, ConditionKind.BENEFICIARY_CONCESSION, accepted, note)
        elif kind == SIGNAL:
            guarantors.warn(h)

    def _record(self, close_h: float) -> CrisisRecord:
        setup, driver, attack = self.setup, self.driver, self.attack
        items, troop_commits = arrivals.schedule(
            driver, setup.profiles, setup.dp, self.guarantors, self.lags, close_h, self.rng
        )
        arrivals.report(driver, setup.profiles, items, close_h)
        landed = [(h, amt) for h, _, ins, amt, _ in items if ins is Instrument.TROOPS]
        fr = _front(setup, attack, landed)
        state = driver.state
        assert state.outcome is not None
        pledged = sum(
            r.amount for r in state.receipts if r.instrument is Instrument.TROOPS and r.counts
        )
        return CrisisRecord(
            index=0,
            day=0.0,
            attack=attack,
            lapsed=False,
            events=state.history,
            window_opened=True,
            honoured=state.outcome.honoured,
            nuclear_warning=self.guarantors.warned,
            hours_to_activation=self.open_h,
            close_hours=close_h,
            first_troop_commitment_hours=min(troop_commits) if troop_commits else math.nan,
            first_arrival_hours=min((h for h, _ in landed), default=math.nan),
            effective_hours=fr.effective_hours,
            troops_arrived_30d=float(sum(a for h, a in landed if h <= 720.0)),
            territory_km2=fr.territory_km2,
            attribution_at_close=state.attribution,
            state=state,
            engaged=_engaged(state),
            pledge_hours=tuple(sorted(troop_commits)),
            troops_pledged=float(pledged),
            troops_needed=fr.troops_needed,
            package_eur_7d=delivery.package_value(
                setup.dp, ((h, ins, amt) for h, _, ins, amt, _ in items), PACKAGE_HOURS
            ),
        )


def _front(setup: Setup, attack: Attack, landed: list[tuple[float, float]]) -> front.FrontResult:
    p = setup.params
    ukraine = front.ukraine_forces(attack.family, p)
    return front.assess(
        attack.size, attack.rate_km2_per_day, attack.objective_km2, ukraine, landed, p
    )


def _engaged(state: Deliberation) -> bool:
    """Whether the attack touched some guarantor's stationed forces (``posture.draw_engaged``)."""
    return state.incident is not None and bool(state.incident.engaged)


def _no_window(setup: Setup, design: Design, attack: Attack, driver: Driver) -> CrisisRecord:
    fr = _front(setup, attack, [])
    return CrisisRecord(
        index=0,
        day=0.0,
        attack=attack,
        lapsed=False,
        events=driver.state.history,
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
        attribution_at_close=driver.state.attribution,
        state=driver.state,
        engaged=_engaged(driver.state),
        pledge_hours=(),
        troops_pledged=0.0,
        troops_needed=fr.troops_needed,
        package_eur_7d=0.0,
    )
