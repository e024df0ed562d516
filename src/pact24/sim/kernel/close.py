"""The close compiled: ``mechanism.rules.freeze_receipts`` and ``declare_outcome`` on a
window's arrays, and when each counted commitment was made (``kernel.arrivals.commit_hours``).

Receipts are arrays ``r[slot, g, i]`` (integers) and ``rf[slot, g, i]`` (floats) by the slot
constants below. As in the rules, unconditional answers are settled first and
``others_commit_first`` is judged against the unconditional commitments that count.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.sim.kernel.answer import (
    ATTRIBUTION_CONFIRMED,
    COMMIT,
    CONDITIONAL,
    NO_CONDITION,
    OTHERS_COMMIT_FIRST,
    SILENT,
)
from pact24.sim.kernel.arrivals import commit_hours
from pact24.sim.kernel.deliberation import (
    F_DECIDED_AT,
    F_RESOLVED_AT,
    G_ENGAGED,
    S_CHOICE,
    S_CONDITION,
    S_RESOLUTION,
    X_ATTRIBUTION,
)
from pact24.sim.kernel.tables import (
    INS_TROOPS,
    OUTCOME_CONSENSUS,
    OUTCOME_MIN_AMOUNT,
    SILENCE_ABSTAIN,
    SILENCE_COMMIT,
    Tables,
)
from pact24.sim.kernel.uncounted import uncounted

I3 = npt.NDArray[np.int64]
F3 = npt.NDArray[np.float64]

R_COMMIT, R_DECLINE, R_ABSTAIN, R_CONDITIONAL = range(4)
"""Receipt status codes (``ReceiptStatus``)."""

# r[slot, g, i]
R_STATUS = 0
R_COUNTS = 1
R_BY_SILENCE = 2
R_MET = 3
"""A conditional receipt's condition: 1 met, 0 unmet; -1 for an unconditional receipt."""
R_CONDITION = 4
N_R = 5

# rf[slot, g, i]
RF_AMOUNT = 0
RF_COMMIT_H = 1
"""Hours after the attack the counted commitment was made, met or settled (NaN if it does
not count)."""
N_RF = 2


@njit(cache=True)
def _counts_toward_rule(floor: float, is_troops: bool, amount: float) -> bool:
    """``commitments.counts_toward_rule``: only ``outcome.min_troops`` (``floor``, 0 where
    none) sets a floor, on troops."""
    return floor <= 0.0 or not is_troops or amount >= floor


@uncounted
def freeze(t: Tables, d: int, s: I3, f: F3, sg: I3, x: F3, close_h: float, r: I3, rf: F3) -> bool:
    """Fill the receipts ``r``/``rf`` of the window in ``s``/``f``/``sg``/``x`` closed at
    ``close_h``; whether the outcome is honoured by the design's rule."""
    n_g, n_i = s.shape[1], s.shape[2]
    floor = t.outcome_min_troops[d]
    for g in range(n_g):
        for i in range(n_i):
            choice = s[S_CHOICE, g, i]
            offered = t.offered[d, g, i]
            r[R_CONDITION, g, i] = NO_CONDITION
            r[R_MET, g, i] = -1
            r[R_BY_SILENCE, g, i] = 0
            if choice == CONDITIONAL:
                r[R_CONDITION, g, i] = s[S_CONDITION, g, i]
                continue
            if choice != SILENT:
                commit = choice == COMMIT
                amount = offered if commit else 0.0
                r[R_STATUS, g, i] = R_COMMIT if commit else R_DECLINE
                r[R_COUNTS, g, i] = (
                    1
                    if commit and _counts_toward_rule(floor, t.instruments[i] == INS_TROOPS, amount)
                    else 0
                )
                rf[RF_AMOUNT, g, i] = amount
            elif i == t.troop_index and sg[G_ENGAGED, g] == 1:
                r[R_STATUS, g, i] = R_COMMIT
                r[R_COUNTS, g, i] = 1
                rf[RF_AMOUNT, g, i] = t.stationed[d, g]
            else:
                rule = t.silence[d, i]
                commit = rule == SILENCE_COMMIT
                if commit:
                    r[R_STATUS, g, i] = R_COMMIT
                elif rule == SILENCE_ABSTAIN:
                    r[R_STATUS, g, i] = R_ABSTAIN
                else:
                    r[R_STATUS, g, i] = R_DECLINE
                r[R_COUNTS, g, i] = (
                    1
                    if commit
                    and _counts_toward_rule(floor, t.instruments[i] == INS_TROOPS, offered)
                    else 0
                )
                rf[RF_AMOUNT, g, i] = offered if commit else 0.0
                r[R_BY_SILENCE, g, i] = 1
    for g in range(n_g):
        for i in range(n_i):
            condition = r[R_CONDITION, g, i]
            if condition == NO_CONDITION:
                continue
            if condition == OTHERS_COMMIT_FIRST:
                others = 0
                for h in range(n_g):
                    if (
                        h != g
                        and r[R_CONDITION, h, i] == NO_CONDITION
                        and r[R_STATUS, h, i] == R_COMMIT
                        and r[R_COUNTS, h, i] == 1
                    ):
                        others += 1
                met = others >= t.bandwagon_k[g]
            elif condition == ATTRIBUTION_CONFIRMED:
                met = x[X_ATTRIBUTION] >= t.confirmed_at[d]
            else:
                met = s[S_RESOLUTION, g, i] == 1
            stands = met or not t.counts_only_if_met[d]
            pledged = t.offered[d, g, i]
            r[R_STATUS, g, i] = R_CONDITIONAL
            r[R_MET, g, i] = 1 if met else 0
            r[R_COUNTS, g, i] = (
                1
                if stands and _counts_toward_rule(floor, t.instruments[i] == INS_TROOPS, pledged)
                else 0
            )
            rf[RF_AMOUNT, g, i] = pledged if stands else 0.0
    for g in range(n_g):
        for i in range(n_i):
            if r[R_COUNTS, g, i] == 0:
                rf[RF_COMMIT_H, g, i] = np.nan
                continue
            condition = r[R_CONDITION, g, i]
            rf[RF_COMMIT_H, g, i] = commit_hours(
                i == t.troop_index,
                sg[G_ENGAGED, g] == 1,
                r[R_STATUS, g, i] == R_COMMIT,
                r[R_BY_SILENCE, g, i] == 1,
                condition in (OTHERS_COMMIT_FIRST, ATTRIBUTION_CONFIRMED),
                f[F_DECIDED_AT, g, i],
                f[F_RESOLVED_AT, g, i],
                close_h,
            )
    return _honoured(t, d, r, rf)


@njit(cache=True)
def _honoured(t: Tables, d: int, r: I3, rf: F3) -> bool:
    """``declare_outcome``'s verdict: it reads nothing but the receipts."""
    i = t.outcome_ins[d]
    counted = 0
    amount = 0.0
    for g in range(r.shape[1]):
        if r[R_COUNTS, g, i] == 1:
            counted += 1
            amount += rf[RF_AMOUNT, g, i]
    if t.outcome_rule[d] == OUTCOME_MIN_AMOUNT:
        return bool(amount >= t.outcome_amount[d])
    if t.outcome_rule[d] == OUTCOME_CONSENSUS:
        return bool(counted == r.shape[1])
    return bool(counted >= t.outcome_k[d])
