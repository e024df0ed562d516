"""``rule_text``: the outcome rule in the words ``Outcome.rule`` records in the ledger."""

from __future__ import annotations

import pytest

from pact24.designs import resolve_design
from pact24.designs.schema import Consensus, MinAmount, MinGuarantors
from pact24.mechanism.rules import declare_outcome, rule_text
from pact24.vocab import Instrument


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            MinGuarantors(rule="min_guarantors", instrument=Instrument.TROOPS, k=3),
            "at least 3 guarantors commit troops",
        ),
        (
            MinAmount(rule="min_amount", instrument=Instrument.ECONOMIC_AID, amount=2500.0),
            "at least 2500 of economic_aid committed",
        ),
        (
            Consensus(rule="consensus", instrument=Instrument.TROOPS),
            "every guarantor commits troops",
        ),
    ],
)
def test_rule_text_is_what_the_outcome_records(
    rule: MinGuarantors | MinAmount | Consensus, text: str
) -> None:
    design = resolve_design("meloni-24h").model_copy(update={"outcome": rule})
    assert rule_text(design) == text
    assert declare_outcome(design, ()).rule == text
