"""Predictive distributions for held-out rows: pact24's timing model and the baselines.

All of them predict the continuous lag ``T`` in days, where a decision dated ``d`` days after the
trigger means ``d <= T < d + 1``. Each is bound to a list of rows and answers, per row,
quantiles, the CDF (for PIT values), the CRPS at an observation, and ``log P(lo <= T < hi)``.

Baselines (fitted on the training rows only, ignoring censored rows, as naive baselines do), in
:data:`BASELINES`:

- ``empirical``: the lags of the same instrument x stage, shifted to day midpoints (``d + 0.5``);
  quantiles by linear interpolation, sample CRPS, a mid-ECDF for PIT values and, for the log
  score only, a Gaussian kernel density on log-days (Silverman bandwidth, floored at 0.25) so that
  an unseen lag does not score ``-inf``.
- ``empirical_instrument``: the same from the lags of the same instrument, either stage ("look up
  the median of past decisions of the same instrument": the baseline of the independent check in
  issue 11); ``empirical_stage``: of the same stage; ``empirical_pooled``: of every row.
- ``lognormal``: a log-normal per instrument x stage fitted to ``log(d + 0.5)`` (mean, sd).

A cell with fewer than ``min_rows`` training lags falls back to all rows of the same stage,
then to all rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import special

from pact24.calibrate.events import EventTable
from pact24.calibrate.scores import crps_from_cdf, crps_lognormal, crps_sample
from pact24.sim.models.timing import (
    LagCovariates,
    TimingModel,
    design_matrix,
    log_cdf,
    log_interval_prob,
    ppf,
)

#: What each baseline's cell is made of (its name -> the covariates a training row must share).
CELLS: dict[str, tuple[str, ...]] = {
    "empirical": ("instrument", "stage"),
    "empirical_instrument": ("instrument",),
    "empirical_stage": ("stage",),
    "empirical_pooled": (),
    "lognormal": ("instrument", "stage"),
}
BASELINES: tuple[str, ...] = tuple(CELLS)
METHODS: tuple[str, ...] = ("pact24", *BASELINES)


class Predictive(Protocol):
    """Per-row predictive distributions for ``n`` rows."""

    def quantile(self, q: float) -> np.ndarray: ...

    def cdf(self, t: np.ndarray) -> np.ndarray: ...

    def crps(self, y: np.ndarray) -> np.ndarray: ...

    def log_prob(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray: ...


# --- pact24 --------------------------------------------------------------------------------


class ModelPredictive:
    """The timing model's posterior predictive for ``rows``."""

    def __init__(self, model: TimingModel, rows: Sequence[LagCovariates]) -> None:
        self.model = model
        self.design = design_matrix(list(rows))
        self.mu, self.sigma = model.predictive_params(self.design)

    def quantile(self, q: float) -> np.ndarray:
        return self.model.quantile_batch(self.design, q)

    def cdf(self, t: np.ndarray) -> np.ndarray:
        return self.model.cdf_batch(self.design, t)

    def log_prob(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return self.model.log_prob_batch(self.design, lo, hi)

    def crps(self, y: np.ndarray) -> np.ndarray:
        """CRPS in days by quadrature; ``inf`` where it does not exist: with the ``frechet``
        family a component with ``sigma >= 2`` has survival ``~ t^(-1/sigma)``, so
        ``int (1 - F)^2 dt`` diverges, and so does the mixture's."""
        fam = self.model.family
        z_lo, z_hi = (float(v) for v in ppf(fam, np.array([1e-10, 1 - 1e-10])))
        out = np.empty(self.design.n)
        for i in range(self.design.n):
            mu, sigma = self.mu[i], self.sigma[i]
            if fam == "frechet" and float(np.max(sigma)) >= 2.0:
                out[i] = math.inf
                continue

            def cdf(t: np.ndarray, mu: np.ndarray = mu, sigma: np.ndarray = sigma) -> np.ndarray:
                z = (np.log(t)[:, None] - mu[None, :]) / sigma[None, :]
                return np.asarray(np.mean(np.exp(log_cdf(fam, z)), axis=1))

            lower = math.exp(float(np.min(mu + sigma * z_lo)))
            upper = math.exp(min(float(np.max(mu + sigma * z_hi)), 700.0))
            out[i] = crps_from_cdf(cdf, float(y[i]), lower, upper, n=601)
        return out


def baseline(
    name: str, train: EventTable, rows: Sequence[LagCovariates], min_rows: int = 3
) -> Predictive:
    """The baseline ``name`` (one of :data:`BASELINES`) fitted on ``train`` for ``rows``."""
    if name == "lognormal":
        return LogNormalPredictive.fit(train, rows, min_rows)
    return EmpiricalPredictive.fit(train, rows, min_rows, CELLS[name])


# --- baselines -----------------------------------------------------------------------------


def _cell_values(
    train: EventTable,
    rows: Sequence[LagCovariates],
    min_rows: int,
    by: tuple[str, ...] = ("instrument", "stage"),
) -> list[np.ndarray]:
    """Training lags (+0.5 day) of the rows sharing each row's covariates ``by``, with
    fallbacks."""
    obs = [r for r in train.rows if not r.censored and r.lag_days is not None]
    if not obs:
        raise ValueError("no uncensored training rows")
    all_vals = np.array([r.lag_days for r in obs], dtype=np.float64) + 0.5
    out = []
    for cov in rows:
        cell = np.array(
            [
                r.lag_days
                for r in obs
                if all(getattr(r.covariates, k) == getattr(cov, k) for k in by)
            ],
            dtype=np.float64,
        )
        if cell.size >= min_rows:
            out.append(cell + 0.5)
            continue
        stage = np.array(
            [r.lag_days for r in obs if r.covariates.stage == cov.stage], dtype=np.float64
        )
        out.append(stage + 0.5 if stage.size >= min_rows else all_vals)
    return out


@dataclass
class EmpiricalPredictive:
    """Empirical quantiles of lag per cell (default: instrument x stage)."""

    samples: list[np.ndarray]

    @classmethod
    def fit(
        cls,
        train: EventTable,
        rows: Sequence[LagCovariates],
        min_rows: int = 3,
        by: tuple[str, ...] = ("instrument", "stage"),
    ) -> EmpiricalPredictive:
        return cls(_cell_values(train, rows, min_rows, by))

    def quantile(self, q: float) -> np.ndarray:
        return np.array([float(np.quantile(s, q)) for s in self.samples])

    def cdf(self, t: np.ndarray) -> np.ndarray:
        t = np.broadcast_to(np.asarray(t, dtype=np.float64), (len(self.samples),))
        return np.array(
            [
                (np.sum(s < ti) + 0.5 * np.sum(s == ti)) / s.size
                for s, ti in zip(self.samples, t, strict=True)
            ]
        )

    def crps(self, y: np.ndarray) -> np.ndarray:
        return np.array([crps_sample(s, float(yi)) for s, yi in zip(self.samples, y, strict=True)])

    def log_prob(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        lo = np.broadcast_to(np.asarray(lo, dtype=np.float64), (len(self.samples),))
        hi = np.broadcast_to(np.asarray(hi, dtype=np.float64), (len(self.samples),))
        out = np.empty(len(self.samples))
        for i, s in enumerate(self.samples):
            ls = np.log(s)
            h = _silverman(ls)
            with np.errstate(divide="ignore"):
                za = (np.log(lo[i]) - ls) / h
                zb = (np.log(hi[i]) - ls) / h
            lp = log_interval_prob("lognormal", za, zb)
            out[i] = float(special.logsumexp(lp) - math.log(ls.size))
        return out


def _silverman(x: np.ndarray) -> float:
    m = x.size
    sd = float(np.std(x, ddof=1)) if m > 1 else 0.0
    iqr = float(np.subtract(*np.percentile(x, [75, 25]))) / 1.34 if m > 1 else 0.0
    spread = min(sd, iqr) if iqr > 0 else sd
    return float(max(0.9 * spread * m ** (-0.2), 0.25))


@dataclass
class LogNormalPredictive:
    """A log-normal per instrument x stage (moments of ``log(d + 0.5)``)."""

    mu: np.ndarray
    sigma: np.ndarray

    @classmethod
    def fit(
        cls, train: EventTable, rows: Sequence[LagCovariates], min_rows: int = 3
    ) -> LogNormalPredictive:
        vals = _cell_values(train, rows, min_rows)
        mu = np.array([float(np.mean(np.log(v))) for v in vals])
        sigma = np.array(
            [max(float(np.std(np.log(v), ddof=1)) if v.size > 1 else 1.0, 0.05) for v in vals]
        )
        return cls(mu, sigma)

    def quantile(self, q: float) -> np.ndarray:
        return np.asarray(np.exp(self.mu + self.sigma * special.ndtri(q)))

    def cdf(self, t: np.ndarray) -> np.ndarray:
        return np.asarray(special.ndtr((np.log(t) - self.mu) / self.sigma))

    def crps(self, y: np.ndarray) -> np.ndarray:
        return crps_lognormal(self.mu, self.sigma, y)

    def log_prob(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            za = (np.log(np.asarray(lo, dtype=np.float64)) - self.mu) / self.sigma
            zb = (np.log(np.asarray(hi, dtype=np.float64)) - self.mu) / self.sigma
        return log_interval_prob("lognormal", za, zb)
