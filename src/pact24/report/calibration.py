"""The calibration behind every guarantor lag, as the report states it: read from the timing
model the package ships (``pact24/data/timing_params.json``), never copied from the docs, so the
report cannot drift from the model the simulator actually sampled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pact24.sim.models.timing import LagCovariates, TimingModel

_LEVEL = 0.9
"""The credible interval the report quotes (the level docs/calibration.md uses)."""


@dataclass(frozen=True)
class Within24h:
    """P(one guarantor's first troop decision comes within 24 h) and its credible interval."""

    label: str
    p: float
    lo: float
    hi: float
    median_days: float


@dataclass(frozen=True)
class CalibrationSummary:
    """What the shipped timing model was fitted on and what it says about a 24-hour decision."""

    family: str
    predictive_scale: float
    n_rows: int
    n_crises: int
    n_censored: int
    data: str
    coverage: float | None
    """Share of held-out decisions inside the model's 80 % ranges (inner leave-one-crisis-out)."""
    within_24h: tuple[Within24h, ...]


_CASES = (
    ("no standing procedure, no vote in parliament", LagCovariates(instrument="troops")),
    (
        "under a standing, pre-agreed procedure",
        LagCovariates(instrument="troops", framework=True),
    ),
    (
        "parliament must vote first",
        LagCovariates(instrument="troops", legislature_required=True),
    ),
)
"""The single guarantor of ``LagCovariates``' defaults (a treaty guarantee, a clear,
high-severity attack by a nuclear-armed adversary, its first troop decision), then one change
at a time: the levers a design can pull on the timing."""


def calibration_summary(model: TimingModel | None = None) -> CalibrationSummary:
    """Summarise ``model`` (default: the shipped fit)."""
    m = model or TimingModel.default()
    meta = m.meta
    a = (1.0 - _LEVEL) / 2.0
    rows = []
    for label, cov in _CASES:
        lo, hi = np.quantile(m.prob_within_draws(cov), [a, 1.0 - a])
        rows.append(
            Within24h(label, m.prob_within(cov), float(lo), float(hi), m.quantile(cov, 0.5))
        )
    scale = meta.get("predictive_scale", {})
    coverage = scale.get("coverage") if isinstance(scale, dict) else None
    return CalibrationSummary(
        family=m.family,
        predictive_scale=m.predictive_scale,
        n_rows=int(meta.get("n_rows", 0)),
        n_crises=int(meta.get("n_crises", 0)),
        n_censored=int(meta.get("n_censored", 0)),
        data=str(meta.get("data", "")),
        coverage=None if coverage is None else float(coverage),
        within_24h=tuple(rows),
    )
