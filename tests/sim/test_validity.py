"""No design answers the seed's question by definition: against a hybrid incursion every preset
is honoured sometimes and fails sometimes, because engagement, withdrawal, attribution and the
guarantors' own decisions can all go either way."""

from __future__ import annotations

import pytest
from tests.sim.simhelp import rows, sure_attack

from pact24.designs import preset_names
from pact24.sim.summary import wilson

RUNS = 300


@pytest.mark.parametrize("name", preset_names())
def test_no_design_is_honoured_or_failed_by_construction_against_a_hybrid_incursion(
    name: str,
) -> None:
    rs = rows(name, "hybrid_incursion", RUNS, overrides=sure_attack("hybrid_incursion"))
    honoured = sum(bool(r["decided"]) for r in rs if r["attacked"])
    attacked = sum(bool(r["attacked"]) for r in rs)
    p, lo, hi = wilson(honoured, attacked)
    assert attacked == RUNS
    assert 0.005 < p < 0.995, f"{name}: P(honoured) = {p:.3f} [{lo:.3f}, {hi:.3f}]"
