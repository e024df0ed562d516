"""One window compiled: ``reference.crisis._Window``, ``reference.guarantors`` and
``reference.procedures``, with the mechanism's refusals (a revision the design forbids) asked
where the reference asks the engine.

The state of a window lives in a few arrays instead of objects, indexed by the slot constants
below: ``s[slot, g, i]`` (integers) and ``f[slot, g, i]`` (floats) per guarantor and
instrument, ``sg[slot, g]`` and ``fg[slot, g]`` per guarantor, and ``x[slot]`` for the window as
a whole. The agenda is ``kernel.agenda``.

The compiled window allocates nothing (its arrays and agenda come from ``crisis.Scratch``), so
its functions are compiled without numba's reference counting (``_nrt=False``): counting every
array a step touches cost more than the step itself (measured: about 40 % of a crisis).

Draws that the reference makes up front for every guarantor and instrument are made here when
first read (a flag the guarantor never reaches is never drawn): each is still one uniform per
crisis, guarantor and instrument, so the distributions are the reference's; the streams are not.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.sim.kernel import agenda, rng
from pact24.sim.kernel.agenda import DECIDE, DUE, REPLY, REVISE, SIGNAL, TICK, VOTE
from pact24.sim.kernel.answer import (
    BENEFICIARY_CONCESSION,
    COMMIT,
    CONDITION_KINDS,
    D_ACCEPTED,
    D_NONE,
    D_PENDING,
    D_REFUSED,
    NO_CONDITION,
    P_APPROVED,
    P_BYPASSED,
    P_NONE,
    P_PENDING,
    P_REJECTED,
    PARLIAMENT_APPROVAL,
    SILENT,
    answer,
    willing,
)
from pact24.sim.kernel.attribution import assess, belief_at, confidence, logit
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import INS_DEFENCE_SUPPORT, INS_TROOPS, Tables
from pact24.sim.kernel.uncounted import uncounted
from pact24.sim.models import demands

I3 = npt.NDArray[np.int64]
I2 = npt.NDArray[np.int64]
F3 = npt.NDArray[np.float64]
F2 = npt.NDArray[np.float64]
F1 = npt.NDArray[np.float64]

# s[slot, g, i]
S_CHOICE = 0
"""The answer on record (``answer.COMMIT`` ...; ``SILENT``: none)."""
S_CONDITION = 1
S_VERSIONS = 2
"""How many decisions the mechanism accepted (the next revision is this plus one)."""
S_AWAKE = 3
S_DELIBERATED = 4
S_OBLIGED = 5
S_PENDING = 6
"""A revision is on the agenda."""
S_SEEN = 7
"""The situation the guarantor last answered from (``_key``; -1: none yet)."""
S_DEMAND = 8
"""The demand type raised (index in ``demands.TYPES``; -1: none)."""
S_DEMAND_STATE = 9
S_REPLY_SCHEDULED = 10
S_RESOLUTION = 11
"""The mechanism's resolution of the current condition: -1 none, 0 unmet, 1 met."""
S_SILENT_IF_UNWILLING = 12
S_SILENT_AT_DEADLINE = 13
S_COMMITS_UNFINISHED = 14
"""Per-crisis coin flips, -1 until first read."""
S_HEAVY = 15
"""Troops or defence support (what a warning or an election weighs on)."""
N_S = 16

# f[slot, g, i]
F_Z = 0
"""The static part of willingness."""
F_LOGIT_U = 1
"""``logit(u)`` of the willingness draw ``u`` (``answer.willing``)."""
F_DECIDED_AT = 2
F_RESOLVED_AT = 3
N_F = 4

# sg[slot, g]
G_ENGAGED = 0
G_WITHDRAWS = 1
G_CONFIRMS = 2
G_PARLIAMENT = 3
G_VOTE_SCHEDULED = 4
G_REJECT = 5
G_STANDING = 6
"""Its troop commitment stands (``mechanism.queries.stands``)."""
G_BANDWAGON_K = 7
N_SG = 8

# fg[slot, g]
FG_BELIEF = 0
FG_OFFSET = 1
FG_VOTE_AT = 2
N_FG = 3

# x[slot]: the window's own state ...
X_WARNED = 0
X_STANDING = 1
"""How many troop commitments stand."""
X_UNDECIDED = 2
"""Guarantor-instrument pairs with no decision (the mechanism's ``silent()``)."""
X_ALL_DECIDED_AT = 3
X_REPORTED = 4
"""The assessment as last reported (``reference.assessment.Assessment.reported``)."""
X_ATTRIBUTION = 5
"""The mechanism's attribution (the last report, rounded to 4 places)."""
X_REVISIONS = 6
"""Decisions accepted with a revision number above 1."""
X_DEMANDS = 7
"""Decisions accepted with a beneficiary-concession condition."""
X_C0 = 8
X_CMAX = 9
X_TAU = 10
# ... and what it reads of ``Tables`` for design ``d`` (copied by ``open_window``)
X_TROOPS = 11
X_FRAMEWORK = 12
X_REVISIONS_ALLOWED = 13
X_CONFIRMED_AT = 14
X_REPORT_STEP = 15
X_ATTRIBUTION_EFFECT = 16
X_SIGNAL_EFFECT = 17
X_ATTRIBUTION_NEEDED = 18
X_SILENCE_WHEN_UNWILLING = 19
X_DEADLINE_SILENCE = 20
X_UNFINISHED_COMMIT = 21
X_REVISION_LAG = 22
X_ALLOWED = 23
"""``allowed[condition]`` from here (1: the design allows it)."""
X_ACCEPT = X_ALLOWED + len(CONDITION_KINDS)
"""``Tables.demand_accept[type]`` from here."""
X_REPLY_H = X_ACCEPT + len(demands.TYPES)
"""``Tables.demand_reply_h[type]`` from here."""
N_X = X_REPLY_H + len(demands.TYPES)

_BELIEF_RESOLUTION = 1e-6
"""Guarantors re-read attribution at a tick only if some belief moved by more than this."""


class Window(NamedTuple):
    """A window's state (indexed by the slot constants above), its agenda and the generator it
    draws from: every array the window's steps read and write, allocated once per loop of
    crises (``new_window``)."""

    s: I3
    f: F3
    sg: I2
    fg: F2
    x: F1
    hours: F2
    rows: I3
    st: State


@njit(cache=True)
def new_window(n_g: int, n_i: int, n_ticks: int, st: State) -> Window:
    """An empty window for ``n_g`` guarantors, ``n_i`` instruments and ``n_ticks`` ticks that
    draws from generator state ``st``."""
    hours, rows = agenda.new(agenda.capacity(n_g, n_i, n_ticks))
    return Window(
        np.empty((N_S, n_g, n_i), dtype=np.int64),
        np.empty((N_F, n_g, n_i), dtype=np.float64),
        np.empty((N_SG, n_g), dtype=np.int64),
        np.empty((N_FG, n_g), dtype=np.float64),
        np.empty(N_X, dtype=np.float64),
        hours,
        rows,
        st,
    )


@njit(cache=True, inline="always")
def _flag(st: State, s: I3, slot: int, g: int, i: int, prob: float) -> bool:
    """A per-crisis coin flip with ``prob``, drawn the first time it is read."""
    if s[slot, g, i] < 0:
        s[slot, g, i] = 1 if rng.random(st) < prob else 0
    return bool(s[slot, g, i] == 1)


@uncounted
def open_window(
    t: Tables,
    d: int,
    severity: float,
    disinformation: bool,
    engaged: npt.NDArray[np.bool_],
    w: Window,
) -> None:
    """The draws and the state of a window that has just opened (``Guarantors.__init__``,
    ``Procedures.__init__`` and ``guarantor.static_willingness``); ``severity`` is -1, 0 or 1
    (low, medium, high); ``fg[FG_OFFSET]`` and the path in ``x`` are already set."""
    s, f, sg, x, st = w.s, w.f, w.sg, w.x, w.st
    n_g, n_i = s.shape[1], s.shape[2]
    x[X_WARNED] = 0.0
    x[X_STANDING] = 0.0
    x[X_UNDECIDED] = n_g * n_i
    x[X_ALL_DECIDED_AT] = np.nan
    x[X_REVISIONS] = 0.0
    x[X_DEMANDS] = 0.0
    troops = t.troop_index
    x[X_TROOPS] = troops
    x[X_FRAMEWORK] = 0.0 if math.isnan(t.window_hours[d]) else 1.0
    x[X_REVISIONS_ALLOWED] = 1.0 if t.revisions_allowed[d] else 0.0
    x[X_CONFIRMED_AT] = t.confirmed_at[d]
    x[X_REPORT_STEP] = t.report_step
    x[X_ATTRIBUTION_EFFECT] = t.attribution_effect
    x[X_SIGNAL_EFFECT] = t.signal_effect
    x[X_ATTRIBUTION_NEEDED] = t.attribution_needed
    x[X_SILENCE_WHEN_UNWILLING] = t.silence_when_unwilling
    x[X_DEADLINE_SILENCE] = t.deadline_silence_prob
    x[X_UNFINISHED_COMMIT] = t.unfinished_commit_prob
    x[X_REVISION_LAG] = t.revision_lag_hours
    for k in range(t.allowed.shape[1]):
        x[X_ALLOWED + k] = 1.0 if t.allowed[d, k] else 0.0
    for k in range(t.demand_accept.shape[0]):
        x[X_ACCEPT + k] = t.demand_accept[k]
        x[X_REPLY_H + k] = t.demand_reply_h[k]
    for g in range(n_g):
        election = rng.random(st) < t.election_near_prob
        opinion = t.opinion_sd * rng.standard_normal(st)
        sg[G_BANDWAGON_K, g] = t.bandwagon_k[g]
        sg[G_ENGAGED, g] = 1 if engaged[g] else 0
        if engaged[g]:
            sg[G_WITHDRAWS, g] = 1 if rng.random(st) < t.withdraw_prob[d] else 0
            sg[G_CONFIRMS, g] = 1 if rng.random(st) < t.engaged_confirm_prob else 0
        else:
            sg[G_WITHDRAWS, g] = 0
            sg[G_CONFIRMS, g] = 0
        if t.legislature[g]:
            retro = rng.random(st) < t.retroactive[g]
            sg[G_PARLIAMENT, g] = P_BYPASSED if retro else P_PENDING
            sg[G_REJECT, g] = 1 if rng.random(st) < t.reject_prob else 0
        else:
            sg[G_PARLIAMENT, g] = P_NONE
            sg[G_REJECT, g] = 0
        sg[G_VOTE_SCHEDULED, g] = 0
        standing = troops >= 0 and engaged[g]
        sg[G_STANDING, g] = 1 if standing else 0
        if standing:
            x[X_STANDING] += 1.0
        for i in range(n_i):
            code = t.instruments[i]
            heavy = code in (INS_TROOPS, INS_DEFENCE_SUPPORT)
            z = t.base[code] + t.severity_effect * severity + opinion
            if code == INS_TROOPS:
                z += t.stance[g]
            if t.nuclear:
                z -= t.fear[code] * (1.0 - (t.relief if t.own_nuclear[g] else 0.0))
            if election and heavy:
                z -= t.election_penalty
            if disinformation:
                z -= t.disinformation_shift
            f[F_Z, g, i] = z
            f[F_LOGIT_U, g, i] = rng.logistic(st)  # logit(u) of a uniform u
            f[F_DECIDED_AT, g, i] = np.nan
            f[F_RESOLVED_AT, g, i] = np.nan
            s[S_HEAVY, g, i] = 1 if heavy else 0
            s[S_CHOICE, g, i] = SILENT
            s[S_CONDITION, g, i] = NO_CONDITION
            for slot in range(S_VERSIONS, S_PENDING + 1):
                s[slot, g, i] = 0
            s[S_SEEN, g, i] = -1
            s[S_DEMAND, g, i] = -1
            n_options = t.n_demand_options[g, i]
            if n_options > 0 and rng.random(st) < t.demand_prob:
                pick = rng.randint(st, n_options)
                s[S_DEMAND, g, i] = t.demand_options[g, i, pick]
            s[S_DEMAND_STATE, g, i] = D_NONE if s[S_DEMAND, g, i] < 0 else D_PENDING
            s[S_REPLY_SCHEDULED, g, i] = 0
            s[S_RESOLUTION, g, i] = -1
            s[S_SILENT_IF_UNWILLING, g, i] = -1
            s[S_SILENT_AT_DEADLINE, g, i] = -1
            s[S_COMMITS_UNFINISHED, g, i] = -1


@njit(cache=True, inline="always")
def _key(
    is_willing: bool,
    convinced: bool,
    enough: bool,
    parliament: int,
    demand_state: int,
    versions: int,
    deliberated: int,
    obliged: int,
    attributed: bool,
) -> int:
    """What ``Guarantors._consider`` compares with the last situation, packed in one integer
    (the answer on record changes exactly when the count of accepted versions does)."""
    return (
        int(is_willing)
        | int(convinced) << 1
        | int(enough) << 2
        | parliament << 3
        | demand_state << 6
        | deliberated << 8
        | obliged << 9
        | int(attributed) << 10
        | versions << 11
    )


@njit(cache=True, inline="always")
def _evaluate(
    w: Window,
    g: int,
    i: int,
    h: float,
    immediate: bool,
) -> tuple[bool, int, int]:
    """Re-read guarantor ``g``'s situation on instrument ``i``: whether there is anything new
    to answer from, and the answer wanted; starts a vote or asks the beneficiary on the way
    (``Procedures.start``)."""
    s, f, sg, fg, x, hours, rows, st = w
    troops = i == int(x[X_TROOPS])
    b = fg[FG_BELIEF, g]
    warned = x[X_WARNED] > 0.0
    z, lu = f[F_Z, g, i], f[F_LOGIT_U, g, i]
    heavy = s[S_HEAVY, g, i] == 1
    effect, signal = x[X_ATTRIBUTION_EFFECT], x[X_SIGNAL_EFFECT]
    is_willing = willing(effect, signal, z, heavy, b, warned, lu)
    attributed = willing(effect, signal, z, heavy, 1.0, warned, lu)
    others = int(x[X_STANDING]) - sg[G_STANDING, g] if troops else 0
    parliament = sg[G_PARLIAMENT, g] if troops else P_NONE
    demand_state = s[S_DEMAND_STATE, g, i]
    needed = x[X_ATTRIBUTION_NEEDED]
    convinced = b >= needed
    k = sg[G_BANDWAGON_K, g]
    enough = others >= k
    key = _key(
        is_willing,
        convinced,
        enough,
        parliament,
        demand_state,
        s[S_VERSIONS, g, i],
        s[S_DELIBERATED, g, i],
        s[S_OBLIGED, g, i],
        attributed,
    )
    if not immediate and key == s[S_SEEN, g, i]:
        return False, SILENT, NO_CONDITION
    s[S_SEEN, g, i] = key
    engaged = sg[G_ENGAGED, g] == 1
    choice, condition = answer(
        x[X_ALLOWED:X_ACCEPT],
        needed,
        troops,
        k,
        is_willing,
        _flag(st, s, S_SILENT_IF_UNWILLING, g, i, x[X_SILENCE_WHEN_UNWILLING]),
        s[S_CHOICE, g, i] == COMMIT,
        engaged,
        sg[G_WITHDRAWS, g] == 1,
        sg[G_CONFIRMS, g] == 1,
        b,
        others,
        parliament,
        s[S_DEMAND, g, i] >= 0,
        demand_state,
        s[S_DELIBERATED, g, i] == 1,
        s[S_OBLIGED, g, i] == 1,
        _flag(st, s, S_SILENT_AT_DEADLINE, g, i, x[X_DEADLINE_SILENCE]),
        attributed,
        _flag(st, s, S_COMMITS_UNFINISHED, g, i, x[X_UNFINISHED_COMMIT]),
    )
    if (
        troops
        and parliament == P_PENDING
        and sg[G_VOTE_SCHEDULED, g] == 0
        and is_willing
        and not engaged
        and convinced
        and enough
    ):
        sg[G_VOTE_SCHEDULED, g] = 1
        agenda.push(hours, rows, max(fg[FG_VOTE_AT, g], h + 1.0), VOTE, g, i)
    if condition == BENEFICIARY_CONCESSION and s[S_REPLY_SCHEDULED, g, i] == 0:
        s[S_REPLY_SCHEDULED, g, i] = 1
        kind = s[S_DEMAND, g, i]
        lag = x[X_REPLY_H + kind] * (0.5 + rng.random(st))
        agenda.push(hours, rows, h + lag, REPLY, g, i)
    return True, choice, condition


@njit(cache=True, inline="always")
def _same(s: I3, g: int, i: int, choice: int, condition: int) -> bool:
    """The wanted answer is the one on record (silence is never recorded over an answer)."""
    current = s[S_CHOICE, g, i]
    if choice == SILENT:
        return True
    return bool(current != SILENT and choice == current and condition == s[S_CONDITION, g, i])


@uncounted
def _consider_later(
    w: Window,
    g: int,
    i: int,
    h: float,
) -> None:
    """``_consider(immediate=False)``: a changed answer is given after a revision lag."""
    s, x, hours, rows = w.s, w.x, w.hours, w.rows
    new, choice, condition = _evaluate(w, g, i, h, False)
    if not new or _same(s, g, i, choice, condition) or s[S_PENDING, g, i] == 1:
        return
    s[S_PENDING, g, i] = 1
    lag = rng.exponential(w.st, x[X_REVISION_LAG])
    agenda.push(hours, rows, h + lag, REVISE, g, i)


@uncounted
def _reconsider_all(
    w: Window,
    h: float,
    troops_only: bool,
    signal: bool,
) -> None:
    """Every guarantor that has looked re-reads its situation; an unconditional commitment
    only after a nuclear warning."""
    s, x = w.s, w.x
    n_g, n_i = s.shape[1], s.shape[2]
    troops = int(x[X_TROOPS])
    first, last = (troops, troops + 1) if troops_only else (0, n_i)
    for g in range(n_g):
        for i in range(first, last):
            if s[S_AWAKE, g, i] == 0 or s[S_PENDING, g, i] == 1:
                continue
            if not signal and s[S_CHOICE, g, i] == COMMIT:
                continue
            _consider_later(w, g, i, h)


@uncounted
def _consider_now(
    w: Window,
    g: int,
    i: int,
    h: float,
) -> bool:
    """``_consider(immediate=True)`` and ``_record``: a changed answer goes to the mechanism
    now; whether the guarantor's troop commitment started or stopped standing (then the others
    see the new count: the bandwagon)."""
    s, f, sg, x = w.s, w.f, w.sg, w.x
    _, choice, condition = _evaluate(w, g, i, h, True)
    if _same(s, g, i, choice, condition):
        return False
    versions = s[S_VERSIONS, g, i]
    if versions > 0 and x[X_REVISIONS_ALLOWED] == 0.0:
        return False  # RevisionRefused
    s[S_CHOICE, g, i] = choice
    s[S_CONDITION, g, i] = condition
    s[S_VERSIONS, g, i] = versions + 1
    s[S_RESOLUTION, g, i] = -1  # a new decision clears the resolution of the old condition
    f[F_DECIDED_AT, g, i] = h
    if versions > 0:
        x[X_REVISIONS] += 1.0
    else:
        x[X_UNDECIDED] -= 1.0
    if condition == BENEFICIARY_CONCESSION:
        x[X_DEMANDS] += 1.0
    if x[X_FRAMEWORK] == 0.0 and x[X_UNDECIDED] == 0.0:
        x[X_ALL_DECIDED_AT] = h
    if i == int(x[X_TROOPS]):
        now = 1 if choice == COMMIT else 0
        if now != sg[G_STANDING, g]:
            sg[G_STANDING, g] = now
            x[X_STANDING] += 1.0 if now == 1 else -1.0
            return True
    return False


@njit(cache=True, inline="always")
def _resolve(s: I3, f: F3, g: int, i: int, h: float, condition: int, met: bool) -> bool:
    """A vote or the beneficiary's reply resolves the current condition of its kind (the
    mechanism's ``ConditionResolved``); whether the guarantor looks again
    (``Guarantors.hear``)."""
    if s[S_CHOICE, g, i] != SILENT and s[S_CONDITION, g, i] == condition:
        s[S_RESOLUTION, g, i] = 1 if met else 0
        if met:
            f[F_RESOLVED_AT, g, i] = h
    return bool(s[S_AWAKE, g, i] == 1 and s[S_PENDING, g, i] == 0)


@uncounted
def _observe(fg: F3, x: F3, h: float) -> bool:
    """An attribution tick: the assessment is reported if it moved enough or crossed the
    confirmation level; beliefs are re-read; whether some belief really moved (then the
    guarantors look again)."""
    c0, cmax, tau = x[X_C0], x[X_CMAX], x[X_TAU]
    x[X_REPORTED], x[X_ATTRIBUTION] = assess(
        c0,
        cmax,
        tau,
        h,
        x[X_REPORTED],
        x[X_ATTRIBUTION],
        x[X_CONFIRMED_AT],
        x[X_REPORT_STEP],
        False,
    )
    lc = logit(confidence(c0, cmax, tau, h))
    moved = 0.0
    for g in range(fg.shape[1]):
        b = belief_at(lc, fg[FG_OFFSET, g])
        moved = max(moved, abs(b - fg[FG_BELIEF, g]))
        fg[FG_BELIEF, g] = b
    return moved > _BELIEF_RESOLUTION


@uncounted
def deliberate(
    t: Tables,
    d: int,
    w: Window,
    open_h: float,
    decision: F3,
) -> float:
    """Schedule the window that opened at ``open_h`` and handle its agenda in time order until
    the close; the hour of the close (``_Window._schedule`` and ``_deliberate``).

    ``decision[g, i]``: each guarantor's time to decision (``CrisisLags.decision``);
    ``fg[FG_VOTE_AT]`` its parliament's vote (``CrisisLags.vote``); ``fg[FG_BELIEF]`` the
    beliefs at ``open_h``."""
    s, f, sg, fg, x, hours, rows, st = w
    n_g, n_i = s.shape[1], s.shape[2]
    framework = not math.isnan(t.window_hours[d])
    end_h = open_h + (t.window_hours[d] if framework else t.horizon_h)
    n_ticks = t.n_ticks[d]
    agenda.clear(rows)
    lead = min(t.deadline_answer_hours, (end_h - open_h) / 2.0)
    for g in range(n_g):
        for i in range(n_i):
            if t.offered[d, g, i] > 0:
                at = max(open_h, decision[g, i])
                if at < end_h:
                    agenda.push(hours, rows, at, DECIDE, g, i)
                if framework:
                    due = end_h - lead * (1.0 - rng.random(st))
                    agenda.push(hours, rows, due, DUE, g, i)
    for k in range(n_ticks):
        tick = t.ticks[d, k]
        if open_h < tick < end_h:
            agenda.push(hours, rows, tick, TICK, -1, -1)
    if t.nuclear and rng.random(st) < t.nuclear_signal_prob:
        at = open_h + rng.random(st) * min(end_h - open_h, 24.0)
        agenda.push(hours, rows, at, SIGNAL, -1, -1)
    while agenda.size(rows) > 0 and math.isnan(x[X_ALL_DECIDED_AT]):
        h, kind, g, i = agenda.pop(hours, rows)
        if h >= end_h:
            break
        # what the entry sets going: an answer now, a re-reading after a lag, or everyone
        # who has looked re-reading (troops only after a troop commitment changed)
        now = later = sweep = troops_only = signal = False
        if kind == TICK:
            sweep = _observe(fg, x, h)
        elif kind == DECIDE:
            s[S_AWAKE, g, i] = 1
            s[S_DELIBERATED, g, i] = 1
            now = True
        elif kind == REVISE:
            s[S_PENDING, g, i] = 0
            now = True
        elif kind == DUE:
            s[S_AWAKE, g, i] = 1
            s[S_OBLIGED, g, i] = 1
            now = s[S_CHOICE, g, i] == SILENT and s[S_PENDING, g, i] == 0
        elif kind == VOTE:
            approved = sg[G_REJECT, g] == 0
            sg[G_PARLIAMENT, g] = P_APPROVED if approved else P_REJECTED
            later = _resolve(s, f, g, i, h, PARLIAMENT_APPROVAL, approved)
        elif kind == REPLY:
            accepted = rng.random(st) < x[X_ACCEPT + s[S_DEMAND, g, i]]
            s[S_DEMAND_STATE, g, i] = D_ACCEPTED if accepted else D_REFUSED
            later = _resolve(s, f, g, i, h, BENEFICIARY_CONCESSION, accepted)
        else:  # SIGNAL
            x[X_WARNED] = 1.0
            sweep = signal = True
        if now:
            sweep = troops_only = _consider_now(w, g, i, h)
        if later:
            _consider_later(w, g, i, h)
        if sweep:
            _reconsider_all(w, h, troops_only, signal)
    if not math.isnan(x[X_ALL_DECIDED_AT]):
        return float(x[X_ALL_DECIDED_AT])
    return end_h
