"""The sweep: the same tables whatever the executor and workers, streamed, resumable, and a
folder refuses a sweep made with other arguments. Tiny sweeps on the reference engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from pact24.errors import InvalidInput
from pact24.explore.api import Assessment, assess, evaluate, evaluator, read
from pact24.explore.defaults import Sizes
from pact24.explore.parts import OUTCOMES_FILE, PARTS
from pact24.explore.pipeline import AssessArgs, run_pipeline
from pact24.explore.sampling import latin
from pact24.explore.sweep import designs_of
from pact24.explore.uncertainties import UNCERTAINTIES
from pact24.sim.models.scenario import FAMILIES

DESIGNS = "nato-membership,dmz-western"
EXPERIMENTS = latin(UNCERTAINTIES, 3, seed=5)
TINY = Sizes(
    samples=2,
    runs_per_sample=1,
    morris_trajectories=2,
    sobol_base=2,
    lever_futures=1,
    analysis_runs=1,
    sweep_runs=2,
)
"""The pipeline at its smallest (on the kernel, the default engine)."""


def _run(out: Path, **kw: object) -> Assessment:
    args: dict[str, object] = {
        "designs": DESIGNS,
        "runs_per_sample": 2,
        "seed": 5,
        "engine": "reference",
    } | kw
    return evaluate(EXPERIMENTS, out=out, **args)


@pytest.fixture(scope="module")
def one_worker(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return _run(tmp_path_factory.mktemp("one"), workers=1)


def test_every_design_future_and_family_has_one_sorted_row(one_worker: Assessment) -> None:
    o = one_worker.outcomes
    assert len(o) == 2 * len(EXPERIMENTS) * len(FAMILIES)
    assert not o.duplicated(["design", "future", "family"]).any()
    assert o.equals(o.sort_values(["design", "future", "family"], ignore_index=True))
    assert set(o["family"]) == {f.value for f in FAMILIES}
    assert (o["runs"] == 2).all()
    assert one_worker.experiments.equals(EXPERIMENTS)


def test_two_workers_give_the_same_file(one_worker: Assessment, tmp_path: Path) -> None:
    two = _run(tmp_path, workers=2)
    assert (two.path / OUTCOMES_FILE).read_bytes() == (one_worker.path / OUTCOMES_FILE).read_bytes()


def test_another_seed_changes_the_outcomes(one_worker: Assessment, tmp_path: Path) -> None:
    other = _run(tmp_path, workers=1, seed=6)
    assert not other.outcomes.equals(one_worker.outcomes)


def test_a_folder_refuses_a_sweep_with_other_arguments(
    one_worker: Assessment, tmp_path: Path
) -> None:
    out = tmp_path / "sweep"
    _run(out, designs="nato-membership", workers=1)
    with pytest.raises(InvalidInput, match="runs_per_sample") as refused:
        _run(out, designs="nato-membership", workers=1, runs_per_sample=3)
    assert "other arguments" in str(refused.value)
    # the executor and the workers are not arguments of the results: a resume may change them
    again = _run(out, designs="nato-membership", workers=2)
    assert again.outcomes.equals(
        one_worker.outcomes[one_worker.outcomes["design"] == "nato-membership"].reset_index(
            drop=True
        )
    )


def _assess(out: Path) -> list[str]:
    return [
        sys.executable, "-c", "from pact24.cli import main; main()", "assess",
        "--designs", "nato-membership", "--samples", "6", "--runs-per-sample", "3",
        "--seed", "2", "--workers", "1", "--engine", "reference", "--sweep-only",
        "--out", str(out),
    ]  # fmt: skip


def test_killed_run_resumes_to_the_uninterrupted_tables(tmp_path: Path) -> None:
    """Killed after its first part file, run again: the command's tables equal the ones the
    Python API makes in one go with the same arguments."""
    whole, broken = tmp_path / "whole", tmp_path / "broken"
    assess(
        designs="nato-membership",
        samples=6,
        runs_per_sample=3,
        seed=2,
        workers=1,
        out=whole,
        engine="reference",
    )
    proc = subprocess.Popen(_assess(broken), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = broken / PARTS
    try:
        while proc.poll() is None and not any(parts.glob("*.parquet")):
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    kept = {p.name: p.stat().st_mtime_ns for p in parts.glob("*.parquet")}
    assert 0 < len(kept) < len(list((whole / PARTS).glob("*.parquet")))
    subprocess.run(_assess(broken), check=True, capture_output=True)
    for name, mtime in kept.items():
        assert (parts / name).stat().st_mtime_ns == mtime, f"{name} was run again"
    for table in ("outcomes.parquet", "experiments.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(broken / table), pd.read_parquet(whole / table)
        )


@pytest.fixture(scope="session")
def local_ray() -> Iterator[None]:
    """The local Ray the first Ray test starts (``executors``), shut down after the session:
    it takes a while to start, so every Ray test shares it."""
    import ray

    yield
    ray.shutdown()


def test_ray_gives_the_same_outcomes_as_local_processes(
    local_ray: None, one_worker: Assessment, tmp_path: Path
) -> None:
    on_ray = _run(tmp_path, executor="ray", workers=2)
    assert (on_ray.path / OUTCOMES_FILE).read_bytes() == (
        one_worker.path / OUTCOMES_FILE
    ).read_bytes()


@pytest.mark.parametrize("bad", [{"executor": "slurm"}, {"engine": "abacus"}])
def test_an_unknown_executor_or_engine_is_refused_before_the_folder_is_claimed(
    bad: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="unknown"):
        _run(tmp_path, **bad)
    assert not (tmp_path / "run.json").exists()


def test_the_pipeline_without_a_folder_streams_to_a_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole pipeline, tiny: every stage reports progress, and the report and its figures
    are written next to the sweep's tables in a new temporary folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    seen: dict[str, list[tuple[int, int]]] = {}

    def stage(name: str) -> Callable[[int, int], None]:
        return lambda done, total: seen.setdefault(name, []).append((done, total))

    args = AssessArgs(designs="nato-membership,meloni-24h", sizes=TINY, workers=1)
    report = run_pipeline(args, stage)
    assert report.name == "index.html" and report.parent.parent == tmp_path
    assert len(list((report.parent / "figures").glob("*.png"))) >= 8
    result = read(report.parent)
    assert len(result.experiments) == 2
    assert len(result.outcomes) == 2 * 2 * len(FAMILIES)
    assert result.arguments["runs_per_sample"] == 1
    cells = 2 * 2 * len(FAMILIES)
    assert seen["sweep"][0] == (0, cells) and seen["sweep"][-1] == (cells, cells)
    assert set(seen) == {"sweep", "morris", "sobol", "levers", "pivotal", "window", "speedup"}
    assert all(done == total for done, total in (v[-1] for v in seen.values()))


def test_designs_meet_common_random_numbers(tmp_path: Path) -> None:
    """A design's twin under another name gets the same numbers in every future: the seeds do
    not depend on the design, so differences between designs are never noise between draws."""
    design = designs_of("tripwire-presence")[0]
    twin = design.model_copy(update={"name": "twin"})
    o = _run(tmp_path, designs=[design, twin], runs_per_sample=3, seed=8, workers=1).outcomes
    assert len(o) == 2 * len(EXPERIMENTS) * len(FAMILIES)
    a = o[o["design"] == "twin"].drop(columns="design").reset_index(drop=True)
    b = o[o["design"] == design.name].drop(columns="design").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert (o["p_attacked"] > 0).any()


def test_the_evaluator_callback_is_the_sweep_and_reads_back_a_finished_call(
    one_worker: Assessment, tmp_path: Path
) -> None:
    evaluate_ = evaluator(out=tmp_path, workers=1, engine="reference")
    once = evaluate_(designs_of(DESIGNS), EXPERIMENTS, 2, 5)
    pd.testing.assert_frame_equal(once, one_worker.outcomes)
    (folder,) = tmp_path.glob("sweep-*")
    parts = {p: p.stat().st_mtime_ns for p in (folder / PARTS).glob("*.parquet")}
    pd.testing.assert_frame_equal(evaluate_(designs_of(DESIGNS), EXPERIMENTS, 2, 5), once)
    assert {p: p.stat().st_mtime_ns for p in (folder / PARTS).glob("*.parquet")} == parts
