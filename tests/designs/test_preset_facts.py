"""Every number a preset gives a guarantor is a sourced fact or the stated assumption: its
constitutional fact and personnel come from ``guarantors.csv``, and its offers follow the rule
the presets' headers state, so a hand edit that drifts from either fails here."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from pact24.designs import preset_names, resolve_design
from pact24.designs.schema import Guarantor
from pact24.sim.models.states import StateFacts, load_states
from pact24.vocab import Instrument, ReadinessTier

TROOP_SHARES = {
    ReadinessTier.VERY_HIGH: Decimal("0.005"),
    ReadinessTier.HIGH: Decimal("0.02"),
    ReadinessTier.LOW: Decimal("0.05"),
}
"""Troops per readiness tier as a share of active personnel (the headers' rule)."""
EUR_SHARES = {
    Instrument.DEFENCE_SUPPORT: Decimal("0.01"),
    Instrument.ECONOMIC_AID: Decimal("0.008"),
}
"""EUR million offered as a share of active personnel (the headers' rule)."""


def rounded(x: Decimal, step: int) -> int:
    """``x`` to the nearest multiple of ``step``, halves to even (Python's ``round``, with
    which the presets were written)."""
    return int((x / step).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)) * step


def expected_offers(personnel: int) -> dict[str, float]:
    """The offers the rule gives a state with ``personnel`` active soldiers."""
    p = Decimal(personnel)
    tiers = {tier.value: max(100, rounded(share * p, 100)) for tier, share in TROOP_SHARES.items()}
    out: dict[str, float] = {f"troops.{k}": v for k, v in tiers.items()}
    out["troops"] = sum(tiers.values())
    for ins, share in EUR_SHARES.items():
        out[ins.value] = rounded(share * p, 10)
    out[Instrument.SANCTIONS.value] = 1
    return out


def offers_of(g: Guarantor) -> dict[str, float]:
    out: dict[str, float] = {}
    for ins, offer in g.offers.items():
        out[ins.value] = offer.amount
        for tier, n in offer.readiness.items():
            out[f"{ins.value}.{tier.value}"] = n
    return out


def guarantors() -> list[tuple[str, Guarantor]]:
    return [(name, g) for name in sorted(preset_names()) for g in resolve_design(name).guarantors]


@pytest.fixture(scope="module")
def facts() -> dict[str, StateFacts]:
    return load_states()


@pytest.mark.parametrize(("design", "g"), guarantors(), ids=lambda v: getattr(v, "iso3", v))
def test_a_guarantor_reads_its_facts_from_the_csv(
    design: str, g: Guarantor, facts: dict[str, StateFacts]
) -> None:
    row = facts[g.iso3]
    assert g.name == row.name
    assert g.legislature_approval_for_troops == row.parliament_first
    assert g.source.startswith(f"shared/data/guarantors.csv ({g.iso3}): ")
    assert f"active_personnel={row.active_personnel} " in g.source


@pytest.mark.parametrize(("design", "g"), guarantors(), ids=lambda v: getattr(v, "iso3", v))
def test_a_guarantor_offers_what_the_stated_rule_gives(
    design: str, g: Guarantor, facts: dict[str, StateFacts]
) -> None:
    assert offers_of(g) == expected_offers(facts[g.iso3].active_personnel)
