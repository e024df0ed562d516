"""Predictive median and central interval of ``lag_days`` for each row of an event table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pact24.calibrate.events import EventTable
from pact24.sim.models.timing import TimingModel

PREDICTION_COLUMNS: tuple[str, ...] = ("event_id", "lag_lo", "lag_median", "lag_hi")


@dataclass(frozen=True)
class Prediction:
    event_id: str
    lag_lo: float
    lag_median: float
    lag_hi: float


def predict_events(
    model: TimingModel, events: EventTable, interval: float = 0.8
) -> list[Prediction]:
    """The posterior-predictive median and central ``interval`` for each row (in days, for a
    decision in a new crisis; ``T < 1`` means within the first day)."""
    if not 0.0 < interval < 1.0:
        raise ValueError(f"interval must be in (0, 1), got {interval}")
    design = events.design()
    alpha = 1.0 - interval
    lo = model.quantile_batch(design, alpha / 2)
    med = model.quantile_batch(design, 0.5)
    hi = model.quantile_batch(design, 1 - alpha / 2)
    return [
        Prediction(eid, float(a), float(m), float(b))
        for eid, a, m, b in zip(events.event_ids, lo, med, hi, strict=True)
    ]


def predictions_csv(preds: list[Prediction]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PREDICTION_COLUMNS)
    for p in preds:
        w.writerow([p.event_id, f"{p.lag_lo:.4f}", f"{p.lag_median:.4f}", f"{p.lag_hi:.4f}"])
    return buf.getvalue()
