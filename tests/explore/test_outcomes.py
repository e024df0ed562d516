"""The outcome vector of a set of runs, from hand-made result columns."""

from __future__ import annotations

import math

import numpy as np

from pact24.explore.outcomes import OUTCOMES, summarise_columns
from pact24.sim.results import COLUMNS

NAN = math.nan


def _cols(**given: list[object]) -> dict[str, np.ndarray]:
    """Four runs: columns not given are zero (NaN for floats)."""
    out = {}
    for c in COLUMNS:
        fill: object = {"bool": False, "int64": 0, "float64": NAN, "string": ""}[c.dtype]
        out[c.name] = np.asarray(given.get(c.name, [fill] * 4))
    return out


def test_crisis_outcomes_are_read_over_attacked_runs_campaign_over_all() -> None:
    cols = _cols(
        attacked=[True, True, True, False],
        decided=[True, False, True, False],
        troop_pledges_24h=[3, 0, 5, 0],
        troops_pledged=[500.0, 0.0, 100.0, NAN],
        troops_needed=[1000.0, 0.0, 50.0, NAN],
        hours_to_effective_response=[48.0, NAN, 100.0, NAN],
        hours_to_first_arrival=[10.0, NAN, 30.0, NAN],
        territory_at_risk_km2=[100.0, 0.0, 20.0, 0.0],
        crises=[1, 2, 1, 0],
        crises_honoured=[1, 0, 1, 0],
        readiness_cost_eur=[10.0, 10.0, 5.0, 0.0],
        posture_years_held=[1.0, 1.0, 0.5, 0.0],
    )
    out = summarise_columns(cols)
    assert list(out) == list(OUTCOMES)
    assert out["p_honoured"] == 2 / 3
    assert out["p_pledges_ge1_24h"] == 2 / 3
    assert out["p_pledges_ge3_24h"] == 2 / 3
    assert out["p_pledges_ge5_24h"] == 1 / 3
    assert out["troop_cover_mean"] == (0.5 + 1.0 + 1.0) / 3  # none needed: covered
    assert out["p_effective_72h"] == 1 / 3
    assert out["p_effective_7d"] == 2 / 3
    assert out["p_arrival"] == 2 / 3
    assert out["arrival_h_q50"] == 20.0
    assert out["p_attacked"] == 3 / 4
    assert out["territory_km2_mean"] == 30.0
    assert out["crises_mean"] == 1.0
    assert out["crises_honoured_mean"] == 0.5
    assert out["readiness_cost_eur_per_year"] == 10.0  # 25 EUR over 2.5 years held


def test_no_attack_leaves_crisis_outcomes_undefined_not_zero() -> None:
    cols = _cols(
        territory_at_risk_km2=[0.0] * 4, posture_years_held=[1.0] * 4, readiness_cost_eur=[0.0] * 4
    )
    out = summarise_columns(cols)
    assert math.isnan(out["p_honoured"])
    assert math.isnan(out["arrival_h_q10"])
    assert out["p_attacked"] == 0.0
    assert out["territory_km2_mean"] == 0.0
    assert out["readiness_cost_eur_per_year"] == 0.0
