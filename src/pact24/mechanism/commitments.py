"""What a commitment must carry to mean something: a positive amount within its instrument's
bound, no more than the guarantor's offer unless the delegate says so, and (where the design
asks) enough troops to count toward the outcome rule.

Without these, three commitments of 0 troops honour a "3 guarantors commit troops" rule, and a
typo of 1e300 stands in the record as a pledge. Pure functions of the design and the decision:
the engine refuses with ``amount_refusal`` when a decision arrives, and the rules ask
``counts_toward_rule`` when receipts are frozen.
"""

from __future__ import annotations

from pact24.designs.schema import AMOUNT_BOUNDS, WHOLE_UNITS, Design
from pact24.errors import AmountRefused
from pact24.mechanism.events import DecisionRecorded
from pact24.vocab import Choice, Instrument


def amount_refusal(design: Design, e: DecisionRecorded) -> AmountRefused | None:
    """Why the amount of ``e`` is refused, or None when it may stand.

    A decline states no amount. A commitment (plain or conditional) commits a positive amount:
    the one it states, or else the guarantor's offer, so a commitment of an instrument it offers
    none of must state one. A stated amount is within ``AMOUNT_BOUNDS``, whole for troops and
    sanctions, and above the offer only with ``above_offer``, which is set only then.
    """
    if e.choice is Choice.DECLINE:
        if e.amount is not None or e.above_offer:
            return AmountRefused("a decline carries no amount")
        return None
    offered = design.offered(e.guarantor, e.instrument)
    unit = _unit(e.instrument)
    if e.amount is None:
        if e.above_offer:
            return AmountRefused("above_offer needs the amount that is above the offer")
        if offered <= 0:
            return AmountRefused(
                f"{e.guarantor} offers no {e.instrument.value} in {design.name}: "
                f"state the amount committed ({unit}) and say it is above the offer (above_offer)",
                offer=offered,
            )
        return None
    bound = AMOUNT_BOUNDS[e.instrument]
    if not 0 < e.amount <= bound:
        return AmountRefused(
            f"a commitment of {e.instrument.value} is more than 0 and at most {bound:,.0f} "
            f"({unit}); {e.amount:g} is not",
            bound=bound,
        )
    if e.instrument in WHOLE_UNITS and not float(e.amount).is_integer():
        return AmountRefused(
            f"{e.instrument.value} are counted whole ({unit}); {e.amount:g} is not"
        )
    if e.amount > offered and not e.above_offer:
        return AmountRefused(
            f"{e.amount:,.0f} is above {e.guarantor}'s offer of {offered:,.0f} ({unit}) in "
            f"{design.name}; to commit more than the offer, say so (above_offer)",
            offer=offered,
        )
    if e.above_offer and e.amount <= offered:
        return AmountRefused(
            f"above_offer is set, but {e.amount:,.0f} is within the offer of {offered:,.0f}",
            offer=offered,
        )
    return None


def counts_toward_rule(design: Design, instrument: Instrument, amount: float) -> bool:
    """Whether a commitment of ``amount`` is large enough to count toward the outcome rule: only
    the design's ``outcome.min_troops`` sets a floor, on troops."""
    floor = design.outcome.min_troops
    return floor is None or instrument is not Instrument.TROOPS or amount >= floor


def _unit(instrument: Instrument) -> str:
    if instrument is Instrument.TROOPS:
        return "persons"
    if instrument is Instrument.SANCTIONS:
        return "1 = in force"
    return "EUR million"
