"""The kernel's engine: results depend on the seed and the run only (not on chunks or workers),
aggregates are what ``sim/summary`` reads from the same table, and memory does not grow with N.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from pact24.designs import resolve_design
from pact24.sim import results, summary
from pact24.sim.kernel import BLOCK, Aggregates, aggregate, engine, run_table
from pact24.sim.reference import Setup, prepare

RUNS = 3 * BLOCK + 100


@cache
def setup(design: str = "tripwire-presence", scenario: str = "adaptive") -> Setup:
    return prepare(resolve_design(design), scenario)


@cache
def table() -> dict[str, np.ndarray]:
    return run_table(setup(), RUNS, 5)


def test_every_column_with_its_schema_dtype() -> None:
    cols = table()
    assert list(cols) == list(results.NAMES)
    kinds = {"bool": "b", "int64": "i", "float64": "f", "string": "U"}
    for c in results.COLUMNS:
        assert len(cols[c.name]) == RUNS
        assert cols[c.name].dtype.kind == kinds[c.dtype], c.name
    assert (cols["run"] == np.arange(RUNS)).all()
    assert set(cols["design"]) == {"tripwire-presence"}


def test_rows_read_like_reference_rows() -> None:
    """The reference's conventions: no crisis, no first-crisis values; the pattern counts the
    crises; a crisis's posture is held or lapsed."""
    cols = table()
    quiet = ~cols["attacked"]
    assert quiet.any() and cols["attacked"].any()
    assert (cols["first_family"][quiet] == "").all()
    assert np.isnan(cols["attack_size"][quiet]).all()
    assert (cols["territory_at_risk_km2"][quiet] == 0.0).all()
    letters = np.array([sum(ch != results.NO_ATTACK for ch in p) for p in cols["attack_pattern"]])
    assert (letters == cols["crises"]).all()
    honoured = np.array([p.count(results.HONOURED) for p in cols["attack_pattern"]])
    assert (honoured == cols["crises_honoured"]).all()
    hit = cols["attacked"]
    assert (cols["posture_held"][hit] != cols["posture_lapsed"][hit]).all()


@pytest.mark.parametrize(("chunk_runs", "workers"), [(BLOCK, 1), (BLOCK, 2), (2 * BLOCK, 2)])
def test_same_seed_same_table_whatever_chunks_and_workers(chunk_runs: int, workers: int) -> None:
    other = run_table(setup(), RUNS, 5, chunk_runs=chunk_runs, workers=workers)
    for name, values in table().items():
        np.testing.assert_array_equal(other[name], values, err_msg=name)


def test_a_run_does_not_depend_on_how_many_were_asked_for() -> None:
    fewer = run_table(setup(), BLOCK + 10, 5)
    for name, values in fewer.items():
        np.testing.assert_array_equal(values, table()[name][: BLOCK + 10], err_msg=name)


def _fields(a: Aggregates) -> list[object]:
    return [getattr(a, f.name) for f in dataclasses.fields(a)]


def test_same_seed_same_aggregates_whatever_chunks_and_workers() -> None:
    one = aggregate(setup(), RUNS, 5, chunk_runs=BLOCK, workers=1)
    many = aggregate(setup(), RUNS, 5, chunk_runs=4 * BLOCK, workers=2)
    for x, y in zip(_fields(one), _fields(many), strict=True):
        np.testing.assert_array_equal(x, y)


def _rows(cols: dict[str, np.ndarray]) -> list[dict[str, object]]:
    return [{name: cols[name][i].item() for name in cols} for i in range(len(cols["run"]))]


def test_aggregates_summarise_as_summary_does_on_the_table() -> None:
    agg = aggregate(setup(), RUNS, 5)
    rows = _rows(table())
    assert agg.runs == RUNS and agg.crises == int(table()["crises"].sum())
    for mine, theirs in zip(agg.summarise(), summary.summarise(rows), strict=True):
        assert (mine.name, mine.n, mine.over) == (theirs.name, theirs.n, theirs.over)
        for a, b in ((mine.value, theirs.value), (mine.lo, theirs.lo), (mine.hi, theirs.hi)):
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-9)
    assert agg.pledge_table() == summary.pledge_table(rows)


def test_memory_is_bounded_by_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Structurally flat: the aggregates have the same size for 1 block as for many, and the
    only per-run buffers are one chunk's."""
    sizes: list[int] = []
    buffers = engine.Buffers

    def spy(chunk_runs: int, opportunities: int) -> engine.Buffers:
        sizes.append(chunk_runs)
        return buffers(chunk_runs, opportunities)

    monkeypatch.setattr(engine, "Buffers", spy)
    small = aggregate(setup(), 10, 1, chunk_runs=BLOCK)
    large = aggregate(setup(), 4 * BLOCK, 1, chunk_runs=BLOCK)
    assert sizes == [10, BLOCK]
    for x, y in zip(_fields(small), _fields(large), strict=True):
        if isinstance(x, np.ndarray):
            assert x.nbytes == y.nbytes


def test_parquet_holds_the_table(tmp_path: Path) -> None:
    path = tmp_path / "runs.parquet"
    aggregate(setup(), RUNS, 5, chunk_runs=BLOCK, parquet=path, metadata={"seed": 5})
    frame = results.read_parquet(path)
    assert list(frame.columns) == list(results.NAMES)
    for name, values in table().items():
        np.testing.assert_array_equal(frame[name].to_numpy(), values, err_msg=name)
    assert results.metadata_of(path) == {"seed": 5}


def test_progress_is_reported_after_each_chunk() -> None:
    seen: list[tuple[int, int]] = []
    aggregate(setup(), RUNS, 5, chunk_runs=BLOCK, progress=lambda done, n: seen.append((done, n)))
    assert seen == [(BLOCK, RUNS), (2 * BLOCK, RUNS), (3 * BLOCK, RUNS), (RUNS, RUNS)]
