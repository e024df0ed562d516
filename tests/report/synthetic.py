"""Small synthetic assessment tables with the columns of docs (contracts): outcomes,
experiments and every analysis output, shaped like a real sweep's, for the report's tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pact24.report.assessment import ReportInputs, Reproduce
from pact24.report.calibration import calibration_summary

DESIGNS = ("meloni-24h", "article5-consensus", "tripwire-presence")
FAMILIES = ("overt_invasion", "strike", "hybrid_incursion", "salami", "disinformation")
PARAMETERS = ("adversary.boldness", "guarantor.escalation_fear", "attribution.speed")


def experiments(futures: int, rng: np.random.Generator) -> pd.DataFrame:
    cols: dict[str, object] = {"future": np.arange(futures), "sample": ["lhs"] * futures}
    for name in PARAMETERS:
        cols[name] = rng.uniform(0.0, 1.0, futures)
    return pd.DataFrame(cols)


def outcomes(exp: pd.DataFrame, rng: np.random.Generator, runs: int = 50) -> pd.DataFrame:
    rows = []
    for d, design in enumerate(DESIGNS):
        for future, fear in zip(exp["future"], exp["guarantor.escalation_fear"], strict=True):
            for family in FAMILIES:
                base = float(np.clip(0.2 + 0.25 * d - 0.3 * fear + rng.normal(0, 0.03), 0, 1))
                arrival = family != "disinformation"
                q10 = 20.0 + 30.0 * fear
                rows.append(
                    {
                        "design": design,
                        "future": int(future),
                        "family": family,
                        "runs": runs,
                        "p_honoured": min(1.0, base + 0.2),
                        "p_pledges_ge1_24h": min(1.0, base + 0.3),
                        "p_pledges_ge3_24h": base,
                        "p_pledges_ge5_24h": base / 2,
                        "p_pledges_ge1_7d": min(1.0, base + 0.4),
                        "p_pledges_ge3_7d": min(1.0, base + 0.2),
                        "p_pledges_ge5_7d": base,
                        "p_pledges_ge1_30d": min(1.0, base + 0.5),
                        "p_pledges_ge3_30d": min(1.0, base + 0.3),
                        "p_pledges_ge5_30d": min(1.0, base + 0.1),
                        "troops_pledged_mean": 20000 * base,
                        "troops_needed_mean": 15000.0,
                        "troop_cover_mean": min(1.0, base * 1.3),
                        "package_eur_7d_mean": 2e9 * base,
                        "p_effective_72h": base * 0.5,
                        "p_effective_7d": min(1.0, base * 0.9),
                        "arrival_h_q10": q10 if arrival else np.nan,
                        "arrival_h_q50": 3 * q10 if arrival else np.nan,
                        "arrival_h_q90": 9 * q10 if arrival else np.nan,
                        "p_arrival": min(1.0, base + 0.1) if arrival else 0.0,
                        "territory_km2_mean": 5000 * (1 - base),
                        "p_attacked": 0.9 - 0.2 * d,
                        "crises_mean": 2.0 - 0.4 * d,
                        "crises_honoured_mean": (2.0 - 0.4 * d) * base,
                        "readiness_cost_eur_per_year": 1e9 * (1 + 2 * d),
                    }
                )
    return pd.DataFrame(rows)


def inputs(futures: int = 12, seed: int = 3) -> ReportInputs:
    rng = np.random.default_rng(seed)
    exp = experiments(futures, rng)
    out = outcomes(exp, rng)
    robustness = pd.DataFrame(
        {
            "design": DESIGNS,
            "share_meeting_bar": [0.1, 0.4, 0.8],
            "mean_regret": [0.4, 0.2, 0.05],
            "max_regret": [0.6, 0.4, 0.2],
            "p90_regret": [0.5, 0.3, 0.1],
        }
    )
    pareto = pd.DataFrame(
        {
            "variant": [f"v{i}" for i in range(8)],
            "window_hours": [24, 24, 48, 72, 24, 12, 24, 48],
            "k": [3, 5, 3, 3, 1, 3, 3, 5],
            "activation": [
                "vote",
                "vote",
                "automatic",
                "vote",
                "automatic",
                "vote",
                "vote",
                "vote",
            ],
            "qrf_size": [0, 5000, 5000, 0, 10000, 0, 20000, 0],
            "coalition": ["all"] * 8,
            "stationed": [0, 0, 2000, 0, 5000, 0, 10000, 0],
            "credibility": [0.2, 0.35, 0.5, 0.25, 0.7, 0.15, 0.8, 0.3],
            "cost_eur_per_year": [1e8, 6e8, 1.2e9, 2e8, 3e9, 1.5e8, 6e9, 7e8],
            "robust_share": [0.05, 0.2, 0.45, 0.1, 0.7, 0.02, 0.8, 0.15],
            "on_front": [True, True, True, False, True, False, True, False],
        }
    )
    sobol = pd.DataFrame(
        [
            {
                "outcome": outcome,
                "parameter": p,
                "S1": s1,
                "S1_conf": 0.05,
                "ST": s1 + 0.1,
                "ST_conf": 0.06,
            }
            for outcome in ("p_pledges_ge3_24h", "p_attacked")
            for p, s1 in zip(PARAMETERS, (0.1, 0.6, 0.2), strict=True)
        ]
    )
    windows = (12, 24, 48, 72)
    speedups = (1.0, 2.0, 4.0)
    return ReportInputs(
        outcomes=out,
        experiments=exp,
        robustness=robustness,
        robustness_bar="P(>= 3 troop pledges within 24 h) >= 0.5",
        failure="fewer than 3 troop pledges within 24 h in more than half the crises",
        prim_boxes=[
            {
                "coverage": 0.8,
                "density": 0.9,
                "mass": 0.3,
                "limits": {"guarantor.escalation_fear": (0.6, 1.0)},
                "narrative": "the 24-hour design fails mostly when escalation fear is above 0.6",
            }
        ],
        sobol=sobol,
        morris=pd.DataFrame(
            {
                "parameter": PARAMETERS,
                "mu_star": [0.05, 0.3, 0.1],
                "mu_star_conf": [0.01, 0.05, 0.02],
                "sigma": [0.02, 0.2, 0.05],
                "selected": [False, True, True],
            }
        ),
        ranking_reversal=0.12,
        ranking_pairs=pd.DataFrame(
            {
                "design_a": ["tripwire-presence", "article5-consensus"],
                "design_b": ["meloni-24h", "meloni-24h"],
                "p_a_beats_b": [0.95, 0.8],
            }
        ),
        pareto=pareto,
        pivotal=pd.DataFrame(
            {
                "state": ["USA", "GBR", "FRA", "DEU"],
                "credibility_without": [0.1, 0.25, 0.28, 0.31],
                "delta_credibility": [-0.22, -0.07, -0.04, -0.01],
            }
        ),
        window_sweep=pd.DataFrame(
            [
                {
                    "design": d,
                    "window_hours": w,
                    "p_pledges_ge3_24h": min(1.0, 0.1 * i + 0.002 * w),
                    "p_pledges_ge3_7d": min(1.0, 0.1 * i + 0.004 * w),
                }
                for i, d in enumerate(DESIGNS)
                for w in windows
            ]
        ),
        speedup_sweep=pd.DataFrame(
            [
                {
                    "design": d,
                    "deadline_speedup": s,
                    "p_pledges_ge3_24h": min(1.0, 0.1 * i + 0.05 * s),
                    "p_pledges_ge3_7d": min(1.0, 0.1 * i + 0.08 * s),
                }
                for i, d in enumerate(DESIGNS)
                for s in speedups
            ]
        ),
        cases=[
            ("meloni-24h, run 0 (seed 7): crisis 1 not honoured", ["Run 0 ...", "  outcome"]),
        ],
        calibration=calibration_summary(),
        reproduce=Reproduce.of(
            "pact24 assess --quick --seed 3", seed, {"samples": futures, "runs_per_sample": 50}
        ),
    )
