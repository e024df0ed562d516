"""A small evaluate callback over the reference runner, for the analyses' tests.

It fills the outcome columns the analyses read (a subset of contracts' outcomes table), seeding
future f and family j from ``SeedSequence(seed, spawn_key=(f, j))`` as the sweep does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pact24.designs.schema import Design
from pact24.sim.models.scenario import FAMILIES
from pact24.sim.reference import prepare, run_many
from pact24.sim.registry import REGISTRY


def reference_evaluate(
    designs: list[Design], experiments: pd.DataFrame, runs: int, seed: int
) -> pd.DataFrame:
    rows = []
    for _, exp in experiments.iterrows():
        future = int(exp["future"])
        overrides = {k: float(v) for k, v in exp.items() if k in REGISTRY}
        for j, family in enumerate(FAMILIES):
            s = int(np.random.SeedSequence(seed, spawn_key=(future, j)).generate_state(1)[0])
            for design in designs:
                setup = prepare(design, family.value, overrides)
                res = run_many(setup, runs, s)
                p24 = np.array([r["troop_pledges_24h"] for r in res])
                p7 = np.array([r["troop_pledges_7d"] for r in res])
                rows.append(
                    {
                        "design": design.name,
                        "future": future,
                        "family": family.value,
                        "runs": runs,
                        "p_pledges_ge1_24h": float(np.mean(p24 >= 1)),
                        "p_pledges_ge3_24h": float(np.mean(p24 >= 3)),
                        "p_pledges_ge1_7d": float(np.mean(p7 >= 1)),
                        "p_pledges_ge3_7d": float(np.mean(p7 >= 3)),
                        "p_attacked": float(np.mean([r["attacked"] for r in res])),
                        "readiness_cost_eur_per_year": setup.annual_cost,
                    }
                )
    return pd.DataFrame(rows)
