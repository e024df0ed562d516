"""The standard error distributions ``eps`` of ``log T = mu + sigma * eps``, one per family.

``lognormal`` (normal), ``loglogistic`` (logistic), ``weibull`` (minimum extreme value) and
``frechet`` (maximum extreme value: right-skewed on the log scale, a Pareto-like tail in days).
Every function is vectorised and stable far in both tails, because the likelihood and the
predictive scores take logs of tail probabilities.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy import special

FloatArray = NDArray[np.float64]

FAMILIES: tuple[str, ...] = ("lognormal", "loglogistic", "weibull", "frechet")
DEFAULT_FAMILY = "lognormal"


def _log1mexp(x: FloatArray) -> FloatArray:
    """``log(1 - exp(x))`` for ``x <= 0``, accurate at both ends."""
    x = np.minimum(x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            x > -math.log(2.0),
            np.log(-np.expm1(x)),
            np.log1p(-np.exp(x)),
        )
    return np.asarray(out, dtype=np.float64)


def log_cdf(family: str, z: FloatArray) -> FloatArray:
    """log F(z) of the standard error distribution."""
    if family == "lognormal":
        return np.asarray(special.log_ndtr(z), dtype=np.float64)
    if family == "loglogistic":
        return np.asarray(-np.logaddexp(0.0, -z), dtype=np.float64)
    if family == "weibull":
        with np.errstate(over="ignore", divide="ignore"):
            ez = np.exp(np.minimum(z, 700.0))
            out = np.where(z < -30.0, z - 0.5 * ez, np.log(-np.expm1(-ez)))
        return np.asarray(out, dtype=np.float64)
    if family == "frechet":
        return log_sf("weibull", -z)
    raise ValueError(f"unknown family {family!r}")


def std_cdf(family: str, z: FloatArray) -> FloatArray:
    """F(z) of the standard error distribution (``exp(log_cdf)``, computed directly: faster)."""
    if family == "lognormal":
        return np.asarray(special.ndtr(z), dtype=np.float64)
    if family == "loglogistic":
        return np.asarray(special.expit(z), dtype=np.float64)
    if family == "weibull":
        with np.errstate(over="ignore"):
            return np.asarray(-np.expm1(-np.exp(np.minimum(z, 700.0))), dtype=np.float64)
    if family == "frechet":
        with np.errstate(over="ignore"):
            return np.asarray(np.exp(-np.exp(np.minimum(-z, 700.0))), dtype=np.float64)
    raise ValueError(f"unknown family {family!r}")


def log_sf(family: str, z: FloatArray) -> FloatArray:
    """log S(z) = log(1 - F(z)) of the standard error distribution."""
    if family == "lognormal":
        return np.asarray(special.log_ndtr(-z), dtype=np.float64)
    if family == "loglogistic":
        return np.asarray(-np.logaddexp(0.0, z), dtype=np.float64)
    if family == "weibull":
        with np.errstate(over="ignore"):
            return np.asarray(-np.exp(np.minimum(z, 700.0)), dtype=np.float64)
    if family == "frechet":
        return log_cdf("weibull", -z)
    raise ValueError(f"unknown family {family!r}")


def log_pdf(family: str, z: FloatArray) -> FloatArray:
    """log f(z) of the standard error distribution (finite ``z`` only)."""
    if family == "lognormal":
        return np.asarray(-0.5 * z * z - 0.5 * math.log(2.0 * math.pi), dtype=np.float64)
    if family == "loglogistic":
        return np.asarray(-z - 2.0 * np.logaddexp(0.0, -z), dtype=np.float64)
    if family == "weibull":
        with np.errstate(over="ignore"):
            return np.asarray(z - np.exp(np.minimum(z, 700.0)), dtype=np.float64)
    if family == "frechet":
        return log_pdf("weibull", -z)
    raise ValueError(f"unknown family {family!r}")


def ppf(family: str, q: FloatArray) -> FloatArray:
    """Quantile function of the standard error distribution."""
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(divide="ignore"):
        if family == "lognormal":
            return np.asarray(special.ndtri(q), dtype=np.float64)
        if family == "loglogistic":
            return np.asarray(np.log(q) - np.log1p(-q), dtype=np.float64)
        if family == "weibull":
            return np.asarray(np.log(-np.log1p(-q)), dtype=np.float64)
        if family == "frechet":
            return np.asarray(-np.log(-np.log(q)), dtype=np.float64)
    raise ValueError(f"unknown family {family!r}")


def sample_error(family: str, rng: np.random.Generator, size: int | tuple[int, ...]) -> FloatArray:
    """Draws of the standard error ``eps``."""
    if family == "lognormal":
        return rng.standard_normal(size)
    if family == "loglogistic":
        return np.asarray(rng.logistic(size=size), dtype=np.float64)
    if family == "weibull":
        return np.asarray(-rng.gumbel(size=size), dtype=np.float64)
    if family == "frechet":
        return np.asarray(rng.gumbel(size=size), dtype=np.float64)
    raise ValueError(f"unknown family {family!r}")


def log_days(days: FloatArray) -> FloatArray:
    """``log(days)``, with ``log 0 = -inf`` (a lower bound of 0 days) and no warning."""
    with np.errstate(divide="ignore"):
        return np.asarray(np.log(days), dtype=np.float64)


def log_interval_prob(family: str, za: FloatArray, zb: FloatArray) -> FloatArray:
    """``log(F(zb) - F(za))`` for ``za <= zb`` (either may be infinite), numerically stable."""
    lfa, lfb = log_cdf(family, za), log_cdf(family, zb)
    lsa, lsb = log_sf(family, za), log_sf(family, zb)
    with np.errstate(invalid="ignore"):
        lower = lfb + _log1mexp(lfa - lfb)
        upper = lsa + _log1mexp(lsb - lsa)
    out = np.where(lsa < lfb, upper, lower)
    # za = -inf: F(zb); zb = +inf: S(za) (avoid inf - inf above)
    out = np.where(np.isneginf(za), lfb, out)
    out = np.where(np.isposinf(zb), lsa, out)
    out = np.where(np.isneginf(za) & np.isposinf(zb), 0.0, out)
    return np.asarray(out, dtype=np.float64)
