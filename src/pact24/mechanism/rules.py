"""The design's rules at close: receipts from decisions (silence and conditions), and the
outcome from receipts alone.

Pure functions of the design and the state, so the engine can both compute these for a driver
and check that a replayed ``ReceiptsFrozen`` or ``OutcomeDeclared`` says exactly what the rules
say.
"""

from __future__ import annotations

from collections.abc import Callable

from pact24.designs.schema import Consensus, Design, MinAmount, MinGuarantors
from pact24.mechanism.commitments import counts_toward_rule
from pact24.mechanism.events import (
    DERIVED_CONDITIONS,
    Condition,
    DecisionRecorded,
    Outcome,
    Receipt,
    Tally,
    UnmetCondition,
)
from pact24.mechanism.state import Deliberation
from pact24.vocab import Choice, ConditionKind, Instrument, ReceiptStatus, SilenceRule


def freeze_receipts(state: Deliberation) -> tuple[Receipt, ...]:
    """One final receipt per guarantor per instrument, in design order.

    A commitment below the design's ``outcome.min_troops`` keeps its status and amount but
    does not count; engaged forces count whatever their size (the attack, not a decision, put
    them in the fight). Only the states whose stationed forces the attack touched are engaged
    (``IncidentReported.engaged``); every other silence falls to the design's silence rule.

    Unconditional answers are settled first, because ``others_commit_first`` is judged against
    them (only unconditional commitments count as "others committed", which keeps the rule free
    of circular dependencies between conditional answers).
    """
    design = state.design
    first: list[Receipt | DecisionRecorded] = []
    for g in design.guarantors:
        for i in design.instruments:
            d = state.current(g.iso3, i)
            first.append(_settled(state, g.iso3, i, d) if d is None or d.condition is None else d)
    unconditional = {
        (r.guarantor, r.instrument)
        for r in first
        if isinstance(r, Receipt) and r.status is ReceiptStatus.COMMIT and r.counts
    }
    return tuple(
        r if isinstance(r, Receipt) else _conditional(state, r, unconditional) for r in first
    )


def _settled(
    state: Deliberation, guarantor: str, instrument: Instrument, d: DecisionRecorded | None
) -> Receipt:
    design = state.design
    offered = design.offered(guarantor, instrument)
    if d is not None:
        commit = d.choice is Choice.COMMIT
        amount = (offered if d.amount is None else d.amount) if commit else 0.0
        return Receipt(
            guarantor=guarantor,
            instrument=instrument,
            status=ReceiptStatus.COMMIT if commit else ReceiptStatus.DECLINE,
            counts=commit and counts_toward_rule(design, instrument, amount),
            amount=amount,
            revision=d.revision,
        )
    if instrument is Instrument.TROOPS and state.engaged(guarantor):
        return Receipt(
            guarantor=guarantor,
            instrument=instrument,
            status=ReceiptStatus.COMMIT,
            counts=True,
            amount=float(design.posture.stationed(guarantor)),
            revision=0,
            engaged_by_posture=True,
        )
    rule = design.silence[instrument]
    status = {
        SilenceRule.DECLINE: ReceiptStatus.DECLINE,
        SilenceRule.COMMIT: ReceiptStatus.COMMIT,
        SilenceRule.ABSTAIN: ReceiptStatus.ABSTAIN,
    }[rule]
    commit = rule is SilenceRule.COMMIT
    return Receipt(
        guarantor=guarantor,
        instrument=instrument,
        status=status,
        counts=commit and counts_toward_rule(design, instrument, offered),
        amount=offered if commit else 0.0,
        revision=0,
        by_silence=True,
    )


def condition_met(
    state: Deliberation,
    d: DecisionRecorded,
    condition: Condition,
    unconditional: set[tuple[str, Instrument]],
) -> bool:
    """Whether a decision's condition holds at close."""
    if condition.kind is ConditionKind.OTHERS_COMMIT_FIRST:
        others = sum(1 for (g, i) in unconditional if i is d.instrument and g != d.guarantor)
        return others >= (condition.k or 0)
    if condition.kind is ConditionKind.ATTRIBUTION_CONFIRMED:
        return state.attribution >= state.design.conditions.attribution_confirmed_at
    assert condition.kind not in DERIVED_CONDITIONS
    return state.resolutions.get((d.guarantor, d.instrument), False)


def _conditional(
    state: Deliberation, d: DecisionRecorded, unconditional: set[tuple[str, Instrument]]
) -> Receipt:
    assert d.condition is not None
    met = condition_met(state, d, d.condition, unconditional)
    design = state.design
    stands = met or not design.conditions.counts_only_if_met
    pledged = design.offered(d.guarantor, d.instrument) if d.amount is None else d.amount
    return Receipt(
        guarantor=d.guarantor,
        instrument=d.instrument,
        status=ReceiptStatus.CONDITIONAL,
        counts=stands and counts_toward_rule(design, d.instrument, pledged),
        amount=pledged if stands else 0.0,
        revision=d.revision,
        condition=d.condition,
        condition_met=met,
    )


def declare_outcome(design: Design, receipts: tuple[Receipt, ...]) -> Outcome:
    """The outcome by the design's rule; it reads nothing but the receipts."""
    tallies = tuple(_tally(i, receipts) for i in design.instruments)
    by_instrument = {t.instrument: t for t in tallies}
    rule = design.outcome
    t = by_instrument[rule.instrument]
    if isinstance(rule, MinGuarantors):
        honoured = len(t.counted) >= rule.k
    elif isinstance(rule, MinAmount):
        honoured = t.amount >= rule.amount
    else:
        assert isinstance(rule, Consensus)
        honoured = len(t.counted) == len(design.guarantors)
    unmet = tuple(
        UnmetCondition(r.guarantor, r.instrument, r.condition)
        for r in receipts
        if r.condition is not None and r.condition_met is False
    )
    return Outcome(
        honoured=honoured, rule=rule_text(design), tallies=tallies, unmet_conditions=unmet
    )


def rule_text(design: Design) -> str:
    """The design's outcome rule in words, as ``Outcome.rule`` records it in the ledger (so these
    words are part of the record: a reader may show them, never rephrase them)."""
    rule = design.outcome
    if isinstance(rule, MinGuarantors):
        return f"at least {rule.k} guarantors commit {rule.instrument.value}"
    if isinstance(rule, MinAmount):
        return f"at least {rule.amount:g} of {rule.instrument.value} committed"
    assert isinstance(rule, Consensus)
    return f"every guarantor commits {rule.instrument.value}"


def _tally(instrument: Instrument, receipts: tuple[Receipt, ...]) -> Tally:
    rs = [r for r in receipts if r.instrument is instrument]

    def who(pred: Callable[[Receipt], object]) -> tuple[str, ...]:
        return tuple(r.guarantor for r in rs if pred(r))

    return Tally(
        instrument=instrument,
        committed=who(lambda r: r.status is ReceiptStatus.COMMIT),
        conditional_met=who(lambda r: r.status is ReceiptStatus.CONDITIONAL and r.condition_met),
        conditional_unmet=who(
            lambda r: r.status is ReceiptStatus.CONDITIONAL and not r.condition_met
        ),
        declined=who(lambda r: r.status is ReceiptStatus.DECLINE),
        abstained=who(lambda r: r.status is ReceiptStatus.ABSTAIN),
        silent=who(lambda r: r.by_silence),
        counted=who(lambda r: r.counts),
        amount=float(sum(r.amount for r in rs if r.counts)),
    )
