"""What an answer can set going outside the window's answers: a parliament's vote on troops
and the beneficiary's reply to a guarantor's demand.

Each starts at most once per guarantor (and instrument), when the guarantor's answer reaches
that step; its result is what the guarantor's next answer reads. Which demand a guarantor may
raise, and how the beneficiary answers it, is ``models.demands``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pact24.sim.models import demands
from pact24.sim.models.demands import Demand, DemandParams
from pact24.sim.models.guarantor import Answer, GuarantorParams, Situation
from pact24.sim.models.states import Profile
from pact24.sim.reference.agenda import REPLY, VOTE, Agenda
from pact24.sim.reference.draws import CrisisDraws
from pact24.vocab import ConditionKind, Instrument


class Procedures:
    """Parliaments (``none``, ``pending``, ``bypassed``, ``approved``, ``rejected``) and demands
    (``none``, ``pending``, ``accepted``, ``refused``) of one crisis."""

    def __init__(
        self,
        gp: GuarantorParams,
        dp: DemandParams,
        profiles: tuple[Profile, ...],
        draws: CrisisDraws,
        instruments: tuple[Instrument, ...],
        troops: int,
        vote_at: npt.NDArray[np.float64],
        agenda: Agenda,
        rng: np.random.Generator,
    ) -> None:
        self._gp, self._dp, self._profiles, self._troops = gp, dp, profiles, troops
        self._vote_at, self._agenda, self._rng = vote_at, agenda, rng
        self._reject, self._draws = draws.reject, draws
        n_g, n_i = len(profiles), len(instruments)
        self.parliament = [
            ("bypassed" if draws.retro_u[g] < pr.retroactive else "pending")
            if pr.legislature
            else "none"
            for g, pr in enumerate(profiles)
        ]
        self.raised: list[list[Demand | None]] = [
            [self._raise(pr.iso3, ins, g, i) for i, ins in enumerate(instruments)]
            for g, pr in enumerate(profiles)
        ]
        self.demand: list[list[str | None]] = [
            [None if d is None else d.text for d in row] for row in self.raised
        ]
        self.demand_state = [
            ["none" if d is None else "pending" for d in row] for row in self.raised
        ]
        self._vote_scheduled = [False] * n_g
        self._reply_scheduled = [[False] * n_i for _ in range(n_g)]

    def start(self, g: int, i: int, h: float, s: Situation, want: Answer | None) -> None:
        """Schedule the vote or ask the beneficiary, when the answer reaches that step."""
        if (
            i == self._troops
            and s.parliament == "pending"
            and not self._vote_scheduled[g]
            and s.willing
            and not s.engaged
            and s.belief >= self._gp.attribution_needed
            and s.others_committed >= self._profiles[g].bandwagon_k
        ):
            self._vote_scheduled[g] = True
            self._agenda.push(max(float(self._vote_at[g]), h + 1.0), VOTE, g, i)
        if (
            want is not None
            and want.condition is not None
            and want.condition.kind is ConditionKind.BENEFICIARY_CONCESSION
            and not self._reply_scheduled[g][i]
        ):
            self._reply_scheduled[g][i] = True
            raised = self.raised[g][i]
            assert raised is not None
            lag = self._dp.reply_after(raised, float(self._draws.reply_u[g, i]))
            self._agenda.push(h + lag, REPLY, g, i)

    def _raise(self, iso3: str, instrument: Instrument, g: int, i: int) -> Demand | None:
        """The demand guarantor ``g`` attaches to instrument ``i`` in this crisis, if any."""
        rows = demands.options(iso3, instrument)
        if not rows or self._draws.demand_u[g, i] >= self._dp.prob:
            return None
        return rows[min(int(self._draws.pick_u[g, i] * len(rows)), len(rows) - 1)]

    def vote(self, g: int) -> tuple[bool, str]:
        """Guarantor ``g``'s parliament votes: whether it approves, and how that reads."""
        approved = not bool(self._reject[g])
        self.parliament[g] = "approved" if approved else "rejected"
        return approved, "parliament approved" if approved else "parliament voted no"

    def reply(self, g: int, i: int) -> tuple[bool, str]:
        """The beneficiary answers guarantor ``g``'s demand on instrument ``i``."""
        raised = self.raised[g][i]
        assert raised is not None
        accepted = bool(self._draws.accept_u[g, i] < self._dp.accept[raised.kind.name])
        self.demand_state[g][i] = "accepted" if accepted else "refused"
        note = "the beneficiary accepts the demand" if accepted else "the beneficiary refuses"
        return accepted, note
