"""The guarantors inside one window: each answers per instrument as ``models.guarantor`` says,
and looks again whenever something it waits for changes.

A guarantor looks first when its time to decision has passed (:meth:`Guarantors.wake`) or, in a
design with a deadline, when its answer falls due shortly before the close
(:meth:`Guarantors.due`), whichever comes first; from then on it is *obliged*: it answers from
its disposition at that hour even if its deliberation is unfinished, or chooses silence.

Every answer is a real ``DecisionRecorded`` offered to the mechanism, with the revision number
and the count of others' commitments the mechanism gives; a vote or the beneficiary's reply is a
``ConditionResolved``. Whether an answer still counts (the deadline, a revision the design
forbids) is the mechanism's to say.
"""

from __future__ import annotations

import math

import numpy as np

from pact24.designs.schema import Design
from pact24.errors import DeadlinePassed, RevisionRefused
from pact24.mechanism import ConditionResolved, DecisionRecorded, engine
from pact24.mechanism.queries import next_revision, standing_commitments, stands
from pact24.sim.models import guarantor, posture
from pact24.sim.models.guarantor import Answer, Situation
from pact24.sim.models.scenario import Attack
from pact24.sim.reference.agenda import REVISE, Agenda
from pact24.sim.reference.draws import CrisisDraws
from pact24.sim.reference.driver import Driver
from pact24.sim.reference.procedures import Procedures
from pact24.sim.reference.setup import Setup
from pact24.vocab import Choice, ConditionKind, Instrument

_BELIEF_RESOLUTION = 1e-6
"""Guarantors re-read attribution at a tick only if some belief moved by more than this."""


def troop_index(design: Design) -> int:
    """The index of troops among the design's instruments (-1 where it offers none)."""
    instruments = design.instruments
    return instruments.index(Instrument.TROOPS) if Instrument.TROOPS in instruments else -1


class Guarantors:
    """What each guarantor has said, seen and is about to say, per instrument."""

    def __init__(
        self,
        setup: Setup,
        design: Design,
        attack: Attack,
        draws: CrisisDraws,
        beliefs: list[float],
        driver: Driver,
        procedures: Procedures,
        agenda: Agenda,
        rng: np.random.Generator,
    ) -> None:
        self._gp, self._profiles, self._allowed = setup.gp, setup.profiles, setup.allowed
        self._driver, self._procedures, self._agenda, self._rng = driver, procedures, agenda, rng
        self._instruments = design.instruments
        self._no_deadline = design.window_hours is None
        n_g, n_i = len(setup.profiles), len(design.instruments)
        self._n_g, self._n_i = n_g, n_i
        self._troops = troop_index(design)
        self.engaged = [driver.state.engaged(pr.iso3) for pr in setup.profiles]
        """Whether the attack touched each guarantor's stationed forces (the incident says)."""
        withdraw = posture.withdraw_prob(design.posture, setup.params)
        self._withdraws = [u < withdraw for u in draws.withdraw_u]
        self._z_static = [
            [
                guarantor.static_willingness(
                    setup.gp,
                    pr,
                    ins,
                    attack.severity,
                    setup.nuclear,
                    bool(draws.election[g]),
                    float(draws.opinion[g]),
                    attack.disinformation,
                )
                for ins in design.instruments
            ]
            for g, pr in enumerate(setup.profiles)
        ]
        self._u = draws.u
        self._silent_if_unwilling = draws.silent_if_unwilling
        self._silent_at_deadline = draws.silent_at_deadline
        self._commits_unfinished = draws.commits_unfinished
        self._confirms = draws.confirms
        self.beliefs = beliefs
        self.warned = False
        self.all_decided_at: float | None = None
        """Without a deadline: the hour at which every guarantor had answered everything."""
        self.current: list[list[Answer | None]] = [[None] * n_i for _ in range(n_g)]
        self.decided_at = [[math.nan] * n_i for _ in range(n_g)]
        self.resolved_at = [[math.nan] * n_i for _ in range(n_g)]
        self._awake = [[False] * n_i for _ in range(n_g)]
        self._deliberated = [[False] * n_i for _ in range(n_g)]
        self._obliged = [[False] * n_i for _ in range(n_g)]
        self._pending = [[False] * n_i for _ in range(n_g)]
        self._seen: list[list[tuple[object, ...] | None]] = [[None] * n_i for _ in range(n_g)]
        self._standing = set(standing_commitments(driver.state, Instrument.TROOPS))
        """Guarantors whose troop commitment stands, as the mechanism says after each answer."""

    # -- what reaches the guarantors ------------------------------------------------------------

    def wake(self, g: int, i: int, h: float) -> None:
        """Guarantor ``g``'s time to decision on instrument ``i`` has come."""
        self._awake[g][i] = True
        self._deliberated[g][i] = True
        self._consider(g, i, h, immediate=True)

    def due(self, g: int, i: int, h: float) -> None:
        """The deadline is near: guarantor ``g`` owes an answer on instrument ``i``; one that has
        given none answers now, finished deliberating or not."""
        self._awake[g][i] = True
        self._obliged[g][i] = True
        if self.current[g][i] is None and not self._pending[g][i]:
            self._consider(g, i, h, immediate=True)

    def revise(self, g: int, i: int, h: float) -> None:
        """A revision lag has run: answer what the situation now asks."""
        self._pending[g][i] = False
        self._consider(g, i, h, immediate=True)

    def observe(self, beliefs: list[float], h: float) -> None:
        """Attribution moved: beliefs are re-read, and answers if some belief really moved."""
        moved = max(abs(a - b) for a, b in zip(beliefs, self.beliefs, strict=True))
        self.beliefs = beliefs
        if moved > _BELIEF_RESOLUTION:  # once attribution has settled, a tick changes nothing
            self._reconsider_all(h)

    def warn(self, h: float) -> None:
        """The adversary issued a nuclear warning; even commitments are looked at again."""
        self.warned = True
        self._reconsider_all(h, signal=True)

    def hear(self, g: int, i: int, h: float, kind: ConditionKind, met: bool, note: str) -> None:
        """A vote or reply came in: it resolves the condition of kind ``kind`` if the current
        answer carries one, and the guarantor looks again."""
        cur = self.current[g][i]
        if cur is not None and cur.condition is not None and cur.condition.kind is kind:
            self._resolve(g, i, h, met, note)
        if self._awake[g][i] and not self._pending[g][i]:
            self._consider(g, i, h, immediate=False)

    # -- answering ------------------------------------------------------------------------------

    def _consider(self, g: int, i: int, h: float, immediate: bool) -> None:
        """Re-read the situation of guarantor ``g`` on instrument ``i`` and answer if it changed.

        The answer (choice and condition) is a function of what ``key`` holds; when a re-read
        (``immediate=False``) finds the same key as last time, there is nothing new to say.
        """
        prof = self._profiles[g]
        ins = self._instruments[i]
        troops = i == self._troops
        belief = self.beliefs[g]
        cur = self.current[g][i]
        procedures = self._procedures
        willing = guarantor.willing(
            self._gp, self._z_static[g][i], ins, belief, self.warned, self._u[g][i]
        )
        attributed = guarantor.willing(
            self._gp, self._z_static[g][i], ins, 1.0, self.warned, self._u[g][i]
        )
        others = len(self._standing) - (prof.iso3 in self._standing) if troops else 0
        parliament = procedures.parliament[g] if troops else "none"
        demand_state = procedures.demand_state[g][i]
        key = (
            willing,
            belief >= self._gp.attribution_needed,
            others >= prof.bandwagon_k,
            parliament,
            demand_state,
            cur,
            self._deliberated[g][i],
            self._obliged[g][i],
            attributed,
        )
        if not immediate and key == self._seen[g][i]:
            return
        self._seen[g][i] = key
        s = Situation(
            willing=willing,
            silent_if_unwilling=self._silent_if_unwilling[g][i],
            committed=cur is not None and cur.choice is Choice.COMMIT,
            engaged=self.engaged[g],
            withdraws_if_engaged=self._withdraws[g],
            confirms_if_engaged=self._confirms[g],
            belief=belief,
            others_committed=others,
            parliament=parliament,
            demand=procedures.demand[g][i],
            demand_state=demand_state,
            deliberated=self._deliberated[g][i],
            obliged=self._obliged[g][i],
            silent_at_deadline=self._silent_at_deadline[g][i],
            willing_if_attributed=attributed,
            commits_unfinished=self._commits_unfinished[g][i],
        )
        want = guarantor.answer(self._gp, prof, ins, s, self._allowed)
        procedures.start(g, i, h, s, want)
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
        elif not self._pending[g][i]:
            self._pending[g][i] = True
            lag = float(self._rng.exponential(self._gp.revision_lag_hours))
            self._agenda.push(h + lag, REVISE, g, i)

    def _reconsider_all(self, h: float, troops_only: bool = False, signal: bool = False) -> None:
        """Let every guarantor that has looked re-read the situation.

        Beliefs only grow and counts of commitments only change what waiting guarantors wait
        for, so an unconditional commitment is re-read only after a nuclear warning.
        """
        instruments = (self._troops,) if troops_only else range(self._n_i)
        for g in range(self._n_g):
            awake, pending, current = self._awake[g], self._pending[g], self.current[g]
            for i in instruments:
                if not awake[i] or pending[i]:
                    continue
                cur = current[i]
                if not signal and cur is not None and cur.choice is Choice.COMMIT:
                    continue
                self._consider(g, i, h, immediate=False)

    def _record(self, g: int, i: int, h: float, want: Answer) -> None:
        prof, ins = self._profiles[g], self._instruments[i]
        decision = DecisionRecorded(
            at=self._driver.at(h),
            guarantor=prof.iso3,
            instrument=ins,
            choice=want.choice,
            revision=next_revision(self._driver.state, prof.iso3, ins),
            delegate=prof.delegate,
            condition=want.condition,
            note=want.note,
        )
        if not self._driver.offer(decision, DeadlinePassed, RevisionRefused):
            return
        self.current[g][i] = want
        self.decided_at[g][i] = h
        if i == self._troops:
            now = stands(self._driver.state, prof.iso3, ins)
            if now != (prof.iso3 in self._standing):
                if now:
                    self._standing.add(prof.iso3)
                else:
                    self._standing.discard(prof.iso3)
                self._reconsider_all(h, troops_only=True)  # the bandwagon: others see the count
        if self._no_deadline and engine.all_decided(self._driver.state):
            self.all_decided_at = h

    def _resolve(self, g: int, i: int, h: float, met: bool, note: str) -> None:
        resolution = ConditionResolved(
            self._driver.at(h), self._profiles[g].iso3, self._instruments[i], met, note
        )
        if self._driver.offer(resolution, DeadlinePassed) and met:
            self.resolved_at[g][i] = h
