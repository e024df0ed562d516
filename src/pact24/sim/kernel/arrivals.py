"""After the outcome, what the counted commitments deliver and when, compiled: a port of
``reference.arrivals.schedule`` with ``models.delivery`` (tiers, schedule, pace,
``package_value``).

The crisis passes the counted receipts as arrays ``[g, i]``: ``counts`` (the receipt counts),
``amount`` and ``t_commit`` (``commit_hours``: when the commitment was made). Arrivals go into
an ``Arrivals`` scratch of ``t.max_items`` rows, in no particular order (the reference sorts
them only to report them in time order). The historical delivery lag an arrival waits for is
drawn here, when it is needed, from the crisis's joint draw ``k`` (``kernel.lags``).

Signatures (njit; ``st`` the generator's state, ``kernel.rng``)::

    new_arrivals(t: Tables) -> Arrivals
    commit_hours(is_troops: bool, engaged: bool, is_commit: bool, by_silence: bool,
                 derived: bool, decided_at: float, resolved_at: float, close_h: float) -> float
    schedule(st, t: Tables, d: int, honoured: bool, close_h: float, counts: bool[:, :],
             amount: float64[:, :], t_commit: float64[:, :], engaged: bool[:],
             severity: int, k: int, clear: bool[:], out: Arrivals) -> int   # rows written
    package_value(t: Tables, out: Arrivals, n: int, by_h: float) -> float   # EUR
    landed(t: Tables, out: Arrivals, n: int, hours: float64[:], troops: float64[:])
        -> (m, first_arrival_hours, troops_arrived_30d)   # troop rows copied to hours/troops
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit
from numpy.typing import NDArray

from pact24.sim.kernel import rng
from pact24.sim.kernel.lags import delivery_lag
from pact24.sim.kernel.rng import State
from pact24.sim.kernel.tables import (
    INS_SANCTIONS,
    INS_TROOPS,
    POSTURE_MEMBERSHIP,
    POSTURE_QRF,
    TIER_HIGH,
    TIER_LOW,
    TIER_VERY_HIGH,
    Tables,
)

ARRIVED_BY_H = 720.0
"""The horizon of ``troops_arrived_30d``."""


class Arrivals(NamedTuple):
    """Scratch rows: hours after the attack, guarantor, instrument index, amount."""

    hours: NDArray[np.float64]
    g: NDArray[np.int64]
    i: NDArray[np.int64]
    amount: NDArray[np.float64]


@njit(cache=True)
def new_arrivals(t: Tables) -> Arrivals:
    m = t.max_items
    return Arrivals(
        np.empty(m), np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64), np.empty(m)
    )


@njit(cache=True)
def commit_hours(
    is_troops: bool,
    engaged: bool,
    is_commit: bool,
    by_silence: bool,
    derived: bool,
    decided_at: float,
    resolved_at: float,
    close_h: float,
) -> float:
    """When a counted commitment was made (``reference.arrivals.commit_hours``): at once for
    engaged troops, when decided or resolved, or at the close where the close settles it
    (``derived``: its condition is one the close judges)."""
    if is_troops and engaged:
        return 0.0
    if is_commit:
        return close_h if by_silence else decided_at
    if derived:
        return close_h
    return close_h if math.isnan(resolved_at) else resolved_at


@njit(cache=True)
def _between(st: State, lo: float, hi: float) -> float:
    return lo + (hi - lo) * rng.random(st) if hi > lo else lo


@njit(cache=True)
def _push(out: Arrivals, n: int, hours: float, g: int, i: int, amount: float) -> int:
    out.hours[n], out.g[n], out.i[n], out.amount[n] = hours, g, i, amount
    return n + 1


@njit(cache=True)
def _troops(
    st: State,
    bounds: np.ndarray,
    lead_share: float,
    vh: float,
    hi: float,
    lo: float,
    start_h: float,
    earliest_h: float,
    g: int,
    i: int,
    out: Arrivals,
    n: int,
) -> int:
    """``delivery.schedule``: tranches of troops split by tier that start to move at
    ``start_h``, the whole schedule no earlier than ``earliest_h``; ``bounds`` is
    ``Tables.troop_h`` (lead elements, the rest of very high, high, low readiness)."""
    a0, t0 = vh * lead_share, _between(st, bounds[0, 0], bounds[0, 1])
    a1, t1 = vh * (1.0 - lead_share), _between(st, bounds[1, 0], bounds[1, 1])
    a2, t2 = hi, _between(st, bounds[2, 0], bounds[2, 1])
    a3, t3 = lo, _between(st, bounds[3, 0], bounds[3, 1])
    first = math.inf
    for a, h in ((a0, t0), (a1, t1), (a2, t2), (a3, t3)):
        if a > 0.0:
            first = min(first, h)
    if first == math.inf:
        return n
    shift = max(0.0, earliest_h - (start_h + first))
    for a, h in ((a0, t0), (a1, t1), (a2, t2), (a3, t3)):
        if a > 0.0:
            n = _push(out, n, start_h + h + shift, g, i, a)
    return n


@njit(cache=True)
def _pace(
    st: State,
    in_force_h: np.ndarray,
    first_h: np.ndarray,
    rest_h: np.ndarray,
    first_share: np.ndarray,
    code: int,
    amount: float,
    start_h: float,
    earliest_h: float,
    g: int,
    i: int,
    out: Arrivals,
    n: int,
) -> int:
    """``delivery.pace``: sanctions in force at once, aid and weapons in two tranches."""
    if code == INS_SANCTIONS:
        h = _between(st, in_force_h[0], in_force_h[1])
        if amount > 0.0:
            n = _push(out, n, start_h + h + max(0.0, earliest_h - (start_h + h)), g, i, amount)
        return n
    share = first_share[code]
    first = _between(st, first_h[code, 0], first_h[code, 1])
    rest = max(first, _between(st, rest_h[code, 0], rest_h[code, 1]))
    shift = max(0.0, earliest_h - (start_h + first))
    if amount * share > 0.0:
        n = _push(out, n, start_h + first + shift, g, i, amount * share)
    if share < 1.0 and amount * (1.0 - share) > 0.0:
        n = _push(out, n, start_h + rest + shift, g, i, amount * (1.0 - share))
    return n


@njit(cache=True, inline="always")
def schedule(
    st: State,
    t: Tables,
    d: int,
    honoured: bool,
    close_h: float,
    counts: np.ndarray,
    amount: np.ndarray,
    t_commit: np.ndarray,
    engaged: np.ndarray,
    severity: int,
    k: int,
    clear: np.ndarray,
    out: Arrivals,
) -> int:
    """The arrivals within the delivery horizon of the counted receipts, into ``out``; returns
    how many rows were written."""
    return _schedule(
        st,
        t.instruments,
        t.troop_index,
        t.troops_need_honoured,
        t.posture_kind[d],
        t.qrf_size[d],
        t.qrf_readiness[d],
        t.stationed[d],
        t.offered[d],
        t.readiness[d],
        t.troop_h,
        t.lead_share,
        t.in_force_h,
        t.first_h,
        t.rest_h,
        t.first_share,
        t.delivery_horizon_h,
        honoured,
        close_h,
        counts,
        amount,
        t_commit,
        engaged,
        t.lag_mu[severity],
        t.lag_sigma[severity],
        t.lag_family,
        k,
        clear,
        out,
    )


@njit(cache=True)
def _schedule(
    st: State,
    instruments: np.ndarray,
    troop_index: int,
    troops_need_honoured: bool,
    posture_kind: int,
    qrf_size: float,
    qrf_readiness: int,
    stationed: np.ndarray,
    offered: np.ndarray,
    readiness: np.ndarray,
    troop_h: np.ndarray,
    lead_share: float,
    in_force_h: np.ndarray,
    first_h: np.ndarray,
    rest_h: np.ndarray,
    first_share: np.ndarray,
    horizon_h: float,
    honoured: bool,
    close_h: float,
    counts: np.ndarray,
    amount: np.ndarray,
    t_commit: np.ndarray,
    engaged: np.ndarray,
    mu: np.ndarray,
    sig: np.ndarray,
    family: int,
    k: int,
    clear: np.ndarray,
    out: Arrivals,
) -> int:
    n_g, n_i = counts.shape
    ti = troop_index
    troops_move = honoured or not troops_need_honoured
    qrf_total = 0.0
    qrf = posture_kind == POSTURE_QRF and honoured and qrf_size > 0.0 and ti >= 0
    if qrf:
        for g in range(n_g):
            if counts[g, ti]:
                qrf_total += max(amount[g, ti], 1.0)
    n = 0
    for g in range(n_g):
        for i in range(n_i):
            if not counts[g, i]:
                continue
            code = instruments[i]
            if code != INS_TROOPS:
                n = _pace(
                    st,
                    in_force_h,
                    first_h,
                    rest_h,
                    first_share,
                    code,
                    amount[g, i],
                    t_commit[g, i],
                    delivery_lag(st, mu, sig, family, clear[g], i, k),
                    g,
                    i,
                    out,
                    n,
                )
                continue
            remaining = amount[g, i]
            here = stationed[g] if engaged[g] else 0.0
            if here > 0.0:
                n = _push(out, n, 0.0, g, i, min(here, remaining))
                remaining -= min(here, remaining)
            if not troops_move or remaining <= 0.0:
                continue
            if qrf_total > 0.0:
                share = min(qrf_size * max(amount[g, i], 1.0) / qrf_total, remaining)
                if share > 0.0:
                    tier = qrf_readiness
                    n = _troops(
                        st,
                        troop_h,
                        lead_share,
                        share if tier == TIER_VERY_HIGH else 0.0,
                        share if tier == TIER_HIGH else 0.0,
                        share if tier == TIER_LOW else 0.0,
                        close_h,
                        0.0,
                        g,
                        i,
                        out,
                        n,
                    )
                    remaining -= share
                if remaining <= 0.0:
                    continue
            offer = offered[g, i]
            vh, hi, lo = 0.0, 0.0, remaining
            if offer > 0.0:
                scale = remaining / offer
                vh = readiness[g, i, TIER_VERY_HIGH] * scale
                hi = readiness[g, i, TIER_HIGH] * scale
                lo = readiness[g, i, TIER_LOW] * scale
                lo += max(0.0, remaining - (vh + hi + lo))
            earliest = 0.0
            if posture_kind != POSTURE_MEMBERSHIP:
                earliest = delivery_lag(st, mu, sig, family, clear[g], i, k)
            n = _troops(st, troop_h, lead_share, vh, hi, lo, t_commit[g, i], earliest, g, i, out, n)
    kept = 0
    for j in range(n):
        if out.hours[j] <= horizon_h:
            kept = _push(out, kept, out.hours[j], out.g[j], out.i[j], out.amount[j])
    return kept


@njit(cache=True, inline="always")
def package_value(t: Tables, out: Arrivals, n: int, by_h: float) -> float:
    """EUR delivered or in force by ``by_h`` hours: aid and weapons at their amount (EUR
    million), each state's sanctions at ``package.sanctions_eur``."""
    return _package_value(t.instruments, t.sanctions_eur, out, n, by_h)


@njit(cache=True)
def _package_value(
    instruments: np.ndarray, sanctions_eur: float, out: Arrivals, n: int, by_h: float
) -> float:
    total = 0.0
    for j in range(n):
        code = instruments[out.i[j]]
        if out.hours[j] > by_h or code == INS_TROOPS:
            continue
        if code == INS_SANCTIONS:
            total += sanctions_eur * out.amount[j]
        else:
            total += out.amount[j] * 1e6
    return total


@njit(cache=True, inline="always")
def landed(
    t: Tables, out: Arrivals, n: int, hours: np.ndarray, troops: np.ndarray
) -> tuple[int, float, float]:
    """The troop rows copied into ``hours``/``troops`` (for ``front.assess``); with the hour
    of the first arrival (NaN: none) and the troops arrived within 30 days."""
    return _landed(t.instruments, out, n, hours, troops)


@njit(cache=True)
def _landed(
    instruments: np.ndarray, out: Arrivals, n: int, hours: np.ndarray, troops: np.ndarray
) -> tuple[int, float, float]:
    m = 0
    first = math.nan
    arrived = 0.0
    for j in range(n):
        if instruments[out.i[j]] != INS_TROOPS:
            continue
        h, a = out.hours[j], out.amount[j]
        hours[m], troops[m] = h, a
        m += 1
        if math.isnan(first) or h < first:
            first = h
        if h <= ARRIVED_BY_H:
            arrived += a
    return m, first, arrived
