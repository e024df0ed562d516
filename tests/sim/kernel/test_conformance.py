"""The kernel against the reference runner: for every preset x scenario family, every column of
``results.COLUMNS`` has the same distribution in both engines.

Per pair, :data:`REF_RUNS` reference runs and :data:`KERNEL_RUNS` kernel runs (independent seeds)
are compared column by column (``twosample``: the NaN share and a KS test for float columns,
Fisher's exact or a chi-square test for the others; ``run`` is the run index, checked exactly in
``test_engine``).

Two more cases run the ``adaptive`` scenario (the adversary picks the family as it learns) and
an informed adversary. False-alarm rate: each case's tests are corrected by Holm's procedure at
``ALPHA / 27``, so the chance that a faithful kernel fails any of the 27 cases is at most
:data:`ALPHA` = 1 % (Bonferroni across the cases); with fixed seeds a pass or a failure is
reproducible. The reference is slow, so its samples are small and the tests see sizeable
differences only: at 100 against 4,096 runs and about 60 tests a case, one KS test rejects from
a distance of about 0.25 (a larger kernel sample would hardly lower that).
``test_a_change_in_one_engine_fails`` shows that a one-line change made in the kernel only is
such a difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.sim.kernel.twosample import categorical, continuous, holm

from pact24.designs import preset_names, resolve_design
from pact24.sim import results
from pact24.sim.kernel import BLOCK, engine, run_table
from pact24.sim.models.scenario import FAMILIES
from pact24.sim.reference import prepare, run_many

REF_RUNS = 100
KERNEL_RUNS = 4 * BLOCK
ALPHA = 0.01
PAIRS = [(d, f.value) for d in preset_names() for f in FAMILIES]
INFORMED = {"adversary.informed": 1.0, "adversary.informed_pilot_crises": 20.0}
ADVERSARIES = [("meloni-24h", "adaptive", {}), ("tripwire-presence", "strike", INFORMED)]
"""The adversary choosing its family as it learns, and an informed adversary (pilot crises
against the posture held and given up)."""
PAIR_ALPHA = ALPHA / (len(PAIRS) + len(ADVERSARIES))


def pvalues(ref: list[dict[str, Any]], ker: dict[str, np.ndarray]) -> dict[str, float]:
    """One p-value per test of every column but ``run``, named ``column`` or ``column:part``."""
    out: dict[str, float] = {}
    for c in results.COLUMNS:
        if c.name == "run":
            continue
        r = [row[c.name] for row in ref]
        if c.dtype == "float64":
            nan, *ks = continuous(np.array(r, dtype=float), ker[c.name])
            out[f"{c.name}:nan"] = nan
            if ks:
                out[f"{c.name}:ks"] = ks[0]
        else:
            out[c.name] = categorical(r, ker[c.name].tolist())
    return out


def rejected(design: str, scenario: str, overrides: dict[str, float] | None = None) -> list[str]:
    setup = prepare(resolve_design(design), scenario, overrides)
    ref = run_many(setup, REF_RUNS, seed=11)
    ker = run_table(setup, KERNEL_RUNS, seed=12)
    return holm(pvalues(ref, ker), PAIR_ALPHA)


@pytest.mark.parametrize(("design", "family"), PAIRS)
def test_kernel_conforms_to_the_reference(design: str, family: str) -> None:
    assert rejected(design, family) == []


@pytest.mark.parametrize(
    ("design", "scenario", "overrides"), ADVERSARIES, ids=["adaptive", "informed"]
)
def test_adversary_variants_conform(
    design: str, scenario: str, overrides: dict[str, float]
) -> None:
    assert rejected(design, scenario, overrides) == []


def test_a_change_in_one_engine_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invasion forces 30 % larger in the kernel's tables only: the attack sizes differ."""
    compile_tables = engine.compile_tables
    monkeypatch.setattr(
        engine,
        "compile_tables",
        lambda setup: compile_tables(setup)._replace(
            ground_size=compile_tables(setup).ground_size * 1.3
        ),
    )
    assert "attack_size:ks" in rejected("meloni-24h", "overt_invasion")
