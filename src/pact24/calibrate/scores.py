"""Proper scores for predictive distributions of a lag, implemented here (no scoring library).

- :func:`interval_score` — the Winkler / Gneiting-Raftery interval score of a central
  ``(1 - alpha)`` interval: its width plus ``2/alpha`` times the miss distance.
- :func:`crps_lognormal` — closed-form CRPS of a log-normal (Baran & Lerch 2015).
- :func:`crps_sample` — CRPS of an empirical distribution, ``E|X - y| - E|X - X'| / 2``.
- :func:`crps_from_cdf` — CRPS of any distribution on ``(0, inf)`` given its CDF, by quadrature
  on the log scale (split at the observation, where the integrand jumps).

Lower is better for all three; log scores are handled by each predictive distribution
(``-log P(d <= T < d + 1)`` for an observed day, ``-log S(c)`` for a censored row).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import special


def interval_score(lo: np.ndarray, hi: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    """Winkler interval score of ``[lo, hi]`` at level ``1 - alpha`` for observations ``y``."""
    lo, hi, y = (np.asarray(a, dtype=np.float64) for a in (lo, hi, y))
    return (
        (hi - lo)
        + (2.0 / alpha) * np.clip(lo - y, 0.0, None)
        + (2.0 / alpha) * np.clip(y - hi, 0.0, None)
    )


def crps_lognormal(mu: np.ndarray, sigma: np.ndarray, y: np.ndarray) -> np.ndarray:
    """CRPS of LogNormal(mu, sigma) at ``y > 0``."""
    mu, sigma, y = (np.asarray(a, dtype=np.float64) for a in (mu, sigma, y))
    w = (np.log(y) - mu) / sigma
    out = y * (2.0 * special.ndtr(w) - 1.0) - 2.0 * np.exp(mu + 0.5 * sigma**2) * (
        special.ndtr(w - sigma) + special.ndtr(sigma / math.sqrt(2.0)) - 1.0
    )
    return np.asarray(out, dtype=np.float64)


def crps_sample(sample: np.ndarray, y: float) -> float:
    """CRPS of the empirical distribution of ``sample`` at ``y``."""
    x = np.sort(np.asarray(sample, dtype=np.float64))
    m = x.size
    if m == 0:
        raise ValueError("empty sample")
    term1 = float(np.mean(np.abs(x - y)))
    # E|X - X'| for the empirical distribution via the sorted-sample identity
    i = np.arange(1, m + 1)
    term2 = float(2.0 * np.sum((2 * i - m - 1) * x) / (m * m))
    return term1 - 0.5 * term2


def crps_from_cdf(
    cdf: Callable[[np.ndarray], np.ndarray],
    y: float,
    lower: float,
    upper: float,
    n: int = 801,
) -> float:
    """CRPS ``int_0^inf (F(t) - 1{t >= y})^2 dt`` by Simpson's rule in ``u = log t``.

    ``[lower, upper]`` (days, > 0) should hold almost all the mass (e.g. the 1e-6 and 1 - 1e-6
    quantiles); the mass below ``lower`` adds at most ``lower`` and is included as
    ``lower * F(lower)^2``.
    """
    if not (y > 0 and lower > 0 and upper > lower):
        raise ValueError("need y > 0 and 0 < lower < upper")
    a = math.log(min(lower, y))
    b = math.log(max(upper, y))
    ly = math.log(y)
    total = 0.0
    if ly > a:
        u = np.linspace(a, ly, n)
        t = np.exp(u)
        f = cdf(t)
        total += _simpson(f * f * t, u)
    if b > ly:
        u = np.linspace(ly, b, n)
        t = np.exp(u)
        f = cdf(t)
        total += _simpson((1.0 - f) ** 2 * t, u)
    t0 = math.exp(a)
    total += t0 * float(cdf(np.array([t0]))[0]) ** 2
    return total


def _simpson(fx: np.ndarray, x: np.ndarray) -> float:
    n = x.size
    if n < 3 or n % 2 == 0:
        return float(np.trapezoid(fx, x))
    h = (x[-1] - x[0]) / (n - 1)
    return float(h / 3.0 * (fx[0] + fx[-1] + 4.0 * np.sum(fx[1:-1:2]) + 2.0 * np.sum(fx[2:-1:2])))
