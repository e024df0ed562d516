"""The mechanism's invariants, each checked with Hypothesis over random deliberations."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers import hours, opened

from pact24.designs import resolve_design
from pact24.errors import DeadlinePassed, MechanismError, OutOfOrder
from pact24.mechanism import (
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    Event,
    codec,
    engine,
)
from pact24.mechanism.rules import declare_outcome
from pact24.service.api.problems import status_of
from pact24.vocab import Choice, ConditionKind, Instrument

DESIGNS = [resolve_design(n) for n in ("meloni-24h", "tripwire-presence", "article5-consensus")]
GUARANTORS = ["GBR", "FRA", "DEU", "ITA", "POL", "RUS"]  # RUS is not a guarantor: refused
INSTRUMENTS = [Instrument.TROOPS, Instrument.SANCTIONS]

conditions = st.one_of(
    st.none(),
    st.builds(Condition, st.just(ConditionKind.PARLIAMENT_APPROVAL)),
    st.builds(Condition, st.just(ConditionKind.UN_MANDATE)),
    st.builds(Condition, st.just(ConditionKind.ATTRIBUTION_CONFIRMED)),
    st.builds(Condition, st.just(ConditionKind.OTHERS_COMMIT_FIRST), k=st.integers(1, 3)),
    st.builds(Condition, st.just(ConditionKind.BENEFICIARY_CONCESSION), text=st.just("cede land")),
)


@st.composite
def actions(draw: st.DrawFn) -> list[tuple]:
    """Raw actions; revision numbers are filled in while applying, sometimes wrongly."""
    n = draw(st.integers(0, 25))
    out = []
    for _ in range(n):
        h = draw(st.floats(0, 30, allow_nan=False))
        kind = draw(st.sampled_from(["decide", "decide", "decide", "resolve", "attribute"]))
        out.append(
            (
                kind,
                h,
                draw(st.sampled_from(GUARANTORS)),
                draw(st.sampled_from(INSTRUMENTS)),
                draw(st.sampled_from(list(Choice))),
                draw(conditions),
                draw(st.booleans()),
                draw(st.floats(0, 1)),
                draw(st.integers(-1, 1)),
            )
        )
    return sorted(out, key=lambda a: a[1]) if draw(st.booleans()) else out


def run(design, acts):
    """Apply the actions, keeping the refused ones apart; returns (state, accepted, refused)."""
    s = opened(design)
    accepted: list[Event] = []
    refused: list[tuple[Event, MechanismError]] = []
    for kind, h, g, inst, choice, cond, met, conf, rev_skew in acts:
        at = hours(h)
        if kind == "decide":
            if choice is Choice.CONDITIONAL and cond is None:
                cond = Condition(ConditionKind.UN_MANDATE)
            rev = len(s.decisions.get((g, inst), ())) + 1 + (rev_skew if rev_skew > 0 else 0)
            e: Event = DecisionRecorded(
                at, g, inst, choice, rev, f"{g}-d", cond if choice is Choice.CONDITIONAL else None
            )
        elif kind == "resolve":
            e = ConditionResolved(at, g, inst, met)
        else:
            e = AttributionAssessed(at, conf, "cell")
        before = s
        try:
            s = engine.apply(s, e)
            accepted.append(e)
        except MechanismError as exc:
            assert s is before
            refused.append((e, exc))
    return s, accepted, refused


def close(s):
    at = s.deadline if s.deadline is not None else max(hours(30), s.last_at)
    for e in engine.close(s, at, "deadline" if s.deadline else "chair"):
        s = engine.apply(s, e)
    return s


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions(), late=actions())
def test_nothing_after_close_changes_the_outcome(design, acts, late):
    s = close(run(design, acts)[0])
    outcome, receipts = s.outcome, s.receipts
    for kind, h, g, inst, choice, cond, met, conf, _ in late:
        at = max(s.last_at, s.closed_at + timedelta(hours=h))
        e = (
            DecisionRecorded(at, g, inst, choice, 1, "x", cond)
            if kind == "decide"
            else ConditionResolved(at, g, inst, met)
            if kind == "resolve"
            else AttributionAssessed(at, conf, "cell")
        )
        try:
            s = engine.apply(s, e)
        except MechanismError as exc:
            if kind == "decide":
                assert isinstance(exc, DeadlinePassed | OutOfOrder | MechanismError)
    assert s.outcome == outcome and s.receipts == receipts
    assert engine.close(s, s.last_at) == []


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions())
def test_exactly_one_final_receipt_per_guarantor_and_instrument(design, acts):
    s = close(run(design, acts)[0])
    keys = [(r.guarantor, r.instrument) for r in s.receipts]
    expected = {(g.iso3, i) for g in design.guarantors for i in design.instruments}
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions())
def test_every_revision_stays_in_the_history(design, acts):
    s, accepted, _ = run(design, acts)
    s = close(s)
    decisions = [e for e in accepted if isinstance(e, DecisionRecorded)]
    for d in decisions:
        assert d in s.decisions[(d.guarantor, d.instrument)]
        assert d in s.history
    assert sum(len(v) for v in s.decisions.values()) == len(decisions)
    for versions in s.decisions.values():
        assert [v.revision for v in versions] == list(range(1, len(versions) + 1))


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions())
def test_replaying_the_same_events_gives_the_same_state(design, acts):
    s = close(run(design, acts)[0])
    assert engine.replay(design, s.history) == s
    decoded = [codec.from_dict(codec.to_dict(e)) for e in s.history]
    assert engine.replay(design, decoded) == s


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions())
def test_refused_events_are_typed_and_change_nothing(design, acts):
    s, accepted, refused = run(design, acts)
    # the state is exactly the fold of the accepted events: refused ones left no trace
    assert engine.replay(design, s.history) == s
    assert list(s.history[len(opened(design).history) :]) == accepted
    for e, exc in refused:
        assert isinstance(exc, MechanismError) and status_of(exc) in (409, 422)
        # this very event left no trace (an equal one may be accepted later: a resolution
        # refused before its conditional decision, then sent again after it)
        assert all(e is not kept for kept in s.history)


@settings(max_examples=150, deadline=None)
@given(design=st.sampled_from(DESIGNS), acts=actions())
def test_outcome_depends_only_on_rules_and_receipts(design, acts):
    s = close(run(design, acts)[0])
    assert s.outcome == declare_outcome(design, s.receipts)
    # how a final answer was reached (revision count) does not matter, only the receipt
    flattened = tuple(dataclasses.replace(r, revision=0) for r in s.receipts)
    assert declare_outcome(design, flattened) == s.outcome
