"""The simulator's distribution for an exercise's design and scenario, to set the players'
result against.

Each run is one crisis of the reference simulator (``reference.crisis.run_crisis``) under the
same design, with the scenario's attack (size, speed) drawn as the simulator draws it and the
MSEL's incident (kind, severity, disinformation or not). What each run measures is what the
exercise measures: the hour of the first troop commitment that counted at the close (NaN when
none did) and whether the guarantee was honoured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from pact24.designs.schema import Design
from pact24.exercise.msel import Msel
from pact24.sim.models.scenario import Family, draw_attack
from pact24.sim.reference.campaign import run_generator
from pact24.sim.reference.crisis import run_crisis
from pact24.sim.reference.setup import Setup

#: Runs for the after-action report: the standard error of a share is at most 0.5/sqrt(300),
#: under 3 percentage points.
RUNS = 300


@dataclass(frozen=True)
class Distribution:
    """Per run: hours from the report to the first counted troop commitment, and the verdict."""

    first_troops_hours: tuple[float, ...]
    honoured: tuple[bool, ...]

    @property
    def runs(self) -> int:
        return len(self.honoured)

    def share_by(self, hours: float | None) -> float:
        """Share of runs whose first counted troop commitment came by ``hours`` (None: at all)."""
        limit = math.inf if hours is None else hours
        return sum(1 for h in self.first_troops_hours if h <= limit) / self.runs

    def share_honoured(self) -> float:
        return sum(self.honoured) / self.runs


def simulate(setup: Setup, design: Design, msel: Msel, runs: int = RUNS) -> Distribution:
    """``runs`` crises of the reference simulator, seeded by ``msel.seed`` (run k uses child k)."""
    incident = msel.incident()
    disinformation = any(i.type == "disinformation" for i in msel.injects)
    hours, honoured = [], []
    for k in range(runs):
        rng = run_generator(msel.seed, k)
        attack = replace(
            draw_attack(Family(msel.scenario), setup.params, rng),
            kind=incident.kind,
            severity=incident.severity,
            disinformation=disinformation,
        )
        crisis = run_crisis(setup, design, attack, setup.start, f"{msel.name}-{k}", rng)
        hours.append(crisis.first_troop_commitment_hours)
        honoured.append(crisis.honoured)
    return Distribution(tuple(hours), tuple(honoured))
