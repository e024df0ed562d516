"""What a crisis draws once, before its report: a port of ``reference.draws.draw``.

``Draws`` holds the fields of ``reference.draws.CrisisDraws`` as arrays, allocated once
(``new_draws``) and refilled by ``draw`` for every crisis, so the crisis loop allocates
nothing. The attribution path is ``path = [c0, cmax, tau]``; ``warn = [warn_u, warn_at_u]``.

Signatures (njit; numba's ``np.random``, seeded by the caller)::

    new_draws(n_g: int, n_i: int) -> Draws
    draw(t: Tables, kind: int, disinformation: bool, dr: Draws) -> None
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pact24.sim.kernel.attribution import draw_offsets, draw_path
from pact24.sim.kernel.rng import standard_normal
from pact24.sim.kernel.tables import Tables

F8 = NDArray[np.float64]
B1 = NDArray[np.bool_]


class Draws(NamedTuple):
    """Per crisis: the attribution path, and per guarantor (``g``) and instrument (``i``) the
    uniforms and coin flips the guarantor and beneficiary models read later."""

    path: F8
    offsets: F8
    election: B1
    opinion: F8
    retro_u: F8
    reject: B1
    u: F8
    silent_if_unwilling: B1
    confirms: B1
    withdraw_u: F8
    demand_u: F8
    pick_u: F8
    accept_u: F8
    reply_u: F8
    warn: F8
    silent_at_deadline: B1
    commits_unfinished: B1
    due_u: F8


@njit(cache=True)
def new_draws(n_g: int, n_i: int) -> Draws:
    """Empty arrays for ``n_g`` guarantors and ``n_i`` instruments."""
    return Draws(
        np.empty(3),
        np.empty(n_g),
        np.empty(n_g, dtype=np.bool_),
        np.empty(n_g),
        np.empty(n_g),
        np.empty(n_g, dtype=np.bool_),
        np.empty((n_g, n_i)),
        np.empty((n_g, n_i), dtype=np.bool_),
        np.empty(n_g, dtype=np.bool_),
        np.empty(n_g),
        np.empty((n_g, n_i)),
        np.empty((n_g, n_i)),
        np.empty((n_g, n_i)),
        np.empty((n_g, n_i)),
        np.empty(2),
        np.empty((n_g, n_i), dtype=np.bool_),
        np.empty((n_g, n_i), dtype=np.bool_),
        np.empty((n_g, n_i)),
    )


@njit(cache=True, inline="always")
def draw(t: Tables, kind: int, disinformation: bool, dr: Draws) -> None:
    """Everything drawn once per crisis of an attack of ``kind``, into ``dr``."""
    c0, cmax, tau = draw_path(t, kind, disinformation)
    dr.path[0], dr.path[1], dr.path[2] = c0, cmax, tau
    draw_offsets(t, disinformation, dr.offsets)
    _draw(
        t.election_near_prob,
        t.opinion_sd,
        t.reject_prob,
        t.engaged_confirm_prob,
        t.silence_when_unwilling,
        t.deadline_silence_prob,
        t.unfinished_commit_prob,
        dr,
    )


@njit(cache=True)
def _draw(
    election_near: float,
    opinion_sd: float,
    reject: float,
    confirm: float,
    silence_when_unwilling: float,
    deadline_silence: float,
    unfinished_commit: float,
    dr: Draws,
) -> None:
    n_g, n_i = dr.u.shape
    for g in range(n_g):
        dr.election[g] = np.random.random() < election_near
        dr.opinion[g] = opinion_sd * standard_normal()
        dr.retro_u[g] = np.random.random()
        dr.reject[g] = np.random.random() < reject
        dr.confirms[g] = np.random.random() < confirm
        dr.withdraw_u[g] = np.random.random()
        for i in range(n_i):
            dr.u[g, i] = np.random.random()
            dr.silent_if_unwilling[g, i] = np.random.random() < silence_when_unwilling
            dr.demand_u[g, i] = np.random.random()
            dr.pick_u[g, i] = np.random.random()
            dr.accept_u[g, i] = np.random.random()
            dr.reply_u[g, i] = np.random.random()
            dr.silent_at_deadline[g, i] = np.random.random() < deadline_silence
            dr.commits_unfinished[g, i] = np.random.random() < unfinished_commit
            dr.due_u[g, i] = np.random.random()
    dr.warn[0] = np.random.random()
    dr.warn[1] = np.random.random()
