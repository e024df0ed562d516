"""``pact24 assess`` end to end, as one function the command line (or a script) calls.

1. the sweep (``api.assess``): every design against Latin-hypercube futures, streamed to
   ``DIR/experiments.parquet`` and ``DIR/outcomes.parquet``;
2. the analyses on those tables: robustness and regret, ranking reversal, PRIM on the focus
   design's failure;
3. the analyses that simulate futures or designs of their own, each streamed and resumable
   under ``DIR/analyses/``: Morris over every "assumption" parameter, Sobol on the ones that
   matter, the lever grid's Pareto front, the pivotal states, and the window and speed-up curves;
4. failure cases told by the reference runner, the calibration summary, and the report
   (``DIR/index.html``, ``DIR/figures/``).

Every step is a function of the arguments and the seed, so running again with the same
arguments resumes the simulations and rewrites the same report.
"""

from __future__ import annotations

import shlex
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from pact24.designs.schema import Design
from pact24.explore.defaults import ENGINE, FOCUS, FULL, QUICK, SEED, SPEEDUPS, WINDOWS_HOURS, Sizes
from pact24.explore.sweep import Progress

Stage = Callable[[str], Progress | None]
"""``stage(name)``: the progress callback for the stage that starts (``None``: no progress)."""

SOBOL_AT_LEAST = 3
"""When Morris selects fewer parameters than this, Sobol still reads the ones with the largest
mu* up to this count: the indices then say, with their confidence, how little they matter."""


@dataclass(frozen=True)
class AssessArgs:
    """The arguments of ``pact24 assess`` (``out=None``: a new temporary folder)."""

    designs: Sequence[str | Design] | str = "all"
    sizes: Sizes = field(default=FULL)
    seed: int = SEED
    executor: str = "local"
    address: str | None = None
    workers: int | None = None
    out: Path | None = None
    engine: str = ENGINE
    sweep_only: bool = False
    """Stop after the sweep (its tables can be analysed later, e.g. after a run on a cluster)."""


def run_pipeline(args: AssessArgs, stage: Stage | None = None) -> Path:
    """Run the assessment of ``args``; the path of its report (``DIR/index.html``), or of its
    folder when ``args.sweep_only``."""
    from pact24.explore import discovery, levers, robustness, sensitivity
    from pact24.explore.api import Evaluate, assess, evaluator
    from pact24.explore.sweep import designs_of
    from pact24.report.assessment import ReportInputs, Reproduce, write_report
    from pact24.report.calibration import calibration_summary
    from pact24.report.cases import failure_cases
    from pact24.sim.reference import prepare

    def progress(name: str) -> Progress | None:
        return None if stage is None else stage(name)

    out = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="pact24-assess-"))
    s, seed = args.sizes, args.seed
    designs = designs_of(args.designs)
    focus = next((d for d in designs if d.name == FOCUS), designs[0])
    a = assess(
        designs=designs,
        samples=s.samples,
        runs_per_sample=s.runs_per_sample,
        seed=seed,
        executor=args.executor,
        workers=args.workers,
        address=args.address,
        out=out,
        engine=args.engine,
        progress=progress("sweep"),
    )
    if args.sweep_only:
        return a.path
    rob = robustness.robustness(a.outcomes)
    p_reverse, pairs = robustness.ranking_reversal(a.outcomes)
    failure = discovery.Failure(design=focus.name)
    boxes = discovery.discover(a.experiments, a.outcomes, failure)

    def ev(name: str) -> Evaluate:
        return evaluator(
            out=out / "analyses" / name,
            executor=args.executor,
            workers=args.workers,
            address=args.address,
            engine=args.engine,
            progress=progress(name),
        )

    runs = s.analysis_runs
    morris = sensitivity.screen(
        ev("morris"), focus, trajectories=s.morris_trajectories, runs=runs, seed=seed
    )
    sobol = sensitivity.sobol(
        ev("sobol"), focus, _sobol_names(morris), n=s.sobol_base, runs=runs, seed=seed
    )
    futures = a.experiments.head(s.lever_futures)
    pareto = levers.pareto(ev("levers"), focus, futures, runs=runs, seed=seed)
    pivotal = levers.pivotal(ev("pivotal"), focus, futures, runs=runs, seed=seed)
    window = levers.window_sweep(ev("window"), designs, WINDOWS_HOURS, runs=s.sweep_runs, seed=seed)
    windowed = [d for d in designs if d.window_hours is not None] or [focus]
    speedup = levers.speedup_sweep(ev("speedup"), windowed, SPEEDUPS, runs=s.sweep_runs, seed=seed)
    cases = failure_cases(prepare(focus, "adaptive"), seed, 3)
    inputs = ReportInputs(
        outcomes=a.outcomes,
        experiments=a.experiments,
        robustness=rob,
        robustness_bar=str(rob.attrs["bar"]),
        failure=failure.describe(),
        prim_boxes=boxes,
        sobol=sobol,
        morris=morris,
        ranking_reversal=p_reverse,
        ranking_pairs=pairs,
        pareto=pareto,
        pivotal=pivotal,
        window_sweep=window,
        speedup_sweep=speedup,
        cases=cases,
        calibration=calibration_summary(),
        reproduce=Reproduce.of(command(args), seed, {**a.arguments, "sizes": asdict(s)}),
    )
    return write_report(inputs, out)


def _sobol_names(morris: pd.DataFrame) -> list[str]:
    """Morris's selection, topped up by mu* to ``SOBOL_AT_LEAST`` parameters."""
    chosen = list(morris.loc[morris["selected"], "parameter"])
    ranked = morris.sort_values("mu_star", ascending=False, kind="stable")["parameter"]
    for name in ranked:
        if len(chosen) >= SOBOL_AT_LEAST:
            break
        if name not in chosen:
            chosen.append(name)
    return chosen


def command(args: AssessArgs) -> str:
    """The ``pact24 assess`` command that gives these results again (from the shell)."""
    names = (
        args.designs
        if isinstance(args.designs, str)
        else ",".join(d if isinstance(d, str) else d.name for d in args.designs)
    )
    words = ["pact24", "assess", "--designs", names, "--seed", str(args.seed)]
    words += ["--quick"] if args.sizes == QUICK else []
    if args.sizes not in (FULL, QUICK):
        words += ["--samples", str(args.sizes.samples)]
        words += ["--runs-per-sample", str(args.sizes.runs_per_sample)]
    words += ["--engine", args.engine] + (["--sweep-only"] if args.sweep_only else [])
    return shlex.join(words)
