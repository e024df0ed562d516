"""Failure cases: runs in which the guarantee was not honoured, told as ``--explain`` tells them.

Numbers say how often the guarantee fails; a reader believes them after seeing how it fails.
The narratives are the reference runner's own (``pact24.sim.reference.explain``), so each one
can be reproduced with ``pact24 simulate -d DESIGN -s SCENARIO --seed S --explain K``.
"""

from __future__ import annotations

from pact24.sim.reference import Setup, iter_runs
from pact24.sim.reference.explain import explain

Case = tuple[str, list[str]]
"""A title and the narrative's lines."""


def failure_cases(setup: Setup, seed: int, n: int = 3, *, max_runs: int = 200) -> list[Case]:
    """The first ``n`` of runs ``0 .. max_runs-1`` (as ``run_many(setup, runs, seed)`` numbers
    them) with a crisis the guarantee did not honour; fewer when fewer failed."""
    cases: list[Case] = []
    for record in iter_runs(setup, max_runs, seed):
        failed = [c for c in record.crises if not c.honoured]
        if not failed:
            continue
        first = failed[0]
        title = (
            f"{setup.design.name}, run {record.run} (seed {seed}): crisis {first.index + 1} of "
            f"{len(record.crises)} ({first.attack.family.value.replace('_', ' ')} family: "
            f"{first.attack.summary()}) not honoured"
        )
        cases.append((title, explain(setup, record, seed)))
        if len(cases) == n:
            break
    return cases
