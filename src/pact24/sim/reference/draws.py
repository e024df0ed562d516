"""What a crisis draws once, before its report, in a fixed order.

The order of the draws is part of what a seed means: drawing them all here, up front, keeps it
the same whether or not the window opens and whatever happens inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pact24.sim.models import attribution
from pact24.sim.models.attribution import AttributionPath
from pact24.sim.models.guarantor import GuarantorParams
from pact24.sim.models.scenario import Attack
from pact24.sim.params import Params


@dataclass(frozen=True, slots=True)
class CrisisDraws:
    """Per crisis: the attribution path, and per guarantor (``g``) and instrument (``i``) the
    uniforms and coin flips the guarantor and beneficiary models read later."""

    path: AttributionPath
    offsets: npt.NDArray[np.float64]
    election: npt.NDArray[np.bool_]
    opinion: npt.NDArray[np.float64]
    retro_u: npt.NDArray[np.float64]
    reject: npt.NDArray[np.bool_]
    u: list[list[float]]
    silent_if_unwilling: list[list[bool]]
    confirms: list[bool]
    withdraw_u: list[float]
    demand_u: npt.NDArray[np.float64]
    """Whether a guarantor raises a demand (``< demand.prob``), which one, whether the
    beneficiary accepts it (``< beneficiary.accept.<type>``) and when it answers."""
    pick_u: npt.NDArray[np.float64]
    accept_u: npt.NDArray[np.float64]
    reply_u: npt.NDArray[np.float64]
    warn_u: float
    warn_at_u: float
    silent_at_deadline: list[list[bool]]
    commits_unfinished: list[list[bool]]
    due_u: npt.NDArray[np.float64]
    """Where in the last ``deadline_answer_hours`` each guarantor gives its deadline answer."""


def draw(
    attack: Attack, n_g: int, n_i: int, p: Params, gp: GuarantorParams, rng: np.random.Generator
) -> CrisisDraws:
    """Everything drawn once per crisis of ``n_g`` guarantors and ``n_i`` instruments."""
    path = attribution.draw_path(attack.kind, attack.disinformation, p, rng)
    offsets = attribution.draw_offsets(n_g, attack.disinformation, p, rng)
    election = rng.random(n_g) < gp.election_near_prob
    opinion = gp.opinion_sd * rng.standard_normal(n_g)
    retro_u = rng.random(n_g)
    reject = rng.random(n_g) < gp.reject_prob
    u: list[list[float]] = rng.random((n_g, n_i)).tolist()
    silent: list[list[bool]] = (rng.random((n_g, n_i)) < gp.silence_when_unwilling).tolist()
    confirms: list[bool] = (rng.random(n_g) < gp.engaged_confirm_prob).tolist()
    withdraw_u: list[float] = rng.random(n_g).tolist()
    demand_u, pick_u, accept_u, reply_u = rng.random((4, n_g, n_i))
    warn_u, warn_at_u = float(rng.random()), float(rng.random())
    silent_at_deadline: list[list[bool]] = (
        rng.random((n_g, n_i)) < gp.deadline_silence_prob
    ).tolist()
    commits_unfinished: list[list[bool]] = (
        rng.random((n_g, n_i)) < gp.unfinished_commit_prob
    ).tolist()
    due_u = rng.random((n_g, n_i))
    return CrisisDraws(
        path=path,
        offsets=offsets,
        election=election,
        opinion=opinion,
        retro_u=retro_u,
        reject=reject,
        u=u,
        silent_if_unwilling=silent,
        confirms=confirms,
        withdraw_u=withdraw_u,
        demand_u=demand_u,
        pick_u=pick_u,
        accept_u=accept_u,
        reply_u=reply_u,
        warn_u=warn_u,
        warn_at_u=warn_at_u,
        silent_at_deadline=silent_at_deadline,
        commits_unfinished=commits_unfinished,
        due_u=due_u,
    )
