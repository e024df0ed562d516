"""Leave-one-crisis-out backtest of the timing model against every baseline.

For every crisis, pact24's timing model (same priors, refitted by
:func:`pact24.calibrate.fit.fit_events`, which also chooses its error family and its predictive
scale by an inner leave-one-crisis-out over the training crises, unless a family is fixed) and
every baseline of :data:`pact24.calibrate.predictive.BASELINES` are fitted on the *other*
crises and predict the held-out crisis' rows. Nothing is tuned on the held-out rows. The family
and ``kappa`` each fold chose, and the inner scores of every family, are kept in
:attr:`BacktestResult.folds`.

Per held-out row and method (observation ``y = d + 0.5`` days, the middle of the reported day):

- ``covered``: ``y`` inside the central ``interval`` (e.g. 80 %) predictive interval;
- ``interval_score``: Winkler interval score in days (``interval_score_log``: the same on
  log-days, less dominated by the longest lags);
- ``crps``: continuous ranked probability score in days (``inf`` where it does not exist: a
  Frechet predictive with a component of scale >= 2);
- ``log_score``: ``-log P(d <= T < d + 1)``;
- ``pit``: the predictive CDF at ``y``.

A right-censored row (no decision in ``c`` days) has no observed lag: it is scored only by the
log score, ``-log P(T >= c)``, for every method, and left out of coverage, interval score, CRPS
and PIT (which need a value of the lag).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pact24.calibrate.events import EventTable
from pact24.calibrate.fit import fit_events
from pact24.calibrate.predictive import (
    BASELINES,
    METHODS,
    ModelPredictive,
    Predictive,
    baseline,
)
from pact24.calibrate.scores import interval_score
from pact24.files import write_atomic
from pact24.sim.models.timing import TimingModel

#: ``BacktestResult.family`` when each fold chooses its family (nested).
NESTED = "nested"

METRICS: tuple[str, ...] = (
    "coverage",
    "interval_score",
    "interval_score_log",
    "crps",
    "log_score",
)


@dataclass(frozen=True)
class RowScore:
    """Scores of one method on one held-out row."""

    event_id: str
    crisis: str
    method: str
    lag_days: float
    censored: bool
    lag_lo: float
    lag_median: float
    lag_hi: float
    covered: float
    interval_score: float
    interval_score_log: float
    crps: float
    log_score: float
    pit: float


@dataclass(frozen=True)
class BacktestResult:
    """Row scores and their summaries (per crisis, and overall over all held-out rows).

    ``family`` is the fixed family, or :data:`NESTED` when each fold chose its own; ``folds``
    has, per held-out crisis, the family and ``kappa`` its model used and the inner mean
    log score of every family it considered."""

    family: str
    interval: float
    rows: tuple[RowScore, ...]
    by_crisis: tuple[dict[str, Any], ...]
    overall: tuple[dict[str, Any], ...]
    folds: tuple[dict[str, Any], ...] = field(default=())
    #: how the rows were held out (plot titles) and the stem of the output files
    design: str = "Leave-one-crisis-out"
    stem: str = "calibration_backtest"

    def overall_for(self, method: str) -> dict[str, Any]:
        for entry in self.overall:
            if entry["method"] == method:
                return entry
        raise KeyError(method)


def _score_fold(method: str, pred: Predictive, test: EventTable, interval: float) -> list[RowScore]:
    alpha = 1.0 - interval
    lag = test.lags()
    cens = test.censored()
    y = lag + 0.5
    lo_q = pred.quantile(alpha / 2)
    med = pred.quantile(0.5)
    hi_q = pred.quantile(1 - alpha / 2)
    lo_b = lag.copy()
    hi_b = np.where(cens, np.inf, lag + 1.0)
    logp = pred.log_prob(lo_b, hi_b)
    obs = ~cens
    crps = np.full(len(test), np.nan)
    pit = np.full(len(test), np.nan)
    if np.any(obs):
        crps[obs] = pred.crps(y)[obs]
        pit[obs] = pred.cdf(y)[obs]
    isc = interval_score(lo_q, hi_q, y, alpha)
    isc_log = interval_score(np.log(lo_q), np.log(hi_q), np.log(y), alpha)
    covered = ((lo_q <= y) & (y <= hi_q)).astype(float)
    out = []
    for i, r in enumerate(test.rows):
        o = bool(obs[i])
        out.append(
            RowScore(
                event_id=r.event_id,
                crisis=r.crisis or "",
                method=method,
                lag_days=float(lag[i]),
                censored=not o,
                lag_lo=float(lo_q[i]),
                lag_median=float(med[i]),
                lag_hi=float(hi_q[i]),
                covered=float(covered[i]) if o else math.nan,
                interval_score=float(isc[i]) if o else math.nan,
                interval_score_log=float(isc_log[i]) if o else math.nan,
                crps=float(crps[i]),
                log_score=float(-logp[i]),
                pit=float(pit[i]),
            )
        )
    return out


def summarise(rows: list[RowScore], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """Mean of each metric over the rows of each group (``keys`` of :class:`RowScore`)."""
    groups: dict[tuple[Any, ...], list[RowScore]] = {}
    for r in rows:
        groups.setdefault(tuple(getattr(r, k) for k in keys), []).append(r)
    out = []
    for key, rs in groups.items():
        entry: dict[str, Any] = dict(zip(keys, key, strict=True))
        entry["n_rows"] = len(rs)
        entry["n_observed"] = sum(not r.censored for r in rs)
        for m in METRICS:
            attr = "covered" if m == "coverage" else m
            vals = np.array([getattr(r, attr) for r in rs], dtype=np.float64)
            vals = vals[~np.isnan(vals)]  # NaN: not scored; inf (a CRPS that diverges) counts
            entry[m] = float(np.mean(vals)) if vals.size else math.nan
        out.append(entry)
    return out


def _predictives(
    model: TimingModel, train: EventTable, test: EventTable, min_rows: int
) -> dict[str, Predictive]:
    """Every method's predictive for ``test``'s rows; the baselines fitted on ``train``."""
    covs = [r.covariates for r in test.rows]
    out: dict[str, Predictive] = {"pact24": ModelPredictive(model, covs)}
    for name in BASELINES:
        out[name] = baseline(name, train, covs, min_rows)
    return out


def _fit_fold(
    train: EventTable,
    family: str | None,
    prior: Mapping[str, tuple[float, float]] | None,
) -> TimingModel:
    return fit_events(train, family=family, prior=prior).model


def fold_summary(crisis: str, model: TimingModel) -> dict[str, Any]:
    """What a fold's model chose: family, ``kappa`` and the inner log score of every family."""
    sel = model.meta.get("family_selection", {})
    inner = {
        fam: entry["mean_log_score"]
        for fam, entry in (sel.get("families") or {}).items()
        if isinstance(entry, dict)
    }
    return {
        "crisis": crisis,
        "family": model.family,
        "kappa": model.predictive_scale,
        "how": sel.get("method", "fixed by the caller"),
        "inner_log_score": inner,
    }


def backtest(
    events: EventTable,
    *,
    family: str | None = None,
    interval: float = 0.8,
    prior: Mapping[str, tuple[float, float]] | None = None,
    min_rows: int = 3,
    n_jobs: int = 1,
) -> BacktestResult:
    """Leave-one-crisis-out cross-validation (see the module docstring).

    ``family=None``: each fold's fit chooses its family (nested); a name fixes it for every fold.
    ``n_jobs > 1`` fits the folds in that many processes (same results: every fold is
    deterministic and independent of the others)."""
    if not 0.0 < interval < 1.0:
        raise ValueError("interval must be in (0, 1)")
    crises = list(dict.fromkeys(events.crises))
    if len(crises) < 2:
        raise ValueError("a leave-one-crisis-out backtest needs at least two crises")
    splits = []
    for crisis in crises:
        held = np.array([c == crisis for c in events.crises])
        splits.append((crisis, events.subset(~held), events.subset(held)))
    if n_jobs > 1:
        with ProcessPoolExecutor(max_workers=min(n_jobs, len(splits))) as pool:
            futures = [pool.submit(_fit_fold, train, family, prior) for _, train, _ in splits]
            models = [f.result() for f in futures]
    else:
        models = [_fit_fold(train, family, prior) for _, train, _ in splits]
    rows: list[RowScore] = []
    folds: list[dict[str, Any]] = []
    for (crisis, train, test), model in zip(splits, models, strict=True):
        folds.append(fold_summary(crisis, model))
        preds = _predictives(model, train, test, min_rows)
        for method in METHODS:
            rows.extend(_score_fold(method, preds[method], test, interval))
    return BacktestResult(
        family=NESTED if family is None else family,
        interval=interval,
        rows=tuple(rows),
        by_crisis=tuple(summarise(rows, ("crisis", "method"))),
        overall=tuple(summarise(rows, ("method",))),
        folds=tuple(folds),
    )


def score_holdout(
    model: TimingModel,
    train: EventTable,
    test: EventTable,
    *,
    interval: float = 0.8,
    min_rows: int = 3,
) -> BacktestResult:
    """Score a frozen ``model`` and the baselines (fitted on ``train``) on ``test``: rows of
    crises that none of them saw, collected after the model was fixed. Nothing is refitted, so
    unlike the backtest this tests the whole procedure, its selection rules included, on new
    data. ``test`` must share no crisis with ``train`` (``ValueError`` otherwise)."""
    if not 0.0 < interval < 1.0:
        raise ValueError("interval must be in (0, 1)")
    shared = sorted(set(train.crises) & set(test.crises))
    if shared:
        raise ValueError(f"not a holdout: crises also in the training table: {', '.join(shared)}")
    preds = _predictives(model, train, test, min_rows)
    rows = [row for m in METHODS for row in _score_fold(m, preds[m], test, interval)]
    return BacktestResult(
        family=model.family,
        interval=interval,
        rows=tuple(rows),
        by_crisis=tuple(summarise(rows, ("crisis", "method"))),
        overall=tuple(summarise(rows, ("method",))),
        design="Holdout (new crises, frozen model)",
        stem="calibration_holdout",
    )


# --- outputs -------------------------------------------------------------------------------


def _csv_bytes(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=header, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow({k: (f"{v:.6g}" if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue().encode()


def write_outputs(result: BacktestResult, out_dir: Path) -> list[Path]:
    """Write metrics (CSV + JSON), row scores (CSV) and the two plots (PNG) to ``out_dir``."""
    out_dir = Path(out_dir)
    summary_rows = [{"crisis": "ALL", **e} for e in result.overall] + list(result.by_crisis)
    header = ["crisis", "method", "n_rows", "n_observed", *METRICS]
    written = []
    p = out_dir / f"{result.stem}_metrics.csv"
    write_atomic(p, _csv_bytes(header, summary_rows))
    written.append(p)
    p = out_dir / f"{result.stem}_rows.csv"
    row_dicts = [asdict(r) for r in result.rows]
    write_atomic(p, _csv_bytes(list(row_dicts[0].keys()), row_dicts))
    written.append(p)
    p = out_dir / f"{result.stem}_metrics.json"
    doc = {
        "family": result.family,
        "interval": result.interval,
        "overall": list(result.overall),
        "by_crisis": list(result.by_crisis),
        "folds": list(result.folds),
    }
    write_atomic(p, (json.dumps(doc, indent=2, allow_nan=True) + "\n").encode())
    written.append(p)
    written.extend(plot_backtest(result, out_dir))
    return written


def plot_backtest(result: BacktestResult, out_dir: Path) -> list[Path]:
    """PIT histograms and predicted-vs-observed plots (one panel per method)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {
        "pact24": "pact24 timing model",
        "empirical": "empirical, instrument x stage",
        "empirical_instrument": "empirical, instrument",
        "empirical_stage": "empirical, stage",
        "empirical_pooled": "empirical, pooled",
        "lognormal": "log-normal, instrument x stage",
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []

    fig, axes = plt.subplots(1, len(METHODS), figsize=(4 * len(METHODS), 3.6), sharey=True)
    for ax, method in zip(axes, METHODS, strict=True):
        pit = np.array([r.pit for r in result.rows if r.method == method and not r.censored])
        ax.hist(pit, bins=np.linspace(0, 1, 11), density=True, color="#4477aa", edgecolor="white")
        ax.axhline(1.0, color="k", ls="--", lw=1)
        ax.set_title(labels[method], fontsize=10)
        ax.set_xlabel("PIT (predictive CDF at observed lag)")
        ax.set_xlim(0, 1)
    axes[0].set_ylabel("density")
    fig.suptitle(f"{result.design}: PIT histograms (flat = calibrated)", fontsize=11)
    fig.tight_layout()
    p = out_dir / f"{result.stem}_pit.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)

    fig, axes = plt.subplots(
        1, len(METHODS), figsize=(4.3 * len(METHODS), 4.4), sharex=True, sharey=True
    )
    pct = round(result.interval * 100)
    for ax, method in zip(axes, METHODS, strict=True):
        rs = [r for r in result.rows if r.method == method and not r.censored]
        y = np.array([r.lag_days + 0.5 for r in rs])
        med = np.array([r.lag_median for r in rs])
        lo = np.array([r.lag_lo for r in rs])
        hi = np.array([r.lag_hi for r in rs])
        cov = np.array([r.covered for r in rs]) > 0.5
        for mask, colour, lab in ((cov, "#228833", "covered"), (~cov, "#cc3311", "missed")):
            ax.errorbar(
                y[mask],
                med[mask],
                yerr=[med[mask] - lo[mask], hi[mask] - med[mask]],
                fmt="o",
                ms=3.5,
                lw=0.8,
                color=colour,
                alpha=0.8,
                label=f"{lab} ({int(mask.sum())})",
            )
        lim = (0.3, 5000)
        ax.plot(lim, lim, color="k", lw=0.8, ls="--")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(*lim)
        ax.set_ylim(0.05, 2e4)
        ax.set_title(labels[method], fontsize=10)
        ax.set_xlabel("observed lag (days, mid-day)")
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel(f"predicted median and {pct} % interval (days)")
    fig.suptitle(f"{result.design}: predicted vs observed lag", fontsize=11)
    fig.tight_layout()
    p = out_dir / f"{result.stem}_pred_vs_obs.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)
    return paths
