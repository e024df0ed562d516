"""The reference runner drives the real mechanism, reproducibly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tests.sim.simhelp import design, sure_attack

from pact24.designs import preset_names
from pact24.errors import InvalidInput
from pact24.mechanism import (
    AttributionAssessed,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    IncidentReported,
    OutcomeDeclared,
    Phase,
    ReceiptsFrozen,
    WindowClosed,
    WindowOpened,
    engine,
)
from pact24.sim import results
from pact24.sim.models.scenario import FAMILIES, SCENARIOS
from pact24.sim.reference import iter_runs, prepare, replay_run, run_generator, run_many


@pytest.mark.parametrize("name", preset_names())
def test_every_preset_runs_against_every_family_on_the_real_mechanism(name: str) -> None:
    d = design(name)
    for scenario in SCENARIOS:
        setup = prepare(d, scenario)
        seen = 0
        for rec in iter_runs(setup, 6, seed=11):
            results.check_row(rec.row)
            assert rec.row["attacked"] == bool(rec.crises)
            for c in rec.crises:
                seen += 1
                # the log is exactly what the mechanism accepts: replaying it gives the state
                replayed = engine.replay(d if not c.lapsed else setup.lapsed, c.events)
                assert replayed == c.state
                kinds = [type(e) for e in c.events]
                assert kinds[0] is IncidentReported
                assert AttributionAssessed in kinds
                if c.window_opened:
                    assert c.state.phase is Phase.DECLARED
                    i_open = kinds.index(WindowOpened)
                    i_close = kinds.index(WindowClosed)
                    assert kinds[i_close + 1] is ReceiptsFrozen
                    assert kinds[i_close + 2] is OutcomeDeclared
                    assert all(
                        i_open < j < i_close
                        for j, k in enumerate(kinds)
                        if k in (DecisionRecorded, ConditionResolved)
                    )
                    assert all(j > i_close for j, k in enumerate(kinds) if k is DeliveryReported)
                    assert c.honoured == (c.state.outcome is not None and c.state.outcome.honoured)
        if scenario in ("overt_invasion", "salami"):
            assert seen > 0, f"{name}/{scenario}: no crisis in 6 runs"


def test_same_seed_same_rows_and_other_seed_other_rows() -> None:
    setup = prepare(design("meloni-24h"), "hybrid_incursion")
    a = run_many(setup, 40, seed=5)
    b = run_many(setup, 40, seed=5)
    c = run_many(setup, 40, seed=6)
    assert all(_same(x, y) for x, y in zip(a, b, strict=True))
    assert not all(_same(x, y) for x, y in zip(a, c, strict=True))


def test_run_k_does_not_depend_on_how_many_runs_were_asked_for() -> None:
    setup = prepare(design("tripwire-presence"), "salami")
    few = run_many(setup, 5, seed=3)
    many = run_many(setup, 12, seed=3)
    for k in range(5):
        assert _same(few[k], many[k])


def _same(a: dict[str, object], b: dict[str, object]) -> bool:
    return all(
        a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k]))  # type: ignore[arg-type]
        for k in a
    )


def test_replay_gives_exactly_run_k() -> None:
    setup = prepare(design("meloni-24h"), "adaptive")
    rows = run_many(setup, 8, seed=21)
    for k in (0, 3, 7):
        rec = replay_run(setup, 21, k)
        assert _same(rec.row, rows[k])


def test_run_generator_is_the_spawned_child() -> None:
    children = np.random.SeedSequence(99).spawn(4)
    for k, child in enumerate(children):
        a = np.random.default_rng(child).random(3)
        b = run_generator(99, k).random(3)
        assert np.array_equal(a, b)


def test_an_unknown_scenario_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown scenario"):
        prepare(design("meloni-24h"), "invasion")


def test_decisions_carry_revisions_conditions_and_deliveries_come_after_the_outcome() -> None:
    setup = prepare(
        design("meloni-24h"),
        "overt_invasion",
        {**sure_attack("overt_invasion"), "guarantor.deadline_speedup": 6.0},
    )
    revisions = conditions = deliveries = 0
    for rec in iter_runs(setup, 40, seed=2):
        for c in rec.crises:
            versions: dict[tuple[str, str], int] = {}
            for e in c.events:
                if isinstance(e, DecisionRecorded):
                    key = (e.guarantor, e.instrument.value)
                    versions[key] = versions.get(key, 0) + 1
                    assert e.revision == versions[key]
                    revisions += e.revision > 1
                    conditions += e.condition is not None
                    assert e.delegate
                if isinstance(e, DeliveryReported):
                    deliveries += 1
                    assert c.state.outcome is not None
                    assert e.at >= c.state.closed_at  # type: ignore[operator]
    assert revisions > 0 and conditions > 0 and deliveries > 0


def test_all_five_families_are_scenarios() -> None:
    assert {f.value for f in FAMILIES} == {
        "overt_invasion",
        "strike",
        "hybrid_incursion",
        "salami",
        "disinformation",
    }
    assert "adaptive" in SCENARIOS


def test_designs_off_the_presets_run_too() -> None:
    """A design without troops, one that forbids revisions and conditions, and one with a
    guarantor that guarantors.csv does not know."""
    base = design("meloni-24h")
    dump = base.model_dump()
    no_troops = type(base).model_validate(
        {
            **dump,
            "name": "sanctions-only",
            "instruments": ["sanctions"],
            "silence": {"sanctions": "abstain"},
            "outcome": {"rule": "min_guarantors", "instrument": "sanctions", "k": 3},
        }
    )
    rs = run_many(prepare(no_troops, "overt_invasion"), 20, seed=1)
    assert any(r["decided"] for r in rs) and all(r["commits_troops"] == 0 for r in rs)
    strict = type(base).model_validate(
        {**dump, "name": "strict", "revisions_allowed": False, "conditions": {"allowed": []}}
    )
    rs = run_many(prepare(strict, "overt_invasion", {"guarantor.deadline_speedup": 6.0}), 30, 1)
    assert all(r["revisions"] == 0 and r["conditional_troops"] == 0 for r in rs)
    newcomer = dict(dump["guarantors"][0], iso3="XKX", name="Kosovo")
    bigger = type(base).model_validate(
        {**dump, "name": "bigger", "guarantors": [*dump["guarantors"], newcomer]}
    )
    assert len(run_many(prepare(bigger, "strike"), 10, seed=1)) == 10
