"""One crisis compiled: ``reference.crisis.run_crisis`` from the attack to the front, writing
the fields ``reference.campaign._row`` reads into one float row.

1. the attack of the family (``kernel.attack``), the stationed forces it touches
   (``kernel.posture``) and the attribution path and offsets (``kernel.attribution``);
2. activation (``kernel.attribution.activate``); no window within the wait: only the front;
3. the guarantors' lags (``kernel.lags``) and the window (``kernel.deliberation``);
4. the close: receipts and outcome (``kernel.close``);
5. arrivals (``kernel.arrivals``) and the front (``kernel.front``).

``crisis(t, d, family, out, words)`` allocates its scratch, with a generator started from the
four ``uint64`` ``words`` (``kernel.rng``); a loop over many crises allocates it once
(``new_scratch``) and calls ``crisis_in``, each crisis drawing on where the last stopped.
Booleans are written as 0/1, counts as floats, the incident kind as its code (index in
``IncidentKind``).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.sim.kernel import arrivals, front
from pact24.sim.kernel.arrivals import Arrivals
from pact24.sim.kernel.attack import draw_attack
from pact24.sim.kernel.attribution import activate, beliefs, draw_offsets, draw_path
from pact24.sim.kernel.close import (
    N_R,
    N_RF,
    R_BY_SILENCE,
    R_CONDITIONAL,
    R_COUNTS,
    R_DECLINE,
    R_MET,
    R_STATUS,
    RF_AMOUNT,
    RF_COMMIT_H,
    freeze,
)
from pact24.sim.kernel.deliberation import (
    FG_BELIEF,
    FG_OFFSET,
    FG_VOTE_AT,
    X_ATTRIBUTION,
    X_C0,
    X_CMAX,
    X_DEMANDS,
    X_REPORTED,
    X_REVISIONS,
    X_TAU,
    X_WARNED,
    Window,
    deliberate,
    new_window,
    open_window,
)
from pact24.sim.kernel.lags import draw_lags
from pact24.sim.kernel.posture import draw_engaged
from pact24.sim.kernel.rng import WORDS, State, seed
from pact24.sim.kernel.tables import Tables
from pact24.sim.kernel.uncounted import uncounted
from pact24.sim.results import PLEDGE_HORIZONS
from pact24.vocab import Instrument

PACKAGE_HOURS = 7 * 24.0
"""The horizon of ``package_eur_7d`` (``reference.crisis.PACKAGE_HOURS``)."""

CRISIS_FIELDS: tuple[str, ...] = (
    "incident_kind",
    "window_opened",
    "decided",
    "troops_in_window",
    *(f"commits_{ins.value}" for ins in Instrument),
    "conditional_troops",
    "declined_troops",
    "silent_troops",
    "revisions",
    "demands",
    "unmet_conditions",
    "nuclear_warning",
    "attribution_at_close",
    "hours_to_activation",
    "hours_to_first_troop_commitment",
    "hours_to_first_arrival",
    "hours_to_effective_response",
    "troops_arrived_30d",
    "attack_size",
    "territory_km2",
    *(f"troop_pledges_{label}" for label in PLEDGE_HORIZONS),
    "troops_pledged",
    "troops_needed",
    "package_eur_7d",
    "engaged",
)
"""The per-crisis fields, in the order ``crisis`` writes them into ``out``."""
_AT = {name: k for k, name in enumerate(CRISIS_FIELDS)}
INCIDENT_KIND = _AT["incident_kind"]
WINDOW_OPENED = _AT["window_opened"]
DECIDED = _AT["decided"]
TROOPS_IN_WINDOW = _AT["troops_in_window"]
COMMITS = _AT["commits_troops"]
"""``commits_<instrument>`` in ``Instrument`` order from here."""
CONDITIONAL_TROOPS = _AT["conditional_troops"]
DECLINED_TROOPS = _AT["declined_troops"]
SILENT_TROOPS = _AT["silent_troops"]
REVISIONS = _AT["revisions"]
DEMANDS = _AT["demands"]
UNMET_CONDITIONS = _AT["unmet_conditions"]
NUCLEAR_WARNING = _AT["nuclear_warning"]
ATTRIBUTION_AT_CLOSE = _AT["attribution_at_close"]
HOURS_TO_ACTIVATION = _AT["hours_to_activation"]
FIRST_TROOP_COMMITMENT = _AT["hours_to_first_troop_commitment"]
FIRST_ARRIVAL = _AT["hours_to_first_arrival"]
EFFECTIVE = _AT["hours_to_effective_response"]
TROOPS_ARRIVED_30D = _AT["troops_arrived_30d"]
ATTACK_SIZE = _AT["attack_size"]
TERRITORY = _AT["territory_km2"]
PLEDGES = _AT["troop_pledges_24h"]
"""``troop_pledges_<label>`` in ``PLEDGE_HORIZONS`` order from here."""
PLEDGE_HOURS = np.array(list(PLEDGE_HORIZONS.values()), dtype=np.float64)
TROOPS_PLEDGED = _AT["troops_pledged"]
TROOPS_NEEDED = _AT["troops_needed"]
PACKAGE = _AT["package_eur_7d"]
ENGAGED = _AT["engaged"]

F1 = npt.NDArray[np.float64]


class Scratch(NamedTuple):
    """Every array one crisis writes, allocated once per loop (``new_scratch``), and the
    generator's state (the window draws from the same array)."""

    st: State

    engaged: npt.NDArray[np.bool_]
    engagement: F1
    """P(engaged) per guarantor."""
    offsets: F1
    beliefs: F1
    clear: npt.NDArray[np.bool_]
    decision: npt.NDArray[np.float64]
    vote: F1
    window: Window
    r: npt.NDArray[np.int64]
    rf: npt.NDArray[np.float64]
    counts: npt.NDArray[np.bool_]
    arrivals: Arrivals
    landed_h: F1
    landed_troops: F1


@njit(cache=True)
def new_scratch(t: Tables, words: State) -> Scratch:
    """The scratch of ``t``'s crises, its generator started from ``words``."""
    n_g, n_i = t.offered.shape[1], t.offered.shape[2]
    st = np.empty(WORDS, dtype=np.uint64)
    seed(st, words)
    return Scratch(
        st,
        np.empty(n_g, dtype=np.bool_),
        np.empty(n_g),
        np.empty(n_g),
        np.empty(n_g),
        np.empty(n_g, dtype=np.bool_),
        np.empty((n_g, n_i)),
        np.empty(n_g),
        new_window(n_g, n_i, t.ticks.shape[1], st),
        np.empty((N_R, n_g, n_i), dtype=np.int64),
        np.empty((N_RF, n_g, n_i)),
        np.empty((n_g, n_i), dtype=np.bool_),
        arrivals.new_arrivals(t),
        np.empty(t.max_items),
        np.empty(t.max_items),
    )


@njit(cache=True)
def crisis(t: Tables, d: int, family: int, out: F1, words: State) -> bool:
    """One crisis of family code ``family`` under design ``d`` (0 held, 1 lapsed), drawn from a
    generator started at ``words``: its fields into ``out`` (``CRISIS_FIELDS`` order); whether
    the guarantee was honoured."""
    return crisis_in(t, d, family, out, new_scratch(t, words))


@uncounted
def crisis_in(t: Tables, d: int, family: int, out: F1, sc: Scratch) -> bool:
    """``crisis`` with the scratch ``sc`` of ``new_scratch``."""
    st = sc.st
    kind, severity, size, rate, objective, disinformation = draw_attack(st, t, family)
    c0, cmax, tau = draw_path(st, t, kind, disinformation)
    draw_offsets(st, t, disinformation, sc.offsets)
    n_engaged = draw_engaged(st, t, d, kind, severity, objective, sc.engaged, sc.engagement)
    out[:] = 0.0
    out[INCIDENT_KIND] = kind
    out[ATTACK_SIZE] = size
    out[ENGAGED] = 1.0 if n_engaged > 0 else 0.0
    for field in (FIRST_TROOP_COMMITMENT, FIRST_ARRIVAL, EFFECTIVE, HOURS_TO_ACTIVATION):
        out[field] = np.nan
    open_h, reported, attribution = activate(t, d, c0, cmax, tau, sc.offsets, sc.beliefs)
    if math.isnan(open_h):
        out[ATTRIBUTION_AT_CLOSE] = attribution
        territory, _, needed = front.assess(
            t, family, size, rate, objective, sc.landed_h, sc.landed_troops, 0
        )
        out[TERRITORY] = territory
        out[TROOPS_NEEDED] = needed
        return False
    w = sc.window
    s, fg, x = w.s, w.fg, w.x
    beliefs(c0, cmax, tau, open_h, sc.offsets, sc.beliefs)
    n_g, n_i = s.shape[1], s.shape[2]
    for g in range(n_g):
        fg[FG_OFFSET, g] = sc.offsets[g]
        fg[FG_BELIEF, g] = sc.beliefs[g]
        sc.clear[g] = sc.beliefs[g] >= t.clear_at
    x[X_C0], x[X_CMAX], x[X_TAU] = c0, cmax, tau
    x[X_REPORTED], x[X_ATTRIBUTION] = reported, attribution
    lag_draw = draw_lags(st, t, severity, sc.clear, sc.decision, sc.vote)
    for g in range(n_g):
        fg[FG_VOTE_AT, g] = sc.vote[g]
    open_window(t, d, float(severity - 1), disinformation, sc.engaged, w)
    close_h = deliberate(t, d, w, open_h, sc.decision)
    r, rf = sc.r, sc.rf
    honoured = freeze(t, d, w.s, w.f, w.sg, w.x, close_h, r, rf)
    out[WINDOW_OPENED] = 1.0
    out[DECIDED] = 1.0 if honoured else 0.0
    out[NUCLEAR_WARNING] = x[X_WARNED]
    out[ATTRIBUTION_AT_CLOSE] = x[X_ATTRIBUTION]
    out[HOURS_TO_ACTIVATION] = open_h
    out[REVISIONS] = x[X_REVISIONS]
    out[DEMANDS] = x[X_DEMANDS]
    troops = t.troop_index
    first = np.nan
    pledged = 0.0
    for g in range(n_g):
        for i in range(n_i):
            counts = r[R_COUNTS, g, i] == 1
            sc.counts[g, i] = counts
            if r[R_MET, g, i] == 0:
                out[UNMET_CONDITIONS] += 1.0
            if counts:
                out[COMMITS + t.instruments[i]] += 1.0
            if i != troops:
                continue
            status = r[R_STATUS, g, i]
            out[CONDITIONAL_TROOPS] += 1.0 if status == R_CONDITIONAL else 0.0
            silent = r[R_BY_SILENCE, g, i] == 1
            out[SILENT_TROOPS] += 1.0 if silent else 0.0
            out[DECLINED_TROOPS] += 1.0 if status == R_DECLINE and not silent else 0.0
            if counts:
                pledged += rf[RF_AMOUNT, g, i]
                h = rf[RF_COMMIT_H, g, i]
                if math.isnan(first) or h < first:
                    first = h
                for k in range(PLEDGE_HOURS.shape[0]):
                    if h <= PLEDGE_HOURS[k]:
                        out[PLEDGES + k] += 1.0
    out[TROOPS_IN_WINDOW] = 1.0 if troops >= 0 and out[COMMITS + t.instruments[troops]] > 0 else 0.0
    out[FIRST_TROOP_COMMITMENT] = first
    out[TROOPS_PLEDGED] = pledged
    items = sc.arrivals
    n = arrivals.schedule(
        st,
        t,
        d,
        honoured,
        close_h,
        sc.counts,
        rf[RF_AMOUNT],
        rf[RF_COMMIT_H],
        sc.engaged,
        severity,
        lag_draw,
        sc.clear,
        items,
    )
    out[PACKAGE] = arrivals.package_value(t, items, n, PACKAGE_HOURS)
    m, first_arrival, arrived = arrivals.landed(t, items, n, sc.landed_h, sc.landed_troops)
    out[FIRST_ARRIVAL] = first_arrival
    out[TROOPS_ARRIVED_30D] = arrived
    territory, effective, needed = front.assess(
        t, family, size, rate, objective, sc.landed_h, sc.landed_troops, m
    )
    out[TERRITORY] = territory
    out[EFFECTIVE] = effective
    out[TROOPS_NEEDED] = needed
    return honoured
