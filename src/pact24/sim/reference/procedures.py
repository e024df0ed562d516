"""What an answer can set going outside the window's answers: a parliament's vote on troops
and the beneficiary's reply to a guarantor's demand.

Each starts at most once per guarantor (and instrument), when the guarantor's answer reaches
that step; its result is what the guarantor's next answer reads.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pact24.sim.models import guarantor
from pact24.sim.models.guarantor import Answer, GuarantorParams, Situation
from pact24.sim.models.states import Profile
from pact24.sim.reference.agenda import REPLY, VOTE, Agenda
from pact24.sim.reference.draws import CrisisDraws
from pact24.vocab import ConditionKind


class Procedures:
    """Parliaments (``none``, ``pending``, ``bypassed``, ``approved``, ``rejected``) and demands
    (``none``, ``pending``, ``accepted``, ``refused``) of one crisis."""

    def __init__(
        self,
        gp: GuarantorParams,
        profiles: tuple[Profile, ...],
        draws: CrisisDraws,
        n_i: int,
        troops: int,
        vote_at: npt.NDArray[np.float64],
        agenda: Agenda,
        rng: np.random.Generator,
    ) -> None:
        self._gp, self._profiles, self._troops = gp, profiles, troops
        self._vote_at, self._agenda, self._rng = vote_at, agenda, rng
        self._reject, self._accepts = draws.reject, draws.accepts
        n_g = len(profiles)
        self.parliament = [
            ("bypassed" if draws.retro_u[g] < pr.retroactive else "pending")
            if pr.legislature
            else "none"
            for g, pr in enumerate(profiles)
        ]
        self.demand: list[list[str | None]] = [
            [
                guarantor.DEMANDS[int(draws.demand_pick[g, i])] if draws.demand_on[g, i] else None
                for i in range(n_i)
            ]
            for g in range(n_g)
        ]
        self.demand_state = [
            ["none" if d is None else "pending" for d in row] for row in self.demand
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
            lag = float(self._rng.exponential(self._gp.reply_hours))
            self._agenda.push(h + lag, REPLY, g, i)

    def vote(self, g: int) -> tuple[bool, str]:
        """Guarantor ``g``'s parliament votes: whether it approves, and how that reads."""
        approved = not bool(self._reject[g])
        self.parliament[g] = "approved" if approved else "rejected"
        return approved, "parliament approved" if approved else "parliament voted no"

    def reply(self, g: int, i: int) -> tuple[bool, str]:
        """The beneficiary answers guarantor ``g``'s demand on instrument ``i``."""
        accepted = bool(self._accepts[g, i])
        self.demand_state[g][i] = "accepted" if accepted else "refused"
        note = "the beneficiary accepts the demand" if accepted else "the beneficiary refuses"
        return accepted, note
