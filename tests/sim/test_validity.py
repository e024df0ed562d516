"""No design answers the seed's question by definition (issue 10's Must-show).

Against a hybrid incursion every preset is honoured sometimes and fails sometimes, because
engagement, withdrawal, attribution and the guarantors' own decisions can all go either way.
The one documented exception is a trigger, not a behaviour: a 24-hour window that opens on the
beneficiary's report closes before any historical anchor of a hybrid attack's attribution
(Crimea 2014: ~5 days; Salisbury 2018: 8 days; docs/model.md, "Why the 24-hour presets sit at 0
against green men"), so answers conditional on attribution are unmet at every close. The test
checks that this is what puts such a cell at the extreme, and that the same design with its clock
started at attribution is decided by behaviour again.
"""

from __future__ import annotations

import pytest
from tests.sim.simhelp import design, rows, sure_attack

from pact24.designs import Design, preset_names
from pact24.sim.summary import wilson

RUNS = 300
HYBRID = "hybrid_incursion"


def _honoured(d: Design, family: str) -> tuple[float, list[dict[str, object]]]:
    rs = [r for r in rows(d, family, RUNS, overrides=sure_attack(family)) if r["attacked"]]
    assert len(rs) == RUNS
    p, _, _ = wilson(sum(bool(r["decided"]) for r in rs), len(rs))
    return p, rs


def _clock_from_report(d: Design) -> bool:
    return d.window_hours is not None and d.activation.rule == "on_report"


@pytest.mark.parametrize("name", preset_names())
def test_no_design_is_honoured_or_failed_by_construction_against_a_hybrid_incursion(
    name: str,
) -> None:
    d = design(name)
    p, rs = _honoured(d, HYBRID)
    assert p < 0.995, f"{name}: P(honoured) = {p:.3f}"
    if not _clock_from_report(d):
        assert p > 0.005, f"{name}: P(honoured) = {p:.3f}"
        return
    # at the extreme by its trigger: attribution is short of confirmation at (almost) every close
    confirmed = d.conditions.attribution_confirmed_at
    short = sum(float(str(r["attribution_at_close"])) < confirmed for r in rs) / len(rs)
    assert short >= 0.99, f"{name}: attribution confirmed at close in {1 - short:.3f} of runs"
    # the clock started at attribution: behaviour decides again, both ways
    at_attribution = d.model_copy(
        update={
            "activation": d.activation.model_copy(
                update={"rule": "on_attribution", "threshold": confirmed}
            )
        }
    )
    q, _ = _honoured(at_attribution, HYBRID)
    assert 0.005 < q < 0.995, f"{name} opened on attribution: P(honoured) = {q:.3f}"


def test_article5_is_honoured_sometimes_against_an_invasion() -> None:
    p, _ = _honoured(design("article5-consensus"), "overt_invasion")
    assert 0.02 < p < 0.995, f"article5-consensus: P(honoured) = {p:.3f}"
