"""The assessment's figures, drawn with matplotlib's Agg backend (no display, no fonts fetched).

Each function takes the tables it draws and returns a closed-over ``Figure``; ``png`` turns one
into bytes, which the report both embeds and writes to ``figures/``.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from pact24.report import summaries

_DPI = 110
_LABELS = 12
"""The Pareto front's points are named on the figure up to this many (the report's table
names them all)."""


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes; the figure is closed (pyplot keeps no reference to it)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=_DPI, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _colours(designs: Sequence[str]) -> dict[str, tuple[float, float, float, float]]:
    cmap = plt.get_cmap("tab10")
    return {d: cmap(i % 10) for i, d in enumerate(designs)}


def _sweep(table: pd.DataFrame, x: str, xlabel: str, title: str) -> Figure:
    """Both horizons side by side; x on a log scale (the values span one to two decades) and y
    up to just above the highest point, so that shares of a few per cent stay readable."""
    top = float(table[["p_pledges_ge3_24h", "p_pledges_ge3_7d"]].max().max())
    top = 1.0 if math.isnan(top) else min(1.0, max(0.05, 1.2 * top))  # NaN: an empty curve
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True, layout="constrained")
    colours = _colours(list(dict.fromkeys(table["design"])))
    for ax, col, horizon in zip(
        axes, ("p_pledges_ge3_24h", "p_pledges_ge3_7d"), ("24 hours", "7 days"), strict=True
    ):
        for design, rows in table.groupby("design", sort=False):
            rows = rows.sort_values(x)
            ax.plot(rows[x], rows[col], marker="o", label=design, color=colours[str(design)])
        ax.set_title(f"within {horizon}")
        ax.set_xlabel(xlabel)
        ax.set_xscale("log")
        ax.set_ylim(0, top)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("P(≥ 3 guarantors pledge troops)")
    axes[1].legend(fontsize=8, loc="best")
    fig.suptitle(title)
    return fig


def window_sweep(table: pd.DataFrame) -> Figure:
    return _sweep(table, "window_hours", "window length (hours)", "Longer windows")


def speedup_sweep(table: pd.DataFrame) -> Figure:
    return _sweep(
        table, "deadline_speedup", "deadline speed-up (× faster decisions)", "Faster decisions"
    )


def _against_cost(fig: Figure, ax: Axes, ylabel: str, title: str) -> Figure:
    """The frame of a share plotted against yearly readiness cost (the Pareto front and the
    designs' cost against credibility read on the same axes)."""
    ax.set_xlabel("yearly readiness cost (€ bn)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title)
    return fig


def pareto(table: pd.DataFrame) -> Figure:
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    cost = table["cost_eur_per_year"] / 1e9
    off = ~table["on_front"].astype(bool)
    ax.scatter(cost[off], table["credibility"][off], color="#9ca3af", label="lever settings")
    front = table[~off].sort_values("cost_eur_per_year")
    ax.plot(
        front["cost_eur_per_year"] / 1e9,
        front["credibility"],
        marker="o",
        color="#b91c1c",
        label="Pareto front",
    )
    labelled = front if len(front) <= _LABELS else front.iloc[:0]
    for variant, cost_eur, credibility in labelled[
        ["variant", "cost_eur_per_year", "credibility"]
    ].itertuples(index=False):
        ax.annotate(
            str(variant),
            (float(cost_eur) / 1e9, float(credibility)),
            textcoords="offset points",
            xytext=(4, 4),
            fontsize=8,
        )
    return _against_cost(
        fig, ax, "credibility", "What would it take: credibility against yearly cost"
    )


def pivotal(table: pd.DataFrame) -> Figure:
    rows = table.iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    colours = ["#b91c1c" if d < 0 else "#047857" for d in rows["delta_credibility"]]
    ax.barh(rows["state"], rows["delta_credibility"], color=colours)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("change in credibility without this state")
    ax.set_title("Pivotal states")
    ax.grid(axis="x", alpha=0.3)
    return fig


def response_cdf(outcomes: pd.DataFrame) -> Figure:
    """Time to response per design: the exact shares with an effective response by 72 h and
    7 d (markers), and the lower bound on the CDF of the first arrival (steps, see
    :func:`summaries.arrival_lower_cdf`)."""
    designs = summaries.designs(outcomes)
    colours = _colours(designs)
    table = summaries.records(summaries.per_design(outcomes))
    hours = np.geomspace(1.0, 24.0 * 60, 400)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for d in designs:
        c = colours[d]
        ax.step(
            hours,
            summaries.arrival_lower_cdf(outcomes, d, hours),
            where="post",
            color=c,
            alpha=0.6,
            ls="--",
        )
        ax.plot(
            [72.0, 168.0],
            [table[d]["p_effective_72h"], table[d]["p_effective_7d"]],
            marker="o",
            ms=7,
            color=c,
            label=d,
        )
    ax.set_xscale("log")
    ax.set_xticks([1, 6, 24, 72, 168, 720], ["1 h", "6 h", "24 h", "72 h", "7 d", "30 d"])
    ax.set_ylim(0, 1)
    ax.set_xlabel("time after the attack")
    ax.set_ylabel("share of runs")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, title="effective response (●)", title_fontsize=8)
    ax.set_title("Time to response (dashed: first arrival, lower bound)")
    return fig


def cost_credibility(outcomes: pd.DataFrame) -> Figure:
    table = summaries.records(summaries.per_design(outcomes))
    colours = _colours(list(table))
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    for d, row in table.items():
        y = row["p_pledges_ge3_24h"]
        lo, hi = row["p_pledges_ge3_24h_q10"], row["p_pledges_ge3_24h_q90"]
        err = [[max(0.0, y - lo)], [max(0.0, hi - y)]]
        ax.errorbar(
            row["readiness_cost_eur_per_year"] / 1e9,
            y,
            yerr=err,
            fmt="o",
            capsize=4,
            color=colours[d],
            label=d,
        )
    return _against_cost(
        fig,
        ax,
        "P(≥ 3 troop pledges within 24 h)",
        "Cost against credibility (bars: 10th–90th percentile of futures)",
    )


def deterrence(outcomes: pd.DataFrame) -> Figure:
    designs = summaries.designs(outcomes)
    by = outcomes.assign(w=outcomes["runs"] * outcomes["p_attacked"])
    sums = by.groupby(["design", "family"], sort=False)[["w", "runs"]].sum()
    share = (sums["w"] / sums["runs"]).unstack("family").loc[designs]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    width = 0.8 / max(1, share.shape[1])
    x = np.arange(len(designs))
    for i, family in enumerate(share.columns):
        ax.bar(x + i * width, share[family], width, label=str(family).replace("_", " "))
    ax.set_xticks(x + width * (share.shape[1] - 1) / 2, designs, rotation=15)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(the adversary attacks at all)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, title="scenario family", title_fontsize=8)
    ax.set_title("Deterrence: lower is better")
    return fig


def sobol(table: pd.DataFrame) -> Figure:
    outcomes = list(dict.fromkeys(table["outcome"]))
    ncols = max(1, min(3, len(outcomes)))
    nrows = max(1, -(-len(outcomes) // ncols))
    height = 0.4 * table["parameter"].nunique() + 1.8
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(6 * ncols, height * nrows), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        rows = table[table["outcome"] == outcome].sort_values("ST")
        y = np.arange(len(rows))
        ax.barh(y - 0.2, rows["ST"], 0.4, xerr=rows["ST_conf"], label="total (ST)", color="#1d4ed8")
        ax.barh(y + 0.2, rows["S1"], 0.4, xerr=rows["S1_conf"], label="first (S1)", color="#93c5fd")
        ax.set_yticks(y, rows["parameter"], fontsize=8)
        ax.set_title(outcome, fontsize=10)
        ax.set_xlim(left=min(0.0, float(rows["S1"].min())))
        ax.grid(axis="x", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle("Sobol indices: what the outcomes depend on")
    return fig
