"""``models.guarantor`` compiled: willingness and the answer a guarantor wants on record.

The same steps, in the same order, as ``models.guarantor.answer``; an answer is a pair of codes
(choice, condition) instead of an ``Answer``, and its note (words for the ledger) is left out:
no outcome column reads it.

These run many times per crisis, so they take plain numbers and small arrays, never ``Tables``
(numba passes a namedtuple by value: a call with ``Tables`` copies every field of it).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.vocab import ConditionKind

CONDITION_KINDS = tuple(ConditionKind)

SILENT, COMMIT, DECLINE, CONDITIONAL = -1, 0, 1, 2
"""Choice codes (``SILENT``: nothing on record, the guarantor waits or stays silent)."""
NO_CONDITION = -1
PARLIAMENT_APPROVAL = CONDITION_KINDS.index(ConditionKind.PARLIAMENT_APPROVAL)
OTHERS_COMMIT_FIRST = CONDITION_KINDS.index(ConditionKind.OTHERS_COMMIT_FIRST)
UN_MANDATE = CONDITION_KINDS.index(ConditionKind.UN_MANDATE)
ATTRIBUTION_CONFIRMED = CONDITION_KINDS.index(ConditionKind.ATTRIBUTION_CONFIRMED)
BENEFICIARY_CONCESSION = CONDITION_KINDS.index(ConditionKind.BENEFICIARY_CONCESSION)
OTHER = CONDITION_KINDS.index(ConditionKind.OTHER)

P_NONE, P_PENDING, P_BYPASSED, P_APPROVED, P_REJECTED = range(5)
"""A parliament's state (``Procedures.parliament``)."""
D_NONE, D_PENDING, D_ACCEPTED, D_REFUSED = range(4)
"""A demand's state (``Procedures.demand_state``)."""


@njit(cache=True, inline="always")
def willing(
    attribution_effect: float,
    signal_effect: float,
    z_static: float,
    heavy: bool,
    belief: float,
    warned: bool,
    logit_u: float,
) -> bool:
    """``guarantor.willing``: ``u < logistic(z)`` at the current belief and warning, compared
    as ``logit(u) < z`` (``logit_u`` is drawn once per window, so no ``exp`` per re-reading);
    ``heavy``: troops or defence support, which a warning weighs on."""
    z = z_static + attribution_effect * (belief - 0.5)
    if warned and heavy:
        z -= signal_effect
    return logit_u < z


@njit(cache=True, inline="always")
def _unanswerable(obliged: bool, silent_at_deadline: bool) -> tuple[int, int]:
    if not obliged or silent_at_deadline:
        return SILENT, NO_CONDITION
    return DECLINE, NO_CONDITION


@njit(cache=True, inline="always")
def answer(
    allowed: npt.NDArray[np.float64],
    attribution_needed: float,
    troops: bool,
    bandwagon_k: int,
    is_willing: bool,
    silent_if_unwilling: bool,
    committed: bool,
    engaged: bool,
    withdraws_if_engaged: bool,
    confirms_if_engaged: bool,
    belief: float,
    others_committed: int,
    parliament: int,
    has_demand: bool,
    demand_state: int,
    deliberated: bool,
    obliged: bool,
    silent_at_deadline: bool,
    willing_if_attributed: bool,
    commits_unfinished: bool,
) -> tuple[int, int]:
    """``guarantor.answer`` as (choice, condition) codes; ``allowed[condition]`` is 1 where the
    design allows the condition (0 elsewhere); ``troops``: the instrument is troops."""
    convinced = belief >= attribution_needed
    if troops and engaged:
        if withdraws_if_engaged:
            return DECLINE, NO_CONDITION
        if not convinced and allowed[ATTRIBUTION_CONFIRMED] > 0.0:
            return CONDITIONAL, ATTRIBUTION_CONFIRMED
        if confirms_if_engaged:
            return COMMIT, NO_CONDITION
        return SILENT, NO_CONDITION
    if not is_willing and committed:
        if allowed[UN_MANDATE] > 0.0:
            return CONDITIONAL, UN_MANDATE
        return DECLINE, NO_CONDITION
    if obliged and silent_at_deadline and not (deliberated and is_willing):
        return SILENT, NO_CONDITION
    if not is_willing:
        if obliged:
            if (
                troops
                and willing_if_attributed
                and not convinced
                and allowed[ATTRIBUTION_CONFIRMED] > 0.0
            ):
                return CONDITIONAL, ATTRIBUTION_CONFIRMED
            return DECLINE, NO_CONDITION
        if silent_if_unwilling:
            return SILENT, NO_CONDITION
        return DECLINE, NO_CONDITION
    if troops:
        if not convinced:
            if allowed[ATTRIBUTION_CONFIRMED] > 0.0:
                return CONDITIONAL, ATTRIBUTION_CONFIRMED
            return _unanswerable(obliged, silent_at_deadline)
        if others_committed < bandwagon_k:
            if allowed[OTHERS_COMMIT_FIRST] > 0.0:
                return CONDITIONAL, OTHERS_COMMIT_FIRST
            return _unanswerable(obliged, silent_at_deadline)
        if parliament == P_REJECTED:
            return DECLINE, NO_CONDITION
        if parliament == P_PENDING:
            if allowed[PARLIAMENT_APPROVAL] > 0.0:
                return CONDITIONAL, PARLIAMENT_APPROVAL
            return _unanswerable(obliged, silent_at_deadline)
    if (
        has_demand
        and demand_state in (D_PENDING, D_REFUSED)
        and allowed[BENEFICIARY_CONCESSION] > 0.0
    ):
        return CONDITIONAL, BENEFICIARY_CONCESSION
    if not deliberated and not commits_unfinished:
        if allowed[OTHER] > 0.0:
            return CONDITIONAL, OTHER
        return DECLINE, NO_CONDITION
    return COMMIT, NO_CONDITION
