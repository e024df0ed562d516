"""Simulated delegates: the guarantors nobody plays, answering as the simulator's model does.

Each simulated guarantor is one draw of the reference simulator's crisis (``reference.draws``:
its willingness uniforms, silence, election, opinion, parliament's route and vote, whether its
engaged forces stay) under the calibrated parameters, with its times to decision from the timing
model (``LagSampler``). It sees what the exercise plays: the incident (severity, engaged
forces), attribution findings (each guarantor's belief is the finding read with its own offset,
split wider once disinformation is played), disinformation (the public shift), scripted votes,
an unreachable delegate, and the board's count of standing troop commitments (the bandwagon).

What it says is ``models.guarantor.answer``: the first answer when its time to decision comes
(it has *deliberated*) or when its answer falls due shortly before the deadline (it is
*obliged*: "Answering by a deadline" in ``models.guarantor``), whichever is first; the
deliberated answer at once when its time to decision passes after an obliged one; otherwise a
revision after an exponential lag (``guarantor.revision_lag_hours``) whenever the answer it
wants changes. A recorded answer is never withdrawn into silence. Only offered instruments are
answered. Demands on the beneficiary and nuclear warnings are not played (no inject scripts
them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from pact24.designs.schema import Design
from pact24.exercise.msel import Msel
from pact24.sim.models import attribution, guarantor, posture
from pact24.sim.models.guarantor import Answer, Situation
from pact24.sim.models.lags import CrisisLags
from pact24.sim.models.scenario import Family, draw_attack
from pact24.sim.reference.draws import CrisisDraws, draw
from pact24.sim.reference.setup import Setup
from pact24.vocab import Choice, Instrument


@dataclass(frozen=True, slots=True)
class World:
    """What every simulated delegate can see at exercise hour ``hour`` (from the incident)."""

    hour: float
    confidence: float | None
    """The latest attribution finding (None before the first)."""
    disinformation: bool
    engaged: frozenset[str]
    standing: frozenset[str]
    """Guarantors whose troop commitment stands, as the board shows."""
    votes: dict[str, bool]
    """Scripted parliament votes played so far."""
    deadline: float | None
    """The window's deadline in exercise hours (None before the window opens)."""
    away: dict[str, tuple[float, float]]
    """Per guarantor whose primary delegate is unreachable: (until, alternate acts from)."""


@dataclass(frozen=True, slots=True)
class Move:
    """A decision a simulated delegate signs now; ``alternate``: its alternate signs it."""

    iso3: str
    instrument: Instrument
    answer: Answer
    alternate: bool


@dataclass(slots=True)
class _Cell:
    current: Answer | None = None
    looked: bool = False
    deliberated: bool = False
    obliged: bool = False
    due: float | None = None
    """When the answer it wants is to be signed (first look, or after a revision lag)."""


class Delegates:
    """The simulated guarantors of one exercise."""

    def __init__(
        self,
        setup: Setup,
        design: Design,
        msel: Msel,
        draws: CrisisDraws,
        lags: CrisisLags,
        rng: np.random.Generator,
    ) -> None:
        self.setup, self.design, self.draws, self.rng = setup, design, draws, rng
        self.severity = msel.incident().severity
        self.simulated = frozenset(g.iso3 for g in design.guarantors) - frozenset(msel.players)
        self.scripted_votes = frozenset(
            i.guarantor for i in msel.injects if i.type == "parliament_vote"
        )
        self.wake: list[list[float]] = lags.decision.tolist()
        self.vote_lag: list[float] = lags.vote.tolist()
        n_g, n_i = len(setup.profiles), len(design.instruments)
        self.z: list[float] = rng.standard_normal(n_g).tolist()
        """Each guarantor's belief offset in standard deviations (``attribution.draw_offsets``)."""
        self.withdraw = posture.withdraw_prob(design.posture, setup.params)
        self._cells = [[_Cell() for _ in range(n_i)] for _ in range(n_g)]
        self._vote_at: list[float | None] = [None] * n_g

    @classmethod
    def draw(cls, setup: Setup, design: Design, msel: Msel) -> Delegates:
        """One crisis's draws for the MSEL's incident, seeded by ``msel.seed``."""
        rng = np.random.default_rng(msel.seed)
        incident = msel.incident()
        attack = replace(
            draw_attack(Family(msel.scenario), setup.params, rng),
            kind=incident.kind,
            severity=incident.severity,
            disinformation=any(i.type == "disinformation" for i in msel.injects),
        )
        n_g, n_i = len(setup.profiles), len(design.instruments)
        draws = draw(attack, n_g, n_i, setup.params, setup.gp, rng)
        # Times to decision: attribution reads clear only if a finding at the report says so.
        first = [i for i in msel.in_order() if i.type == "intelligence" and i.at <= incident.at]
        clear = bool(first) and first[-1].attribution >= setup.params["attribution.clear_at"]
        framework = design.window_hours is not None
        lags = setup.lags.draw(
            rng, attack.severity, np.full(n_g, clear), framework, setup.gp.deadline_speedup
        )
        return cls(setup, design, msel, draws, lags, rng)

    # -- what one guarantor wants -------------------------------------------------------------

    def belief(self, g: int, w: World) -> float:
        """Guarantor ``g``'s belief that the adversary attacked: the finding, its own offset."""
        if w.confidence is None:
            return 0.5
        key = "disinformation" if w.disinformation else "attribution"
        sd = self.setup.params[f"{key}.belief_split_sd"]
        return attribution.belief(w.confidence, sd * self.z[g])

    def parliament(self, g: int, w: World) -> str:
        """``none``, ``bypassed``, ``pending``, ``approved`` or ``rejected`` at ``w.hour``."""
        prof, d = self.setup.profiles[g], self.draws
        if not prof.legislature:
            return "none"
        if prof.iso3 in w.votes:
            return "approved" if w.votes[prof.iso3] else "rejected"
        if prof.iso3 in self.scripted_votes:
            return "pending"
        if float(d.retro_u[g]) < prof.retroactive:
            return "bypassed"
        at = self._vote_at[g]
        if at is not None and w.hour >= at:
            return "rejected" if bool(d.reject[g]) else "approved"
        return "pending"

    def situation(self, g: int, i: int, w: World) -> Situation:
        prof, ins, d = self.setup.profiles[g], self.design.instruments[i], self.draws
        cell = self._cells[g][i]
        troops = ins is Instrument.TROOPS
        z = guarantor.static_willingness(
            self.setup.gp,
            prof,
            ins,
            self.severity,
            self.setup.nuclear,
            bool(d.election[g]),
            float(d.opinion[g]),
            w.disinformation,
        )
        belief = self.belief(g, w)
        cur = cell.current
        return Situation(
            willing=guarantor.willing(self.setup.gp, z, ins, belief, False, d.u[g][i]),
            silent_if_unwilling=d.silent_if_unwilling[g][i],
            committed=cur is not None and cur.choice is Choice.COMMIT,
            engaged=troops and prof.iso3 in w.engaged,
            withdraws_if_engaged=d.withdraw_u[g] < self.withdraw,
            confirms_if_engaged=d.confirms[g],
            belief=belief,
            others_committed=len(w.standing - {prof.iso3}) if troops else 0,
            parliament=self.parliament(g, w) if troops else "none",
            demand=None,
            demand_state="none",
            deliberated=cell.deliberated,
            obliged=cell.obliged,
            silent_at_deadline=d.silent_at_deadline[g][i],
            willing_if_attributed=guarantor.willing(self.setup.gp, z, ins, 1.0, False, d.u[g][i]),
            commits_unfinished=d.commits_unfinished[g][i],
        )

    def falls_due(self, g: int, i: int, deadline: float | None) -> float:
        """When guarantor ``g``'s answer on instrument ``i`` falls due: at a uniform time in the
        last ``deadline_answer_hours`` before the deadline (at most half the window)."""
        if deadline is None or self.design.window_hours is None:
            return math.inf
        lead = min(self.setup.gp.deadline_answer_hours, self.design.window_hours / 2.0)
        return deadline - lead * (1.0 - float(self.draws.due_u[g, i]))

    # -- the exercise's tick ------------------------------------------------------------------

    def step(self, w: World) -> list[Move]:
        """The decisions simulated delegates sign at ``w.hour``."""
        moves: list[Move] = []
        for g, prof in enumerate(self.setup.profiles):
            if prof.iso3 not in self.simulated:
                continue
            for i, ins in enumerate(self.design.instruments):
                if self.design.offered(prof.iso3, ins) <= 0:
                    continue
                cell = self._cells[g][i]
                deliberated = w.hour >= self.wake[g][i]
                obliged = w.hour >= self.falls_due(g, i, w.deadline)
                if not (deliberated or obliged):
                    continue
                if deliberated and not cell.deliberated and cell.looked:
                    cell.due = w.hour  # the deliberated answer replaces the obliged one now
                if obliged and not cell.obliged and cell.current is None and cell.due is None:
                    cell.due = w.hour  # silent so far, it owes an answer now
                cell.deliberated, cell.obliged = deliberated, obliged
                move = self._consider(g, i, ins, w)
                if move is not None:
                    moves.append(move)
        return moves

    def _consider(self, g: int, i: int, ins: Instrument, w: World) -> Move | None:
        cell = self._cells[g][i]
        s = self.situation(g, i, w)
        self._maybe_vote(g, s, w.hour)
        want = guarantor.answer(self.setup.gp, self.setup.profiles[g], ins, s, self.setup.allowed)
        if not cell.looked:
            cell.looked, cell.due = True, w.hour
        elif cell.due is None and want is not None and want != cell.current:
            cell.due = w.hour + float(self.rng.exponential(self.setup.gp.revision_lag_hours))
        if cell.due is None or w.hour < cell.due:
            return None
        if want is None or want == cell.current:
            cell.due = None
            return None
        iso3 = self.setup.profiles[g].iso3
        away = w.away.get(iso3)
        alternate = away is not None and w.hour < away[0]
        if alternate and away is not None and w.hour < away[1]:
            return None  # nobody reachable yet: the answer waits for the alternate
        cell.current, cell.due = want, None
        return Move(iso3, ins, want, alternate)

    def _maybe_vote(self, g: int, s: Situation, hour: float) -> None:
        """The simulator's own vote, as ``reference.procedures`` schedules it: once the troop
        answer reaches the parliament step (willing, convinced, enough others committed)."""
        if (
            s.parliament == "pending"
            and self._vote_at[g] is None
            and self.setup.profiles[g].iso3 not in self.scripted_votes
            and s.willing
            and not s.engaged
            and s.belief >= self.setup.gp.attribution_needed
            and s.others_committed >= self.setup.profiles[g].bandwagon_k
        ):
            self._vote_at[g] = max(self.vote_lag[g], hour + 1.0)

    def votes_due(self, hour: float, done: set[str]) -> list[tuple[str, bool]]:
        """The simulator's own votes that have come in by ``hour`` and are not in ``done``."""
        out = []
        for g, prof in enumerate(self.setup.profiles):
            at = self._vote_at[g]
            if at is not None and hour >= at and prof.iso3 not in done:
                out.append((prof.iso3, not bool(self.draws.reject[g])))
        return out
