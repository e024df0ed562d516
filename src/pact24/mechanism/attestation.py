"""Who may attest that a condition is met: not the guarantor that set it, when a third party
decides.

A guarantor that commits "if my parliament approves" could otherwise mark its own condition met
(or unmet) as it pleases, and the condition would mean nothing. So a condition that only a
third party can settle is attested by one: the beneficiary for its own concession, the
operator (exercise control, the guarantee's admin) for a parliament's vote or a UN mandate.
Only ``other`` — a demand the guarantor itself wrote — stays the guarantor's to resolve.
Conditions the mechanism derives (``DERIVED_CONDITIONS``) are attested by nobody.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from pact24.mechanism.state import Deliberation
from pact24.vocab import ConditionKind, Instrument


class Attester(StrEnum):
    """Who stands behind a resolution; a driver says which of these its caller is."""

    GUARANTOR = "guarantor"  # the delegate of the guarantor whose condition it is
    BENEFICIARY = "beneficiary"  # the protected state (its reporter)
    OPERATOR = "operator"  # whoever runs the guarantee: exercise control, the admin


ATTESTERS = MappingProxyType(
    {
        ConditionKind.PARLIAMENT_APPROVAL: frozenset({Attester.OPERATOR}),
        ConditionKind.UN_MANDATE: frozenset({Attester.OPERATOR}),
        ConditionKind.BENEFICIARY_CONCESSION: frozenset({Attester.BENEFICIARY, Attester.OPERATOR}),
        ConditionKind.OTHER: frozenset({Attester.GUARANTOR, Attester.OPERATOR}),
    }
)
"""Per condition kind that someone resolves by hand, who may attest it."""


def attesters(
    state: Deliberation, guarantor: str, instrument: Instrument
) -> tuple[ConditionKind, frozenset[Attester]] | None:
    """The condition on ``guarantor``'s current ``instrument`` decision and who may attest it;
    None when there is nothing anyone may resolve (the engine refuses that, and says why)."""
    d = state.current(guarantor, instrument)
    if d is None or d.condition is None or d.condition.kind not in ATTESTERS:
        return None
    return d.condition.kind, ATTESTERS[d.condition.kind]
