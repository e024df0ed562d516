"""What a driver may ask the mechanism before the close, instead of re-deriving the rules.

Pure functions of the design or the state, like the rest of the mechanism. ``engine`` uses the
same answers when it judges events, so a driver that asks cannot drift from what it enforces.
"""

from __future__ import annotations

from pact24.designs.schema import Design
from pact24.mechanism.state import Deliberation, Phase
from pact24.vocab import Choice, Instrument


def activation_threshold(design: Design) -> float:
    """The attribution confidence at which the window opens, or (``on_invocation``) from which
    the council may open it (0 when it opens on the report)."""
    act = design.activation
    if act.rule == "on_report":
        return 0.0
    return act.threshold or 1.0


def awaits_invocation(design: Design, phase: Phase | str) -> bool:
    """Whether the window waits for the guarantors' council to invoke the guarantee: the design
    opens ``on_invocation`` and the incident is reported, the window not yet open. (Whether the
    council may invoke *now* is ``engine.invocation_refusal``.)"""
    return design.activation.rule == "on_invocation" and str(phase) == Phase.REPORTED.value


def next_revision(state: Deliberation, guarantor: str, instrument: Instrument) -> int:
    """The revision number the guarantor's next decision on ``instrument`` must carry."""
    return len(state.decisions.get((guarantor, instrument), ())) + 1


def stands(state: Deliberation, guarantor: str, instrument: Instrument) -> bool:
    """Whether the guarantor's unconditional commitment of ``instrument`` stands now.

    It stands on an explicit commitment, or for troops when the attack engaged the guarantor's
    stationed forces while it has not answered otherwise. These are the commitments
    ``others_commit_first`` is judged against at the close, less silence rules: silence only
    becomes an answer there.
    """
    versions = state.decisions.get((guarantor, instrument))
    if versions:
        return versions[-1].choice is Choice.COMMIT
    return (
        instrument is Instrument.TROOPS
        and instrument in state.design.instruments
        and state.engaged(guarantor)
    )


def standing_commitments(state: Deliberation, instrument: Instrument) -> frozenset[str]:
    """The guarantors whose unconditional commitment of ``instrument`` stands now (``stands``)."""
    return frozenset(g.iso3 for g in state.design.guarantors if stands(state, g.iso3, instrument))
