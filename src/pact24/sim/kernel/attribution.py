"""Attribution in a crisis, compiled: ports of ``models.attribution`` (the path, the
guarantors' offsets and beliefs) and of ``reference.assessment`` with ``reference.crisis``'s
activation.

A path is three floats ``(c0, cmax, tau)``. The mechanism hears the assessment only when it is
reported, rounded to 4 decimals (``AttributionAssessed``): callers keep ``reported`` (the
last reported confidence, unrounded, as ``Assessment.reported``) and ``attribution`` (what the
mechanism holds: ``state.attribution``).

Signatures (njit; ``st`` the generator's state, ``kernel.rng``)::

    draw_path(st, t: Tables, kind: int, disinformation: bool) -> (c0, cmax, tau)
    draw_offsets(st, t: Tables, disinformation: bool, offsets: float64[:]) -> None
    confidence(c0: float, cmax: float, tau: float, h: float) -> float
    belief(c: float, offset: float) -> float
    beliefs(c0, cmax, tau, h: float, offsets: float64[:], out: float64[:]) -> float  # min belief
    assess(c0, cmax, tau, h: float, reported: float, attribution: float, confirmed_at: float,
           step: float, force: bool) -> (reported, attribution)
    activate(t: Tables, d: int, c0, cmax, tau, offsets: float64[:], scratch: float64[:])
        -> (open_h, reported, attribution)     # open_h NaN: no window within max_wait
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from pact24.sim.kernel import rng
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import ACTIVATION_ON_INVOCATION, Tables


@njit(cache=True, inline="always")
def draw_path(st: State, t: Tables, kind: int, disinformation: bool) -> tuple[float, float, float]:
    """``(c0, cmax, tau_hours)`` of one crisis's shared assessment."""
    return _path(
        st,
        t.attr_initial[kind],
        t.attr_ceiling,
        t.attr_tau_hours[kind],
        t.attr_pace_sd,
        t.disinfo_slowdown,
        disinformation,
    )


@njit(cache=True)
def _path(
    st: State,
    c0: float,
    ceiling: float,
    tau: float,
    pace_sd: float,
    slowdown: float,
    disinformation: bool,
) -> tuple[float, float, float]:
    tau *= math.exp(pace_sd * rng.standard_normal(st))
    if disinformation:
        tau *= slowdown
    return c0, max(ceiling, c0), tau


@njit(cache=True, inline="always")
def draw_offsets(st: State, t: Tables, disinformation: bool, offsets: np.ndarray) -> None:
    """Each guarantor's belief offset from the shared assessment (logit scale)."""
    _offsets(st, t.disinfo_split_sd, t.attr_split_sd, disinformation, offsets)


@njit(cache=True)
def _offsets(
    st: State, disinformation_sd: float, sd: float, disinformation: bool, out: np.ndarray
) -> None:
    if disinformation:
        sd = disinformation_sd
    for g in range(out.shape[0]):
        out[g] = sd * rng.standard_normal(st)


@njit(cache=True)
def confidence(c0: float, cmax: float, tau: float, h: float) -> float:
    """The shared assessment ``h`` hours after the attack."""
    if h <= 0.0:
        return c0
    return c0 + (cmax - c0) * (1.0 - math.exp(-h / tau))


@njit(cache=True)
def logit(c: float) -> float:
    """The shared assessment ``c`` on the logit scale (clipped off 0 and 1), where the
    guarantors' offsets add."""
    c = min(max(c, 1e-9), 1.0 - 1e-9)
    return math.log(c / (1.0 - c))


@njit(cache=True)
def belief_at(logit_c: float, offset: float) -> float:
    """A guarantor's own belief given the shared assessment's ``logit`` and its offset (the
    logit once per reading, not once per guarantor)."""
    return 1.0 / (1.0 + math.exp(-(logit_c + offset)))


@njit(cache=True)
def belief(c: float, offset: float) -> float:
    """A guarantor's own belief given the shared assessment ``c`` and its offset."""
    return belief_at(logit(c), offset)


@njit(cache=True)
def beliefs(
    c0: float, cmax: float, tau: float, h: float, offsets: np.ndarray, out: np.ndarray
) -> float:
    """Each guarantor's belief at ``h`` into ``out``; returns the least of them."""
    lc = logit(confidence(c0, cmax, tau, h))
    least = math.inf
    for g in range(offsets.shape[0]):
        out[g] = belief_at(lc, offsets[g])
        least = min(least, out[g])
    return least


@njit(cache=True)
def assess(
    c0: float,
    cmax: float,
    tau: float,
    h: float,
    reported: float,
    attribution: float,
    confirmed_at: float,
    step: float,
    force: bool,
) -> tuple[float, float]:
    """``Assessment.assess``: the assessment at ``h`` is reported if it moved by ``step``,
    crossed ``confirmed_at``, or ``force``; returns the new ``(reported, attribution)``."""
    c = confidence(c0, cmax, tau, h)
    crossed = reported < confirmed_at <= c
    if force or crossed or c - reported >= step:
        return c, round(c, 4)
    return reported, attribution


@njit(cache=True, inline="always")
def activate(
    t: Tables,
    d: int,
    c0: float,
    cmax: float,
    tau: float,
    offsets: np.ndarray,
    scratch: np.ndarray,
) -> tuple[float, float, float]:
    """The hour the window of design ``d`` opens (NaN if not within ``max_wait``), with the
    assessment as reported until then: ``reference.crisis._activate`` after the first report
    at the attack. ``scratch`` (length of ``offsets``) receives beliefs."""
    return _activate(
        t.activation_rule[d] == ACTIVATION_ON_INVOCATION,
        t.activation_threshold[d],
        t.confirmed_at[d],
        t.report_step,
        t.max_wait_h,
        t.invocation_h,
        t.ticks[d, : t.n_ticks[d]],
        c0,
        cmax,
        tau,
        offsets,
        scratch,
    )


@njit(cache=True)
def _activate(
    invocation: bool,
    threshold: float,
    confirmed: float,
    step: float,
    max_wait: float,
    earliest: float,
    ticks: np.ndarray,
    c0: float,
    cmax: float,
    tau: float,
    offsets: np.ndarray,
    scratch: np.ndarray,
) -> tuple[float, float, float]:
    reported = c0
    attribution = round(c0, 4)
    n = ticks.shape[0]
    if invocation:
        j = -1  # -1: the earliest hour itself, then the ticks after it
        while j < n:
            h = earliest if j < 0 else ticks[j]
            j += 1
            if j > 0 and h <= earliest:
                continue
            if h > max_wait:
                break
            force = confidence(c0, cmax, tau, h) >= threshold
            reported, attribution = assess(
                c0, cmax, tau, h, reported, attribution, confirmed, step, force
            )
            if attribution >= threshold and (
                beliefs(c0, cmax, tau, h, offsets, scratch) >= threshold
            ):
                return h, reported, attribution
        return math.nan, reported, attribution
    if attribution >= threshold:
        return 0.0, reported, attribution
    for j in range(n):
        h = ticks[j]
        if h > max_wait:
            break
        force = confidence(c0, cmax, tau, h) >= threshold
        reported, attribution = assess(
            c0, cmax, tau, h, reported, attribution, confirmed, step, force
        )
        if attribution >= threshold:
            return h, reported, attribution
    return math.nan, reported, attribution
