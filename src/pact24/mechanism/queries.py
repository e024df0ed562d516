"""What a driver may ask the mechanism before the close, instead of re-deriving the rules.

Pure functions of the design or the state, like the rest of the mechanism. ``engine`` uses the
same answers when it judges events, so a driver that asks cannot drift from what it enforces.
"""

from __future__ import annotations

from pact24.designs.schema import Design
from pact24.mechanism.state import Deliberation
from pact24.vocab import Choice, Instrument


def activation_threshold(design: Design) -> float:
    """The attribution confidence at which the window opens (0 when it opens on the report)."""
    act = design.activation
    if act.rule == "on_report":
        return 0.0
    return act.threshold or 1.0


def next_revision(state: Deliberation, guarantor: str, instrument: Instrument) -> int:
    """The revision number the guarantor's next decision on ``instrument`` must carry."""
    return len(state.decisions.get((guarantor, instrument), ())) + 1


def standing_commitments(state: Deliberation, instrument: Instrument) -> frozenset[str]:
    """Guarantors whose unconditional commitment of ``instrument`` stands now.

    These are what ``others_commit_first`` is judged against at the close: explicit commitments,
    and troops of guarantors whose posture engages them and who have not answered otherwise.
    Silence rules are left out, because silence only becomes an answer at the close.
    """
    design = state.design
    if instrument not in design.instruments:
        return frozenset()
    standing = set()
    for g in design.guarantors:
        d = state.current(g.iso3, instrument)
        if d is None:
            if instrument is Instrument.TROOPS and design.posture.engaged(g.iso3):
                standing.add(g.iso3)
        elif d.choice is Choice.COMMIT:
            standing.add(g.iso3)
    return frozenset(standing)
