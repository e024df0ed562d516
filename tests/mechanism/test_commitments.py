"""Commitments that mean something: positive amounts within bounds, above the offer only when
flagged, a design's minimum of troops, and who may attest a condition."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from tests.helpers import hours, opened

from pact24.designs import Design, resolve_design
from pact24.errors import AmountRefused, InvalidEvent
from pact24.mechanism import Condition, DecisionRecorded, Deliberation, codec, engine
from pact24.mechanism.attestation import Attester, attesters
from pact24.vocab import Choice, ConditionKind, Instrument, ReceiptStatus


def _decision(
    guarantor: str = "GBR",
    instrument: Instrument = Instrument.TROOPS,
    choice: Choice = Choice.COMMIT,
    *,
    revision: int = 1,
    condition: Condition | None = None,
    amount: float | None = None,
    above_offer: bool = False,
    h: float = 1,
) -> DecisionRecorded:
    return DecisionRecorded(
        hours(h),
        guarantor,
        instrument,
        choice,
        revision,
        f"{guarantor}-d",
        condition,
        amount,
        above_offer=above_offer,
    )


def _design(**outcome: Any) -> Design:
    data = resolve_design("meloni-24h").model_dump(mode="json")
    data["outcome"].update(outcome)
    return Design.model_validate(data)


def _closed(s: Deliberation) -> Deliberation:
    assert s.deadline is not None
    for e in engine.close(s, s.deadline):
        s = engine.apply(s, e)
    return s


@pytest.mark.parametrize(
    ("instrument", "amount", "words"),
    [
        (Instrument.TROOPS, 0, "more than 0"),
        (Instrument.TROOPS, -5, "more than 0"),
        (Instrument.TROOPS, 200_001, "at most 200,000"),
        (Instrument.TROOPS, 1e300, "at most 200,000"),
        (Instrument.TROOPS, 100.5, "counted whole"),
        (Instrument.ECONOMIC_AID, 1_000_001, "at most 1,000,000"),
        (Instrument.SANCTIONS, 2, "at most 1"),
        (Instrument.SANCTIONS, 0.5, "counted whole"),
    ],
)
def test_an_amount_outside_its_bounds_is_refused(
    instrument: Instrument, amount: float, words: str
) -> None:
    s = opened()
    for choice in (Choice.COMMIT, Choice.CONDITIONAL):
        cond = Condition(ConditionKind.UN_MANDATE) if choice is Choice.CONDITIONAL else None
        e = _decision(instrument=instrument, choice=choice, condition=cond, amount=amount)
        refused = engine.refusal(s, e)
        assert isinstance(refused, AmountRefused)
        assert words in refused.detail


def test_amounts_within_bounds_and_the_offer_stand() -> None:
    s = opened()
    s = engine.apply(s, _decision(amount=10_400))  # GBR's whole offer
    s = engine.apply(s, _decision("FRA", Instrument.SANCTIONS, amount=1))
    s = engine.apply(s, _decision("DEU", Instrument.ECONOMIC_AID, amount=0.5))
    assert s.current("GBR", Instrument.TROOPS) is not None


def test_a_decline_carries_no_amount() -> None:
    refused = engine.refusal(opened(), _decision(choice=Choice.DECLINE, amount=100))
    assert isinstance(refused, AmountRefused) and "decline" in refused.detail


def test_more_than_the_offer_needs_above_offer_and_the_flag_needs_an_amount_above_it() -> None:
    s = opened()
    refused = engine.refusal(s, _decision(amount=10_401))
    assert isinstance(refused, AmountRefused) and "10,400" in refused.detail
    assert refused.extra["offer"] == 10_400
    for bad in (_decision(above_offer=True), _decision(amount=10_400, above_offer=True)):
        assert isinstance(engine.refusal(s, bad), AmountRefused)
    flagged = _decision(amount=20_000, above_offer=True)
    s = engine.apply(s, flagged)
    s = _closed(s)
    receipt = s.receipt("GBR", Instrument.TROOPS)
    assert receipt is not None and receipt.amount == 20_000 and receipt.counts


def test_a_commitment_of_an_instrument_not_offered_states_its_amount() -> None:
    data = resolve_design("meloni-24h").model_dump(mode="json")
    del data["guarantors"][0]["offers"]["troops"]
    s = opened(Design.model_validate(data))
    refused = engine.refusal(s, _decision())
    assert isinstance(refused, AmountRefused) and "offers no troops" in refused.detail
    assert isinstance(engine.refusal(s, _decision(amount=500)), AmountRefused)
    assert engine.refusal(s, _decision(amount=500, above_offer=True)) is None


def test_above_offer_is_in_the_signed_bytes_only_when_true() -> None:
    plain, flagged = _decision(amount=100), _decision(amount=20_000, above_offer=True)
    assert "above_offer" not in codec.decision_payload(plain)
    assert codec.decision_payload(flagged)["above_offer"] is True
    assert codec.from_dict(codec.to_dict(flagged)) == flagged
    with pytest.raises(InvalidEvent, match="true or false"):
        codec.from_dict({**codec.to_dict(flagged), "above_offer": "yes"})


def test_a_commitment_below_the_minimum_of_troops_counts_for_nothing() -> None:
    s = opened(_design(min_troops=1000))
    s = engine.apply(s, _decision("GBR", amount=500))
    s = engine.apply(s, _decision("FRA", amount=1000))
    s = engine.apply(s, _decision("POL"))  # the offer, 17,700
    cond = Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=2)
    s = engine.apply(s, _decision("DEU", choice=Choice.CONDITIONAL, condition=cond, amount=999))
    s = _closed(s)
    gbr = s.receipt("GBR", Instrument.TROOPS)
    assert gbr is not None and gbr.status is ReceiptStatus.COMMIT
    assert not gbr.counts and gbr.amount == 500
    deu = s.receipt("DEU", Instrument.TROOPS)
    assert deu is not None and deu.condition_met and not deu.counts
    assert s.outcome is not None and not s.outcome.honoured
    tally = s.outcome.tally(Instrument.TROOPS)
    assert tally is not None and tally.counted == ("FRA", "POL")
    assert tally.amount == 1000 + 17_700


def test_without_a_minimum_any_positive_troop_commitment_counts() -> None:
    s = opened()
    for g in ("GBR", "FRA", "POL"):
        s = engine.apply(s, _decision(g, amount=1))
    s = _closed(s)
    assert s.outcome is not None and s.outcome.honoured


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ({"instrument": "sanctions", "min_troops": 10}, "needs an outcome rule on troops"),
        ({"min_troops": 0}, "greater than or equal to 1"),
        ({"min_troops": 200_001}, "less than or equal to 200000"),
    ],
)
def test_a_design_states_min_troops_only_on_a_troop_rule(
    outcome: dict[str, Any], words: str
) -> None:
    with pytest.raises(ValidationError, match=words):
        _design(**outcome)


def test_a_design_offers_no_more_than_the_bounds() -> None:
    data = resolve_design("meloni-24h").model_dump(mode="json")
    data["guarantors"][0]["offers"]["troops"] = {"amount": 250_000}
    with pytest.raises(ValidationError, match="above the bound"):
        Design.model_validate(data)


@pytest.mark.parametrize(
    ("kind", "who"),
    [
        (ConditionKind.PARLIAMENT_APPROVAL, {Attester.OPERATOR}),
        (ConditionKind.UN_MANDATE, {Attester.OPERATOR}),
        (ConditionKind.BENEFICIARY_CONCESSION, {Attester.OPERATOR, Attester.BENEFICIARY}),
        (ConditionKind.OTHER, {Attester.OPERATOR, Attester.GUARANTOR}),
    ],
)
def test_who_may_attest_each_condition_kind(kind: ConditionKind, who: set[Attester]) -> None:
    text = "demand" if kind in (ConditionKind.OTHER, ConditionKind.BENEFICIARY_CONCESSION) else None
    s = engine.apply(
        opened(), _decision(choice=Choice.CONDITIONAL, condition=Condition(kind, text=text))
    )
    assert attesters(s, "GBR", Instrument.TROOPS) == (kind, who)
    assert Attester.GUARANTOR in who or kind is not ConditionKind.OTHER


def test_nobody_attests_a_derived_condition_or_a_plain_commitment() -> None:
    s = opened()
    assert attesters(s, "GBR", Instrument.TROOPS) is None
    cond = Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=1)
    s = engine.apply(s, _decision(choice=Choice.CONDITIONAL, condition=cond))
    assert attesters(s, "GBR", Instrument.TROOPS) is None
