"""``pact24 calibrate``: fit the guarantor timing model, predict lags, backtest it.

- ``pact24 calibrate fit EVENTS.csv --out PARAMS.json [--family nested|NAME]``
- ``pact24 calibrate predict EVENTS.csv [--params PARAMS.json] --interval 0.8 --out PRED.csv``
- ``pact24 calibrate backtest [EVENTS.csv] [--out-dir DIR] [--family nested|NAME] [--jobs N]``
- ``pact24 calibrate holdout HOLDOUT.csv [--params PARAMS.json] [--train EVENTS.csv]``

``--family nested`` (the default) chooses the error family inside the fit by the inner
leave-one-crisis-out (per fold in the backtest); a family name fixes it.

Bad input raises :class:`pact24.errors.InvalidInput` naming the row and the column; nothing is
written unless the whole input is valid (files are written through a temporary file).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pact24.calibrate.backtest import (
    NESTED,
    BacktestResult,
    backtest,
    score_holdout,
    write_outputs,
)
from pact24.calibrate.events import (
    BACKTEST_COLUMNS,
    FIT_COLUMNS,
    PREDICT_COLUMNS,
    read_events,
    shipped_events_path,
)
from pact24.calibrate.fit import FAMILY_CANDIDATES, fit_events
from pact24.calibrate.predict import predict_events, predictions_csv
from pact24.errors import InvalidInput
from pact24.files import write_atomic
from pact24.sim.models.timing import FAMILIES, FEATURES, TimingModel

calibrate_app = typer.Typer(
    name="calibrate",
    help="Fit the guarantor timing model to historical decision lags, predict, backtest.",
    no_args_is_help=True,
)
console = Console()


FAMILY_HELP = (
    f"Error distribution: '{NESTED}' (chosen inside the fit among "
    f"{', '.join(FAMILY_CANDIDATES)} by the inner leave-one-crisis-out log score) "
    f"or one of {', '.join(FAMILIES)}."
)


def _check_family(family: str) -> str | None:
    """``None`` for the nested choice, else the fixed family."""
    if family == NESTED:
        return None
    if family not in FAMILIES:
        raise InvalidInput(
            f"--family: unknown family {family!r}; expected {NESTED!r} or one of {FAMILIES}"
        )
    return family


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _check_interval(interval: float) -> float:
    if not 0.0 < interval < 1.0:
        raise InvalidInput(f"--interval: must be strictly between 0 and 1, got {interval}")
    return interval


def load_params(path: Path | None) -> TimingModel:
    """The model in ``path`` (a ``calibrate fit`` output), or the package default."""
    if path is None:
        return TimingModel.default()
    try:
        return TimingModel.from_json(Path(path))
    except OSError as exc:
        raise InvalidInput(f"{Path(path).name}: cannot read file: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise InvalidInput(f"{Path(path).name}: {exc}") from exc


def parameter_table(model: TimingModel, title: str) -> Table:
    table = Table(title=title)
    for col in ("parameter", "mode", "sd", "90% interval", "time ratio e^mode"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in model.summary(0.9):
        name = str(row["name"])
        mode, sd, lo, hi = (float(row[k]) for k in ("mode", "sd", "lo", "hi"))
        ratio = f"{math.exp(mode):.2f}" if name in FEATURES and name != "intercept" else ""
        if name.startswith(("log_sigma", "log_tau")):
            ratio = f"scale {math.exp(mode):.2f}"
        table.add_row(escape(name), f"{mode:+.3f}", f"{sd:.3f}", f"[{lo:+.2f}, {hi:+.2f}]", ratio)
    return table


@calibrate_app.command("fit")
def fit_cmd(
    events: Path = typer.Argument(..., help="Event table (CSV, the columns of decision_lags.csv)."),
    out: Path = typer.Option(..., "--out", help="Where to write the fitted parameters (JSON)."),
    family: str = typer.Option(NESTED, help=FAMILY_HELP),
) -> None:
    """Fit the timing model (MAP + Laplace; censored rows via the survival function), then its
    error family and predictive scale by a nested leave-one-crisis-out."""
    fixed = _check_family(family)
    table = read_events(events, FIT_COLUMNS)
    result = fit_events(table, family=fixed)
    model = result.model
    write_atomic(out, model.to_json())
    console.print(parameter_table(model, f"Timing model fit ({model.family}) on {events.name}"))
    sel = model.meta.get("family_selection")
    if isinstance(sel, dict) and isinstance(sel.get("families"), dict):
        console.print(family_table(sel))
    kappa = model.predictive_scale
    cal = model.meta.get("predictive_scale")
    scale_note = (
        f"predictive scale kappa {kappa:.1f} (nested leave-one-crisis-out over "
        f"{cal['n_crises']} crises; predictions use kappa*sigma and kappa*tau)"
        if isinstance(cal, dict)
        else f"predictive scale kappa {kappa:.1f} (not estimated: fewer than 3 crises)"
    )
    how = sel.get("method", "fixed") if isinstance(sel, dict) else "fixed"
    console.print(
        f"{len(table)} rows ({int(table.censored().sum())} censored), family {model.family} "
        f"({how}), log-likelihood {result.log_likelihood:.2f}, "
        f"log-posterior {result.log_posterior:.2f}, converged: {result.converged}; "
        f"{scale_note}. Wrote {out}."
    )


def family_table(selection: dict[str, object]) -> Table:
    """The inner leave-one-crisis-out scores of every family (the nested family choice)."""
    table = Table(title="Nested choice of the error family (inner leave-one-crisis-out)")
    cols = (
        "family",
        "kappa",
        "inner log score",
        "inner interval score (days)",
        "inner coverage",
        "chosen",
    )
    for col in cols:
        table.add_column(col, justify="left" if col == "family" else "right")
    families = selection.get("families")
    assert isinstance(families, dict)
    for fam, e in families.items():
        table.add_row(
            fam,
            f"{e['kappa']:.1f}",
            _fmt(float(e["mean_log_score"]), 3),
            _fmt(float(e["mean_interval_score"])),
            _fmt(float(e["coverage"]), 2),
            "yes" if fam == selection.get("family") else "",
        )
    return table


@calibrate_app.command("predict")
def predict_cmd(
    events: Path = typer.Argument(..., help="Rows to predict (CSV; extra columns ignored)."),
    params: Path | None = typer.Option(
        None, "--params", help="Parameters from `calibrate fit` (default: the shipped fit)."
    ),
    interval: float = typer.Option(0.8, "--interval", help="Central interval probability."),
    out: Path | None = typer.Option(
        None, "--out", help="Output CSV (event_id,lag_lo,lag_median,lag_hi); stdout if omitted."
    ),
) -> None:
    """Predictive median and central interval of lag_days for each input row."""
    _check_interval(interval)
    model = load_params(params)
    table = read_events(events, PREDICT_COLUMNS)
    text = predictions_csv(predict_events(model, table, interval))
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        console.print(f"Wrote {len(table)} predictions to {out}.")


def _fmt(x: float, digits: int = 1) -> str:
    if math.isnan(x):
        return "—"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.{digits}f}"


def _per_crisis(result: BacktestResult, score: str, label: str, digits: int) -> Table:
    """One score per held-out crisis and method, lower better: a table per score, and method
    names broken at their underscores, so that a crisis and its numbers fit on a line."""
    methods = list(dict.fromkeys(e["method"] for e in result.overall))
    per = Table(title=f"Per held-out crisis: {label} (lower is better)")
    per.add_column("crisis", min_width=24)
    per.add_column("rows", justify="right")
    per.add_column("pact24\ncoverage", justify="right")
    for m in methods:
        per.add_column(m.replace("_", "\n"), justify="right")
    by = {(e["crisis"], e["method"]): e for e in result.by_crisis}
    for c in dict.fromkeys(e["crisis"] for e in result.by_crisis):
        per.add_row(
            c,
            str(by[(c, methods[0])]["n_rows"]),
            _fmt(by[(c, "pact24")]["coverage"], 2),
            *(_fmt(by[(c, m)][score], digits) for m in methods),
        )
    return per


def backtest_tables(result: BacktestResult) -> list[Table]:
    pct = round(result.interval * 100)
    label = "family chosen per fold" if result.family == NESTED else result.family
    overall = Table(title=f"{result.design} ({label}), all held-out rows")
    for col in (
        "method",
        "rows",
        f"{pct}% coverage",
        "interval score (days)",
        "interval score (log-days)",
        "CRPS (days)",
        "log score",
    ):
        overall.add_column(col, justify="left" if col == "method" else "right")
    for e in result.overall:
        overall.add_row(
            e["method"],
            str(e["n_rows"]),
            _fmt(e["coverage"], 2),
            _fmt(e["interval_score"]),
            _fmt(e["interval_score_log"], 2),
            _fmt(e["crps"]),
            _fmt(e["log_score"], 2),
        )
    tables = [
        overall,
        _per_crisis(result, "interval_score", "interval score in days", 1),
        _per_crisis(result, "log_score", "log score", 2),
    ]
    if result.folds:
        folds = Table(title="pact24 per fold: family and kappa chosen on the training crises")
        for col in ("held-out crisis", "family", "kappa", "how"):
            folds.add_column(col, justify="right" if col == "kappa" else "left")
        for f in result.folds:
            folds.add_row(f["crisis"], f["family"], f"{f['kappa']:.1f}", f["how"])
        tables.append(folds)
    return tables


@calibrate_app.command("backtest")
def backtest_cmd(
    events: Path | None = typer.Argument(
        None, help="Event table with a crisis column (default: the shipped decision_lags.csv)."
    ),
    family: str = typer.Option(NESTED, help=FAMILY_HELP),
    interval: float = typer.Option(0.8, "--interval", help="Central interval probability."),
    out_dir: Path = typer.Option(
        Path("calibration-backtest"), "--out-dir", help="Where metrics and plots are written."
    ),
    compare_families: bool = typer.Option(
        False,
        "--compare-families",
        help="Also backtest every fixed family and the nested choice, and compare (slower).",
    ),
    jobs: int = typer.Option(
        0, "--jobs", help="Processes fitting the folds in parallel (0: one per available core)."
    ),
) -> None:
    """Leave-one-crisis-out cross-validation against every baseline; metrics, PIT, plots."""
    fixed = _check_family(family)
    _check_interval(interval)
    if jobs < 0:
        raise InvalidInput(f"--jobs: must be >= 0, got {jobs}")
    n_jobs = jobs or _default_jobs()
    path = events if events is not None else shipped_events_path()
    table = read_events(path, BACKTEST_COLUMNS)
    result = backtest(table, family=fixed, interval=interval, n_jobs=n_jobs)
    for t in backtest_tables(result):
        console.print(t)
    written = write_outputs(result, out_dir)
    if compare_families:
        comp = Table(title="pact24 timing model by error family (leave-one-crisis-out)")
        for col in ("family", "coverage", "interval score", "CRPS", "log score"):
            comp.add_column(col, justify="left" if col == "family" else "right")
        for fam in (NESTED, *FAMILIES):
            r = (
                result
                if fam == family
                else backtest(table, family=_check_family(fam), interval=interval, n_jobs=n_jobs)
            )
            e = r.overall_for("pact24")
            comp.add_row(
                fam,
                _fmt(e["coverage"], 2),
                _fmt(e["interval_score"]),
                _fmt(e["crps"]),
                _fmt(e["log_score"], 3),
            )
        console.print(comp)
    console.print("Wrote " + ", ".join(str(p) for p in written))


@calibrate_app.command("holdout")
def holdout_cmd(
    holdout: Path = typer.Argument(
        ...,
        help="Rows of crises not in the training table, collected after the model was frozen "
        "(every shipped row is fitted, so the next prospective holdout is a new file).",
    ),
    params: Path | None = typer.Option(
        None, "--params", help="The frozen model (default: the shipped fit)."
    ),
    train: Path | None = typer.Option(
        None,
        "--train",
        help="Training table for the baselines (default: the shipped decision_lags.csv).",
    ),
    interval: float = typer.Option(0.8, "--interval", help="Central interval probability."),
    out_dir: Path = typer.Option(
        Path("calibration-holdout"), "--out-dir", help="Where metrics and plots are written."
    ),
) -> None:
    """Score a frozen model and the baselines on new crises: nothing is refitted or chosen."""
    _check_interval(interval)
    model = load_params(params)
    train_table = read_events(
        train if train is not None else shipped_events_path(), BACKTEST_COLUMNS
    )
    test_table = read_events(holdout, BACKTEST_COLUMNS)
    if model.meta.get("data_sha256") not in (None, train_table.sha256):
        console.print(
            f"[yellow]note:[/yellow] the model was fitted on other data than "
            f"{escape(train_table.source)} (sha256 differs); the baselines use the latter."
        )
    try:
        result = score_holdout(model, train_table, test_table, interval=interval)
    except ValueError as exc:
        raise InvalidInput(f"{test_table.source}: {exc}") from exc
    for t in backtest_tables(result):
        console.print(t)
    written = write_outputs(result, out_dir)
    console.print("Wrote " + ", ".join(str(p) for p in written))
