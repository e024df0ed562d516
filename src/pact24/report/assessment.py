"""``DIR/index.html``: the assessment as people read it, one self-contained file.

Every figure is a PNG embedded as a ``data:`` URI and also written to ``DIR/figures/``; the page
loads nothing else (no CDN, no web fonts, no script), so it opens the same offline, attached to
an e-mail or years later. The tables it reads are the sweep's (``outcomes``, ``experiments``) and
the analyses' (robustness, PRIM, Sobol, Morris, the lever search), as ``explore`` writes them.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

import pact24
from pact24.files import write_atomic
from pact24.report import figures, headline, summaries
from pact24.report.calibration import CalibrationSummary
from pact24.report.cases import Case

FOCUS = "meloni-24h"
"""The seed's design: the headline is about it when the sweep has it."""


@dataclass(frozen=True)
class Reproduce:
    """What it takes to get the same tables again."""

    version: str
    seed: int
    command: str
    parameters: Mapping[str, Any]
    """The sweep's arguments (designs, samples, runs per sample, executor...)."""

    @classmethod
    def of(cls, command: str, seed: int, parameters: Mapping[str, Any]) -> Reproduce:
        """This installation's version with the command, seed and arguments of a sweep."""
        return cls(pact24.__version__, seed, command, dict(parameters))


@dataclass(frozen=True)
class ReportInputs:
    """Everything the report shows; the tables have the columns of the shared contract."""

    outcomes: pd.DataFrame
    experiments: pd.DataFrame
    robustness: pd.DataFrame
    robustness_bar: str
    """The bar a design must meet in a future, in words (the robustness analysis states it)."""
    failure: str
    """The failure definition PRIM's boxes explain, in words."""
    prim_boxes: Sequence[Mapping[str, Any]]
    sobol: pd.DataFrame
    morris: pd.DataFrame
    ranking_reversal: float
    ranking_pairs: pd.DataFrame
    pareto: pd.DataFrame
    pivotal: pd.DataFrame
    window_sweep: pd.DataFrame
    speedup_sweep: pd.DataFrame
    cases: Sequence[Case]
    calibration: CalibrationSummary
    reproduce: Reproduce


@dataclass(frozen=True)
class _Figure:
    name: str
    title: str
    caption: str
    uri: str


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("pact24.report", "templates"),
    autoescape=jinja2.select_autoescape(("html",)),
    undefined=jinja2.StrictUndefined,
)

_COMPARISON = (
    ("p_honoured", "honoured", "pct"),
    ("p_pledges_ge3_24h", "≥ 3 troop pledges in 24 h", "pct"),
    ("p_pledges_ge3_7d", "≥ 3 in 7 d", "pct"),
    ("troop_cover_mean", "troops pledged / needed", "pct"),
    ("package_eur_7d_mean", "package in 7 d", "eur"),
    ("p_effective_72h", "effective in 72 h", "pct"),
    ("p_effective_7d", "effective in 7 d", "pct"),
    ("arrival_h_median", "first arrival (median h)", "hours"),
    ("territory_km2_mean", "territory at risk (km²)", "int"),
    ("p_attacked", "attacked at all", "pct"),
    ("crises_honoured_mean", "crises honoured / campaign", "dec"),
    ("readiness_cost_eur_per_year", "readiness cost / year", "eur"),
)


_FRONT = (
    "variant",
    "window_hours",
    "k",
    "activation",
    "qrf_size",
    "coalition",
    "stationed",
    "credibility",
    "robust_share",
    "cost_eur_per_year",
)
"""The lever search's columns the report shows (the contract's, less ``on_front``)."""


def _cell(x: Any, kind: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if kind == "pct":
        return headline.pct(float(x))
    if kind == "eur":
        return headline.eur(float(x))
    if kind == "hours":
        return f"{float(x):.0f}"
    if kind == "int":
        return f"{float(x):,.0f}"
    if kind == "dec":
        return f"{float(x):.2f}"
    return str(x)


def _comparison(by_design: pd.DataFrame, robustness: pd.DataFrame) -> dict[str, Any]:
    """The designs table, and the designs whose first arrival reads 0 h (``at_attack``): a
    definition, not a speed, which the page says under the table."""
    rob = summaries.records(robustness.set_index("design"))
    head = ["design", *(label for _, label, _ in _COMPARISON)]
    head += ["futures meeting the bar", "mean regret", "max regret"]
    rows = []
    for d, r in summaries.records(by_design).items():
        cells = [d, *(_cell(r[col], kind) for col, _, kind in _COMPARISON)]
        if d in rob:
            rr = rob[d]
            cells += [
                _cell(rr["share_meeting_bar"], "pct"),
                _cell(rr["mean_regret"], "dec"),
                _cell(rr["max_regret"], "dec"),
            ]
        else:
            cells += ["—"] * 3
        rows.append(cells)
    at_attack = [str(d) for d, h in by_design["arrival_h_median"].items() if h == 0.0]
    return {"head": head, "rows": rows, "at_attack": at_attack}


def _frame(table: pd.DataFrame, formats: Mapping[str, str]) -> dict[str, Any]:
    """A DataFrame as header and formatted rows (columns not in ``formats`` as text)."""
    return {
        "head": list(table.columns),
        "rows": [
            [_cell(v, formats.get(str(c), "text")) for c, v in zip(table.columns, row, strict=True)]
            for row in table.itertuples(index=False)
        ],
    }


def _uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _figures(inputs: ReportInputs, out_dir: Path) -> dict[str, _Figure]:
    drawn = {
        "window_sweep": (
            "P(≥ 3 pledges) against window length",
            "Each design re-simulated with its window set to each length, other levers as held.",
            figures.window_sweep(inputs.window_sweep),
        ),
        "speedup_sweep": (
            "P(≥ 3 pledges) against the deadline speed-up",
            "Every guarantor's decision lags divided by the speed-up: how much faster "
            "governments would have to decide.",
            figures.speedup_sweep(inputs.speedup_sweep),
        ),
        "pareto": (
            "The lever search's Pareto front",
            "Each point one setting of the negotiator's levers, its credibility and yearly cost "
            "over the sampled futures; the red line joins the settings no other beats on both.",
            figures.pareto(inputs.pareto),
        ),
        "pivotal": (
            "Pivotal states",
            "How the credibility of the design moves when each state leaves the coalition.",
            figures.pivotal(inputs.pivotal),
        ),
        "response_cdf": (
            "Time to effective response",
            "Markers: the share of all runs with an effective response by 72 h and by 7 d, "
            "read from the outcomes table (averaged over futures and families). Dashed steps: "
            "a lower bound on the CDF of the first arrival, from each future's 10th, 50th and "
            "90th percentiles of the hours to first arrival (the outcomes table keeps only "
            "those quantiles, not every run's time).",
            figures.response_cdf(inputs.outcomes),
        ),
        "cost_credibility": (
            "Cost against credibility",
            "Per design, its yearly readiness cost against P(≥ 3 troop pledges within 24 h), "
            "mean over futures, bars from the 10th to the 90th percentile of futures.",
            figures.cost_credibility(inputs.outcomes),
        ),
        "deterrence": (
            "Deterrence",
            "P(the adversary attacks at all over the campaign) per design and scenario family, "
            "over all futures.",
            figures.deterrence(inputs.outcomes),
        ),
        "sobol": (
            "Sobol indices",
            "First-order (S1) and total (ST) indices with their confidence intervals, for the "
            "parameters Morris screening kept.",
            figures.sobol(inputs.sobol),
        ),
    }
    made = {}
    for name, (title, caption, fig) in drawn.items():
        data = figures.png(fig)
        write_atomic(out_dir / "figures" / f"{name}.png", data)
        made[name] = _Figure(name, title, caption, _uri(data))
    return made


def _calibration_line(c: CalibrationSummary) -> str:
    first = c.within_24h[0]
    return (
        f"Guarantor decision lags come from the timing model fitted to {c.n_rows} historical "
        f"decisions in {c.n_crises} crises: one guarantor's first troop decision comes within "
        f"24 hours with probability {headline.pct(first.p)} ({headline.pct(first.lo)} to "
        f"{headline.pct(first.hi)}, 90 % credible), {first.label}."
    )


def _ranges(experiments: pd.DataFrame) -> list[list[str]]:
    params = [c for c in experiments.columns if c not in ("future", "sample")]
    return [
        [p, f"{experiments[p].min():.4g}", f"{experiments[p].max():.4g}"]
        for p in params
        if pd.api.types.is_numeric_dtype(experiments[p])
    ]


def headline_of(
    inputs: ReportInputs, focus: str, by_design: pd.DataFrame, premises: list[str]
) -> headline.Headline:
    """The headline about design ``focus`` from the report's inputs (``headline.write``);
    ``by_design`` is ``summaries.per_design(inputs.outcomes)``."""
    return headline.write(
        focus,
        by_design,
        inputs.robustness,
        inputs.robustness_bar,
        inputs.pareto,
        inputs.pivotal,
        inputs.sobol,
        inputs.prim_boxes,
        premises,
    )


def write_report(inputs: ReportInputs, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` and ``out_dir/figures/*.png``; the page's path."""
    by_design = summaries.per_design(inputs.outcomes)
    focus = FOCUS if FOCUS in by_design.index else str(by_design.index[0])
    ranges = _ranges(inputs.experiments)
    futures = int(inputs.experiments["future"].nunique())
    premises = [
        _calibration_line(inputs.calibration),
        f"The {futures} futures vary {len(ranges)} deep uncertainties, each over the range the "
        "parameter registry gives it (listed under Reproduce); every other parameter stays at "
        "its registry default, and a world outside those ranges is not assessed.",
    ]
    head = headline_of(inputs, focus, by_design, premises)
    html = _TEMPLATES.get_template("assessment.html").render(
        focus=focus,
        headline=head,
        figures=_figures(inputs, out_dir),
        comparison=_comparison(by_design, inputs.robustness),
        robustness_bar=inputs.robustness_bar,
        failure=inputs.failure,
        prim_boxes=inputs.prim_boxes,
        morris=_frame(
            inputs.morris.sort_values("mu_star", ascending=False),
            {"mu_star": "dec", "mu_star_conf": "dec", "sigma": "dec"},
        ),
        ranking_reversal=headline.pct(inputs.ranking_reversal),
        ranking_pairs=_frame(inputs.ranking_pairs, {"p_a_beats_b": "pct"}),
        front=_frame(
            inputs.pareto[inputs.pareto["on_front"].astype(bool)].sort_values("cost_eur_per_year")[
                list(_FRONT)
            ],
            {"credibility": "pct", "robust_share": "pct", "cost_eur_per_year": "eur"},
        ),
        pivotal=_frame(inputs.pivotal, {"credibility_without": "pct", "delta_credibility": "dec"}),
        cases=inputs.cases,
        calibration=inputs.calibration,
        pct=headline.pct,
        reproduce=inputs.reproduce,
        ranges=ranges,
        futures=futures,
    )
    page = out_dir / "index.html"
    write_atomic(page, html)
    return page
