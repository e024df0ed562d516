"""The guarantor timing model: how many days a guarantor takes to decide, and to deliver.

This is *the* model the simulator samples guarantor lags from, and the one ``pact24 calibrate``
fits to history (``pact24/data/decision_lags.csv``). There is no second, side-car regression:
the backtest scores exactly this model.

Model (ODD "Details")
---------------------
An accelerated-failure-time (AFT) survival model for the lag ``T`` in days::

    log T = mu(x) + u[crisis] + sigma[stage] * eps,    mu(x) = x . beta,    u ~ Normal(0, tau^2)

``eps`` is a standard error distribution: standard maximum extreme value (``frechet``:
right-skewed on the log scale, so most decisions come fast and a few take very long), normal
(``lognormal``), logistic (``loglogistic``) or minimum extreme value (``weibull``). The family is
part of the fit: ``pact24 calibrate fit`` chooses it between ``lognormal`` and ``weibull`` (the
power-law families have no finite mean lag when ``sigma >= 1``), together with ``kappa`` (below),
by the log score of an inner
leave-one-crisis-out over the crises it is given (``pact24.calibrate.fit``), so the backtest
chooses it per fold without the held-out crisis; the shipped default's family is whatever that
choice gave on the shipped data (``docs/calibration.md``). :data:`DEFAULT_FAMILY` is only the
fallback when there are too few crises to choose. ``u`` is a
crisis effect shared by every decision in one crisis (integrated out when fitting; drawn once per
simulated crisis when sampling). The linear predictor ``x`` holds, for one decision (see
:data:`FEATURES`):

- an intercept and one effect per instrument, an effect-coded (+-1/2) delivery stage and an
  instrument x delivery interaction per instrument,
- ``log n_deciders`` (how many governments must agree),
- one effect per commitment and per severity, and effect-coded (+-1/2) contested attribution,
  nuclear-armed adversary and required legislative vote.

Categorical covariates are coded with one column per level and an exchangeable prior, so a level
with little data shrinks towards the average level, not towards an arbitrary reference (partial
pooling). ``sigma`` is one scale per stage. Every parameter has a normal prior
(:func:`default_prior`). The fit is the posterior mode (MAP) with a Laplace approximation for
uncertainty (``pact24.calibrate.fit``); predictions integrate over parameter uncertainty and over
a new crisis' effect by averaging over ``n_draws`` fixed joint draws (posterior predictive).

Predictive scale ``kappa`` (``predictive_scale``, default 1): every *prediction* (quantiles,
probabilities, samples, ``predictive_params``) uses ``kappa * sigma`` and ``kappa * tau``, i.e.
``log T = mu(x) + kappa * (u + sigma * eps)`` with ``u ~ Normal(0, tau^2)``; the likelihood
methods (``loglik``, ``loglik_rows``) stay at the fitted parameters. ``pact24 calibrate fit``
estimates ``kappa`` by an inner leave-one-crisis-out over the crises it is given (the fitted
model's intervals are too narrow for a crisis it has not seen), so the backtest, which calls the
same fit per fold, re-estimates it without the held-out crisis.

Data conventions: dates have day precision, so an observed lag of ``d`` days is read as
interval-censored, ``d <= T < d + 1`` (a same-day decision, ``d = 0``, is ``T < 1``: within
24 hours). A right-censored row (no decision in ``c`` observed days) contributes ``log S(c)``.

Public API
----------
- :class:`LagCovariates` (frozen, validated): ``instrument, stage, n_deciders, commitment,
  attribution, severity, nuclear_adversary, legislature_required``.
- :func:`design_matrix(rows) -> DesignMatrix` (``X`` of shape ``(n, len(FEATURES))`` and
  the stage index per row), for vectorised use.
- :class:`TimingModel` (frozen):

  - ``TimingModel.default()`` (the fit on the shipped data, ``pact24/data/timing_params.json``),
    ``from_json(path_or_text)``, ``to_json()``, ``from_dict``, ``to_dict``;
  - ``loglik(design, lag_days, censored, groups=None)`` (crisis effect integrated out) and
    ``loglik_rows(design, lag_days, censored, crisis_effect=0.0)`` at the fitted mode;
  - ``cdf(cov, days)``, ``quantile(cov, q)``, ``sample_days(cov, rng, size)`` for one row,
    ``prob_within(cov, days=1.0)`` (P(decision within 24 h) by default) and
    ``prob_within_draws(cov, days)`` (that probability under each posterior draw: its
    uncertainty);
  - batch versions ``cdf_batch(design, days)``, ``quantile_batch(design, q)``,
    ``log_prob_batch(design, lo, hi)``, ``sample_days_batch(design, rng, n_samples,
    crisis_effect=None)`` -> ``(n_samples, n)``, one simulated crisis per sample (its rows share
    the parameter draw and the crisis effect);
  - ``predictive_params(design)`` -> ``(mu, sigma)`` arrays of shape ``(n, K)`` (column ``k`` =
    one joint draw of parameters and crisis effect) and ``sample_standard_error(rng, size)``, for
    a fast kernel that samples ``exp(mu[:, k] + sigma[:, k] * eps)`` itself; ``joint_draws()``,
    ``draws``, ``theta``, ``crisis_sd``, ``predictive_scale``, ``with_predictive_scale(k)``,
    ``summary()``.

  Every predictive method takes ``parameter_uncertainty=True`` (mix over the posterior draws;
  ``False``: the posterior mode only) and, except sampling, ``new_crisis=True`` (integrate over
  a new crisis' effect; ``False``: a typical crisis, ``u = 0``).
- Low-level pieces for the fitter: :func:`interval_loglik` (rows given the crisis effect) and
  :func:`marginal_loglik` (crisis effect integrated out), both with analytic gradients for any
  parameter vector, :func:`default_prior` and :data:`FAMILIES`; :func:`log_cdf`, :func:`std_cdf`,
  :func:`log_sf`, :func:`ppf` of the standard error distributions.

Heavy tail: with the ``frechet`` family the upper tail is Pareto-like (index ``1/sigma``); draws
of many years mean "not in any relevant horizon", and the mean lag may be infinite. Use
probabilities and quantiles (``cdf``, ``prob_within``, ``quantile``), not means.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INSTRUMENTS: tuple[str, ...] = (
    "sanctions",
    "economic_aid",
    "defence_support",
    "troops",
    "collective_defence",
    "consultation",
)
STAGES: tuple[str, ...] = ("decision", "delivery")
COMMITMENTS: tuple[str, ...] = ("treaty_guarantee", "ally", "partner", "self")
ATTRIBUTIONS: tuple[str, ...] = ("clear", "contested")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")
FAMILIES: tuple[str, ...] = ("lognormal", "loglogistic", "weibull", "frechet")
DEFAULT_FAMILY = "lognormal"

FEATURES: tuple[str, ...] = (
    "intercept",
    *(f"instrument[{i}]" for i in INSTRUMENTS),
    "stage[delivery]",
    *(f"delivery:{i}" for i in INSTRUMENTS),
    "log_n_deciders",
    *(f"commitment[{c}]" for c in COMMITMENTS),
    "attribution[contested]",
    *(f"severity[{s}]" for s in SEVERITIES),
    "nuclear_adversary",
    "legislature_required",
)
SCALE_PARAMS: tuple[str, ...] = (*(f"log_sigma[{s}]" for s in STAGES), "log_tau[crisis]")
PARAMS: tuple[str, ...] = FEATURES + SCALE_PARAMS

_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}

# Standard deviation of the error distribution with unit scale: used to put the scale prior on
# the same footing (the sd of log-lag) whatever the family.
_ERROR_SD = {
    "lognormal": 1.0,
    "loglogistic": math.pi / math.sqrt(3.0),
    "weibull": math.pi / math.sqrt(6.0),
    "frechet": math.pi / math.sqrt(6.0),
}


def default_prior(family: str = DEFAULT_FAMILY) -> dict[str, tuple[float, float]]:
    """Weakly-informative normal priors ``name -> (mean, sd)`` for every parameter.

    Chosen before looking at held-out scores: lags are centred on about a week (intercept
    ``log 7``, sd 2.5, i.e. anything from hours to years), instrument and stage effects may move
    the median by a factor of ~20 (sd 1.5), an instrument x delivery interaction by ~4 (sd 0.75),
    commitment, severity and the yes/no covariates by ~7 (sd 1.0); a tenfold increase in
    deciders by a factor ~3 (sd 0.5 per e-fold). The spread of log-lag within a crisis,
    ``sigma * sd(eps)``, is centred on 1.5 with sd 0.5 on the log scale; the crisis effect's sd
    ``tau`` on 0.5 with sd 0.75 on the log scale (crises differing in overall speed by a factor of
    1.6, give or take a factor of 2).
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; expected one of {', '.join(FAMILIES)}")
    prior: dict[str, tuple[float, float]] = {}
    for name in FEATURES:
        if name == "intercept":
            prior[name] = (math.log(7.0), 2.5)
        elif name.startswith(("instrument[", "stage[")):
            prior[name] = (0.0, 1.5)
        elif name.startswith("delivery:"):
            prior[name] = (0.0, 0.75)
        elif name == "log_n_deciders":
            prior[name] = (0.0, 0.5)
        else:
            prior[name] = (0.0, 1.0)
    for stage in STAGES:
        prior[f"log_sigma[{stage}]"] = (math.log(1.5 / _ERROR_SD[family]), 0.5)
    prior["log_tau[crisis]"] = (math.log(0.5), 0.75)
    return prior


DEFAULT_PRIOR: Mapping[str, tuple[float, float]] = default_prior(DEFAULT_FAMILY)


# --- covariates ----------------------------------------------------------------------------


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    text = str(value)
    if text not in allowed:
        raise ValueError(f"{name}: unknown value {text!r}; expected one of {', '.join(allowed)}")
    return text


@dataclass(frozen=True, slots=True)
class LagCovariates:
    """What the timing of one decision depends on; validated on construction (``ValueError``).

    Defaults describe a single guarantor state under the seed's treaty guarantee facing a clear,
    high-severity attack by a nuclear-armed adversary, with no vote in parliament.
    """

    instrument: str
    stage: str = "decision"
    n_deciders: int = 1
    commitment: str = "treaty_guarantee"
    attribution: str = "clear"
    severity: str = "high"
    nuclear_adversary: bool = True
    legislature_required: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "instrument", _check_choice("instrument", self.instrument, INSTRUMENTS)
        )
        object.__setattr__(self, "stage", _check_choice("stage", self.stage, STAGES))
        object.__setattr__(
            self, "commitment", _check_choice("commitment", self.commitment, COMMITMENTS)
        )
        object.__setattr__(
            self, "attribution", _check_choice("attribution", self.attribution, ATTRIBUTIONS)
        )
        object.__setattr__(self, "severity", _check_choice("severity", self.severity, SEVERITIES))
        n = self.n_deciders
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or int(n) < 1:
            raise ValueError(f"n_deciders: must be an integer >= 1, got {n!r}")
        object.__setattr__(self, "n_deciders", int(n))
        for flag in ("nuclear_adversary", "legislature_required"):
            value = getattr(self, flag)
            if not isinstance(value, bool | np.bool_):
                raise ValueError(f"{flag}: must be a bool, got {value!r}")
            object.__setattr__(self, flag, bool(value))

    def features(self) -> FloatArray:
        """This row of the design matrix (length ``len(FEATURES)``)."""
        x = np.zeros(len(FEATURES), dtype=np.float64)
        x[_FEATURE_INDEX["intercept"]] = 1.0
        x[_FEATURE_INDEX[f"instrument[{self.instrument}]"]] = 1.0
        x[_FEATURE_INDEX["stage[delivery]"]] = 0.5 if self.stage == "delivery" else -0.5
        if self.stage == "delivery":
            x[_FEATURE_INDEX[f"delivery:{self.instrument}"]] = 1.0
        x[_FEATURE_INDEX["log_n_deciders"]] = math.log(self.n_deciders)
        x[_FEATURE_INDEX[f"commitment[{self.commitment}]"]] = 1.0
        x[_FEATURE_INDEX["attribution[contested]"]] = _half(self.attribution == "contested")
        x[_FEATURE_INDEX[f"severity[{self.severity}]"]] = 1.0
        x[_FEATURE_INDEX["nuclear_adversary"]] = _half(self.nuclear_adversary)
        x[_FEATURE_INDEX["legislature_required"]] = _half(self.legislature_required)
        return x


def _half(flag: bool) -> float:
    """Effect coding of a yes/no covariate: +1/2 or -1/2 (the intercept sits in between)."""
    return 0.5 if flag else -0.5


@dataclass(frozen=True, eq=False)
class DesignMatrix:
    """Covariates of ``n`` rows as arrays: ``X`` ``(n, len(FEATURES))`` and ``stage`` ``(n,)``
    (0 = decision, 1 = delivery)."""

    X: FloatArray
    stage: IntArray

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.X.shape[1] != len(FEATURES):
            raise ValueError(f"X must have shape (n, {len(FEATURES)}), got {self.X.shape}")
        if self.stage.shape != (self.X.shape[0],):
            raise ValueError("stage must have one entry per row of X")

    @property
    def n(self) -> int:
        return int(self.X.shape[0])

    def take(self, index: ArrayLike) -> DesignMatrix:
        """The rows at ``index`` (an integer or boolean index array)."""
        idx = np.asarray(index)
        return DesignMatrix(X=self.X[idx], stage=self.stage[idx])


def design_matrix(rows: Sequence[LagCovariates]) -> DesignMatrix:
    """Stack the features of ``rows`` for the vectorised methods of :class:`TimingModel`."""
    if len(rows) == 0:
        return DesignMatrix(
            X=np.zeros((0, len(FEATURES)), dtype=np.float64), stage=np.zeros(0, dtype=np.int64)
        )
    X = np.stack([r.features() for r in rows]).astype(np.float64)
    stage = np.array([STAGES.index(r.stage) for r in rows], dtype=np.int64)
    return DesignMatrix(X=X, stage=stage)


# --- error distributions -------------------------------------------------------------------


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


def _log_days(days: FloatArray) -> FloatArray:
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


def _row_terms(
    family: str, mu: FloatArray, sigma: FloatArray, lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``log P(lo <= T < hi)`` and its derivatives in ``mu`` and ``log sigma`` (broadcasting)."""
    za = (_log_days(lo) - mu) / sigma
    zb = (_log_days(hi) - mu) / sigma
    ll = log_interval_prob(family, za, zb)
    fin_a, fin_b = np.isfinite(za), np.isfinite(zb)
    za0 = np.where(fin_a, za, 0.0)
    zb0 = np.where(fin_b, zb, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        ra = np.where(fin_a, np.exp(log_pdf(family, za0) - ll), 0.0)
        rb = np.where(fin_b, np.exp(log_pdf(family, zb0) - ll), 0.0)
    d_mu = np.asarray(-(rb - ra) / sigma, dtype=np.float64)
    d_logsig = np.asarray(-(rb * zb0 - ra * za0), dtype=np.float64)
    return ll, d_mu, d_logsig


def _split(theta: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    p = len(FEATURES)
    if theta.shape != (len(PARAMS),):
        raise ValueError(f"theta must have {len(PARAMS)} entries, got {theta.shape}")
    return theta[:p], theta[p : p + len(STAGES)], float(theta[-1])


def interval_loglik(
    family: str,
    theta: FloatArray,
    design: DesignMatrix,
    lo: FloatArray,
    hi: FloatArray,
    crisis_effect: float | FloatArray = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Per-row ``log P(lo <= T < hi)`` given the crisis effect ``u``, and the gradient of the sum.

    ``theta`` is ordered as :data:`PARAMS`. ``lo = 0`` makes a row left-censored, ``hi = inf``
    right-censored (its contribution is ``log S(lo)``). The gradient has ``len(PARAMS)``
    entries (zero for ``log_tau``, which this conditional likelihood does not involve).
    """
    beta, log_sigma, _ = _split(theta)
    mu = design.X @ beta + np.asarray(crisis_effect, dtype=np.float64)
    sigma = np.exp(log_sigma[design.stage])
    ll, d_mu, d_logsig = _row_terms(family, mu, sigma, lo, hi)
    grad = np.zeros(len(PARAMS), dtype=np.float64)
    p = len(FEATURES)
    grad[:p] = design.X.T @ d_mu
    for k in range(len(STAGES)):
        grad[p + k] = float(np.sum(d_logsig[design.stage == k]))
    return ll, grad


@lru_cache(maxsize=16)
def _gauss_hermite(n_nodes: int) -> tuple[FloatArray, FloatArray]:
    """Nodes and log-weights for E[f(Z)], Z ~ Normal(0, 1/2) scaled: ``sum w_k f(x_k)/sqrt(pi)``."""
    x, w = np.polynomial.hermite.hermgauss(n_nodes)
    return np.asarray(x, dtype=np.float64), np.asarray(np.log(w) - 0.5 * math.log(math.pi))


def marginal_loglik(
    family: str,
    theta: FloatArray,
    design: DesignMatrix,
    lo: FloatArray,
    hi: FloatArray,
    groups: IntArray,
    n_nodes: int = 96,
) -> tuple[FloatArray, FloatArray]:
    """Log-likelihood per crisis with the shared crisis effect integrated out, and its gradient.

    Rows with the same ``groups`` value (0..G-1) share one ``u ~ Normal(0, tau^2)``; the integral
    is done by ``n_nodes``-point Gauss-Hermite quadrature. Returns ``(ll_groups (G,), grad)``.
    """
    beta, log_sigma, log_tau = _split(theta)
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(groups.max()) + 1 if groups.size else 0
    x, log_w = _gauss_hermite(n_nodes)
    tau = math.exp(log_tau)
    u = math.sqrt(2.0) * tau * x
    mu = (design.X @ beta)[:, None] + u[None, :]
    sigma = np.exp(log_sigma[design.stage])[:, None]
    ll, d_mu, d_logsig = _row_terms(family, mu, sigma, lo[:, None], hi[:, None])
    per_group = np.zeros((n_groups, n_nodes), dtype=np.float64)
    np.add.at(per_group, groups, ll)
    a = log_w[None, :] + per_group
    ll_groups = special.logsumexp(a, axis=1)
    omega = np.exp(a - ll_groups[:, None])[groups]  # (n, K) node weights per row's group
    wd_mu = np.sum(omega * d_mu, axis=1)
    grad = np.empty(len(PARAMS), dtype=np.float64)
    p = len(FEATURES)
    grad[:p] = design.X.T @ wd_mu
    wd_ls = np.sum(omega * d_logsig, axis=1)
    for k in range(len(STAGES)):
        grad[p + k] = float(np.sum(wd_ls[design.stage == k]))
    grad[-1] = float(np.sum(omega * d_mu * u[None, :]))
    return np.asarray(ll_groups, dtype=np.float64), grad


def observation_bounds(lag_days: ArrayLike, censored: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(lo, hi)`` for day-precision lags: ``[d, d+1)`` if observed, ``[c, inf)`` if censored."""
    lag = np.asarray(lag_days, dtype=np.float64)
    cens = np.asarray(censored, dtype=bool)
    if np.any(lag < 0) or not np.all(np.isfinite(lag)):
        raise ValueError("lag_days must be finite and >= 0")
    hi = np.where(cens, np.inf, lag + 1.0)
    return lag.copy(), np.asarray(hi, dtype=np.float64)


# --- the model -----------------------------------------------------------------------------

_PARAMS_RESOURCE = "timing_params.json"


@dataclass(frozen=True)
class TimingModel:
    """A fitted guarantor timing model (see the module docstring).

    ``coef`` follows :data:`FEATURES`, ``log_scale`` follows :data:`SCALE_PARAMS`
    (``log sigma`` per stage, then ``log tau``), ``covariance`` (Laplace) follows :data:`PARAMS`;
    ``prior`` is ``(name, mean, sd)`` per parameter. Predictions mix over ``n_draws`` joint
    draws ``(theta_k, u_k)`` of the parameters (Laplace posterior) and of a new crisis' effect
    (stratified normal quantiles times ``tau_k``), made with ``draw_seed``: deterministic.
    ``predictive_scale`` (``kappa`` > 0) multiplies ``sigma`` and ``tau`` in every prediction
    (not in the likelihood methods).
    """

    family: str
    coef: tuple[float, ...]
    log_scale: tuple[float, ...]
    covariance: tuple[tuple[float, ...], ...] | None = None
    prior: tuple[tuple[str, float, float], ...] = ()
    n_draws: int = 500
    draw_seed: int = 20_240_824
    predictive_scale: float = 1.0
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown family {self.family!r}")
        if len(self.coef) != len(FEATURES):
            raise ValueError(f"coef must have {len(FEATURES)} entries, got {len(self.coef)}")
        if len(self.log_scale) != len(SCALE_PARAMS):
            raise ValueError(f"log_scale must have {len(SCALE_PARAMS)} entries")
        if self.covariance is not None and (
            len(self.covariance) != len(PARAMS)
            or any(len(r) != len(PARAMS) for r in self.covariance)
        ):
            raise ValueError(f"covariance must be {len(PARAMS)} x {len(PARAMS)}")
        if self.n_draws < 2:
            raise ValueError("n_draws must be >= 2")
        k = self.predictive_scale
        if isinstance(k, bool) or not isinstance(k, int | float) or not 0.0 < float(k) < 100.0:
            raise ValueError(f"predictive_scale must be a number in (0, 100), got {k!r}")
        object.__setattr__(self, "predictive_scale", float(k))

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_theta(
        cls,
        family: str,
        theta: ArrayLike,
        covariance: ArrayLike | None = None,
        prior: Mapping[str, tuple[float, float]] | None = None,
        meta: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> TimingModel:
        """Build from a parameter vector ordered as :data:`PARAMS`."""
        t = np.asarray(theta, dtype=np.float64)
        if t.shape != (len(PARAMS),):
            raise ValueError(f"theta must have {len(PARAMS)} entries, got {t.shape}")
        p = len(FEATURES)
        cov = None
        if covariance is not None:
            c = np.asarray(covariance, dtype=np.float64)
            cov = tuple(tuple(float(v) for v in row) for row in c)
        pri = tuple((n, float(m), float(s)) for n, (m, s) in (prior or {}).items())
        return cls(
            family=family,
            coef=tuple(float(v) for v in t[:p]),
            log_scale=tuple(float(v) for v in t[p:]),
            covariance=cov,
            prior=pri,
            meta=dict(meta or {}),
            **kwargs,
        )

    @classmethod
    def default(cls) -> TimingModel:
        """The package default: the fit on the shipped ``decision_lags.csv``."""
        return _default_model()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimingModel:
        """Inverse of :meth:`to_dict`; ``ValueError`` says what is wrong."""
        try:
            family = str(data["family"])
            params = data["parameters"]
            names = [str(p["name"]) for p in params]
            if tuple(names) != PARAMS:
                missing = sorted(set(PARAMS) - set(names))
                extra = sorted(set(names) - set(PARAMS))
                raise ValueError(
                    "parameters do not match this model "
                    f"(missing: {missing}, unknown: {extra}, or out of order)"
                )
            theta = [float(p["mode"]) for p in params]
            cov = data.get("covariance")
            prior = {
                str(p["name"]): (float(p["prior_mean"]), float(p["prior_sd"]))
                for p in params
                if "prior_mean" in p
            }
            return cls.from_theta(
                family,
                theta,
                covariance=cov,
                prior=prior,
                meta=dict(data.get("meta", {})),
                n_draws=int(data.get("n_draws", 500)),
                draw_seed=int(data.get("draw_seed", 20_240_824)),
                predictive_scale=float(data.get("predictive_scale", 1.0)),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a timing-parameter document: missing or bad {exc}") from exc

    @classmethod
    def from_json(cls, source: str | Path) -> TimingModel:
        """Load from a JSON file path or a JSON text."""
        if isinstance(source, Path):
            text = source.read_text()
        elif source.lstrip().startswith("{"):
            text = source
        else:
            text = Path(source).read_text()
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ValueError("not a timing-parameter document: the top level is not an object")
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready document: one entry per parameter with its mode, sd and prior."""
        theta = self.theta
        sd = self.posterior_sd
        prior = {n: (m, s) for n, m, s in self.prior}
        params = []
        for i, name in enumerate(PARAMS):
            entry: dict[str, Any] = {"name": name, "mode": float(theta[i])}
            if sd is not None:
                entry["sd"] = float(sd[i])
            if name in prior:
                entry["prior_mean"], entry["prior_sd"] = prior[name]
            params.append(entry)
        return {
            "model": "pact24 guarantor timing: AFT survival model in days with a crisis effect",
            "family": self.family,
            "n_draws": self.n_draws,
            "draw_seed": self.draw_seed,
            "predictive_scale": self.predictive_scale,
            "parameters": params,
            "covariance": (None if self.covariance is None else [list(r) for r in self.covariance]),
            "meta": dict(self.meta),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    # --- parameters ------------------------------------------------------------------------

    @cached_property
    def theta(self) -> FloatArray:
        """The posterior mode, ordered as :data:`PARAMS`."""
        return np.array(self.coef + self.log_scale, dtype=np.float64)

    @cached_property
    def cov_matrix(self) -> FloatArray | None:
        if self.covariance is None:
            return None
        return np.array(self.covariance, dtype=np.float64)

    @cached_property
    def posterior_sd(self) -> FloatArray | None:
        cov = self.cov_matrix
        if cov is None:
            return None
        return np.asarray(np.sqrt(np.clip(np.diag(cov), 0.0, None)), dtype=np.float64)

    @property
    def crisis_sd(self) -> float:
        """``tau`` at the mode: the sd of a crisis' shared effect on log-lag (as fitted; a
        prediction uses ``predictive_scale * tau``)."""
        return math.exp(self.log_scale[-1])

    def with_predictive_scale(self, kappa: float) -> TimingModel:
        """The same fit with another predictive scale ``kappa`` (same draws)."""
        other = replace(self, predictive_scale=float(kappa))
        # the draws do not depend on kappa: compute them once and share them
        other.__dict__["draws"] = self.draws
        other.__dict__["_crisis_z"] = self._crisis_z
        return other

    @cached_property
    def draws(self) -> FloatArray:
        """``(n_draws, len(PARAMS))`` fixed draws from the Laplace posterior (all at the mode
        when there is no covariance)."""
        cov = self.cov_matrix
        if cov is None:
            return np.repeat(self.theta[None, :], self.n_draws, axis=0)
        vals, vecs = np.linalg.eigh(0.5 * (cov + cov.T))
        root = vecs * np.sqrt(np.clip(vals, 0.0, None))
        rng = np.random.default_rng(self.draw_seed)
        z = rng.standard_normal((self.n_draws, len(PARAMS)))
        return np.asarray(self.theta[None, :] + z @ root.T, dtype=np.float64)

    @cached_property
    def _crisis_z(self) -> FloatArray:
        """Stratified standard-normal quantiles in a fixed random order (one per draw)."""
        rng = np.random.default_rng(self.draw_seed + 1)
        z = special.ndtri((np.arange(self.n_draws) + 0.5) / self.n_draws)
        return np.asarray(rng.permutation(z), dtype=np.float64)

    def joint_draws(
        self, *, parameter_uncertainty: bool = True, new_crisis: bool = True
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``(beta (K, p), log_sigma (K, 2), u (K,))``: the ``K = n_draws`` mixture components,
        with the predictive scale applied (``log_sigma + log kappa``, ``u = kappa * tau_k * z_k``).

        ``parameter_uncertainty=False`` keeps every component at the mode; ``new_crisis=False``
        sets the crisis effect ``u`` to 0 (a typical crisis) instead of drawing it.
        """
        th = (
            self.draws if parameter_uncertainty else np.repeat(self.theta[None, :], self.n_draws, 0)
        )
        p = len(FEATURES)
        kappa = self.predictive_scale
        beta = th[:, :p]
        log_sigma = th[:, p : p + len(STAGES)] + math.log(kappa)
        u = kappa * np.exp(th[:, -1]) * self._crisis_z if new_crisis else np.zeros(self.n_draws)
        return beta, log_sigma, np.asarray(u, dtype=np.float64)

    def predictive_params(
        self,
        design: DesignMatrix,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> tuple[FloatArray, FloatArray]:
        """``(mu, sigma)`` of shape ``(n, K)``: ``log T = mu[:, k] + sigma[:, k] * eps``.

        Column ``k`` is one joint draw of parameters and crisis effect; the predictive
        distribution of a row is the equal-weight mixture over ``k``. Using the same column for
        all rows of one simulated crisis reproduces the correlation within a crisis.
        """
        beta, log_sigma, u = self.joint_draws(
            parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        mu = design.X @ beta.T + u[None, :]
        sigma = np.exp(log_sigma[:, design.stage].T)
        return np.asarray(mu, dtype=np.float64), np.asarray(sigma, dtype=np.float64)

    def sample_standard_error(
        self, rng: np.random.Generator, size: int | tuple[int, ...]
    ) -> FloatArray:
        """Draws of ``eps`` for this model's family."""
        return sample_error(self.family, rng, size)

    # --- likelihood ------------------------------------------------------------------------

    def loglik_rows(
        self,
        design: DesignMatrix,
        lag_days: ArrayLike,
        censored: ArrayLike,
        crisis_effect: float = 0.0,
    ) -> FloatArray:
        """Per-row log-likelihood at the mode given the crisis effect (default 0): an observed
        day ``d`` gives ``log P(d <= T < d + 1)``, a censored row ``log S(c)``."""
        lo, hi = observation_bounds(lag_days, censored)
        ll, _ = interval_loglik(self.family, self.theta, design, lo, hi, crisis_effect)
        return ll

    def loglik(
        self,
        design: DesignMatrix,
        lag_days: ArrayLike,
        censored: ArrayLike,
        groups: ArrayLike | None = None,
    ) -> float:
        """Log-likelihood at the mode, the crisis effect integrated out per group (``groups``:
        one integer per row; ``None``: every row its own crisis)."""
        lo, hi = observation_bounds(lag_days, censored)
        g = np.arange(design.n) if groups is None else group_codes(groups)
        ll, _ = marginal_loglik(self.family, self.theta, design, lo, hi, g)
        return float(np.sum(ll))

    # --- predictive distribution -----------------------------------------------------------

    def cdf_batch(
        self,
        design: DesignMatrix,
        days: ArrayLike,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> FloatArray:
        """P(T < days[i]) for row ``i`` (``days`` broadcasts to ``(n,)``)."""
        mu, sigma = self.predictive_params(
            design, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        d = np.broadcast_to(np.asarray(days, dtype=np.float64), (design.n,))
        z = (_log_days(d)[:, None] - mu) / sigma
        return np.asarray(np.mean(std_cdf(self.family, z), axis=1), dtype=np.float64)

    def log_prob_batch(
        self,
        design: DesignMatrix,
        lo: ArrayLike,
        hi: ArrayLike,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> FloatArray:
        """log P(lo[i] <= T < hi[i]) under the predictive mixture (``hi = inf``: survival)."""
        mu, sigma = self.predictive_params(
            design, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        a = np.broadcast_to(np.asarray(lo, dtype=np.float64), (design.n,))
        b = np.broadcast_to(np.asarray(hi, dtype=np.float64), (design.n,))
        za = (_log_days(a)[:, None] - mu) / sigma
        zb = (_log_days(b)[:, None] - mu) / sigma
        lp = log_interval_prob(self.family, za, zb)
        return np.asarray(special.logsumexp(lp, axis=1) - math.log(mu.shape[1]), dtype=np.float64)

    def quantile_batch(
        self,
        design: DesignMatrix,
        q: float,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> FloatArray:
        """The ``q``-quantile of T (days) per row, by bisection on the mixture CDF (to a
        relative precision of about 1e-10 in days)."""
        if not 0.0 < q < 1.0:
            raise ValueError(f"q must be in (0, 1), got {q}")
        mu, sigma = self.predictive_params(
            design, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        zq = float(ppf(self.family, np.array(q)))
        comp = mu + sigma * zq  # the mixture quantile lies between the components' quantiles
        lo = np.min(comp, axis=1) - 1e-9
        hi = np.max(comp, axis=1) + 1e-9
        for _ in range(50):
            if lo.size == 0 or float(np.max(hi - lo)) < 1e-10:
                break
            mid = 0.5 * (lo + hi)
            f = np.mean(std_cdf(self.family, (mid[:, None] - mu) / sigma), axis=1)
            below = f < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.asarray(np.exp(np.minimum(0.5 * (lo + hi), 700.0)), dtype=np.float64)

    def sample_days_batch(
        self,
        design: DesignMatrix,
        rng: np.random.Generator,
        n_samples: int = 1,
        *,
        parameter_uncertainty: bool = True,
        crisis_effect: ArrayLike | None = None,
    ) -> FloatArray:
        """``(n_samples, n)`` lags in days; each sample is one simulated crisis.

        Per sample: one parameter draw (or the mode) and one crisis effect ``u`` shared by its
        ``n`` rows (drawn as ``kappa * tau * z``; ``crisis_effect``, shape ``(n_samples,)`` or
        scalar, fixes ``u`` instead), then ``T = exp(mu + u + kappa * sigma * eps)`` with
        independent ``eps`` per row (``kappa``: the predictive scale).
        """
        if n_samples < 0:
            raise ValueError("n_samples must be >= 0")
        p = len(FEATURES)
        if parameter_uncertainty:
            pick = rng.integers(0, self.n_draws, size=n_samples)
            th = self.draws[pick]
        else:
            th = np.repeat(self.theta[None, :], n_samples, axis=0)
        kappa = self.predictive_scale
        mu = th[:, :p] @ design.X.T  # (n_samples, n)
        sigma = kappa * np.exp(th[:, p : p + len(STAGES)][:, design.stage])
        if crisis_effect is None:
            u = kappa * np.exp(th[:, -1]) * rng.standard_normal(n_samples)
        else:
            u = np.broadcast_to(np.asarray(crisis_effect, dtype=np.float64), (n_samples,))
        eps = sample_error(self.family, rng, (n_samples, design.n))
        logt = mu + u[:, None] + sigma * eps
        return np.asarray(np.exp(np.minimum(logt, 700.0)), dtype=np.float64)

    # --- one row ---------------------------------------------------------------------------

    def cdf(
        self,
        cov: LagCovariates,
        days: ArrayLike,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> FloatArray:
        """P(T < days) for one covariate row; ``days`` may be a scalar or an array."""
        d = np.asarray(days, dtype=np.float64)
        flat = d.reshape(-1)
        design = design_matrix([cov] * max(flat.size, 1))
        out = self.cdf_batch(
            design, flat, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        return out.reshape(d.shape)

    def prob_within(
        self,
        cov: LagCovariates,
        days: float = 1.0,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> float:
        """P(T < days); with ``days = 1`` the probability of a decision within 24 hours."""
        return float(
            self.cdf(cov, days, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis)
        )

    def quantile(
        self,
        cov: LagCovariates,
        q: float,
        *,
        parameter_uncertainty: bool = True,
        new_crisis: bool = True,
    ) -> float:
        """The ``q``-quantile of T in days for one covariate row."""
        design = design_matrix([cov])
        return float(
            self.quantile_batch(
                design, q, parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
            )[0]
        )

    def sample_days(
        self,
        cov: LagCovariates,
        rng: np.random.Generator,
        size: int = 1,
        *,
        parameter_uncertainty: bool = True,
    ) -> FloatArray:
        """``size`` lags in days for one covariate row, each in its own new crisis."""
        design = design_matrix([cov])
        out = self.sample_days_batch(design, rng, size, parameter_uncertainty=parameter_uncertainty)
        return np.asarray(out[:, 0], dtype=np.float64)

    def prob_within_draws(self, cov: LagCovariates, days: float = 1.0) -> FloatArray:
        """P(T < days) under each posterior draw (crisis effect integrated out by quadrature):
        the spread of these numbers is the parameter uncertainty of that probability."""
        x, w = np.polynomial.hermite.hermgauss(32)
        w = w / math.sqrt(math.pi)
        th = self.draws
        p = len(FEATURES)
        feat = cov.features()
        kappa = self.predictive_scale
        mu = th[:, :p] @ feat
        sigma = kappa * np.exp(th[:, p + STAGES.index(cov.stage)])
        u = math.sqrt(2.0) * kappa * np.exp(th[:, -1])[:, None] * x[None, :]
        z = (math.log(days) - mu[:, None] - u) / sigma[:, None]
        return np.asarray(np.exp(log_cdf(self.family, z)) @ w, dtype=np.float64)

    # --- reporting -------------------------------------------------------------------------

    def summary(self, level: float = 0.9) -> list[dict[str, float | str]]:
        """Per parameter: mode, posterior sd and a central ``level`` interval (Laplace)."""
        z = float(special.ndtri(0.5 + level / 2.0))
        sd = self.posterior_sd
        rows: list[dict[str, float | str]] = []
        for i, name in enumerate(PARAMS):
            mode = float(self.theta[i])
            s = float(sd[i]) if sd is not None else float("nan")
            rows.append(
                {"name": name, "mode": mode, "sd": s, "lo": mode - z * s, "hi": mode + z * s}
            )
        return rows


def group_codes(groups: ArrayLike) -> IntArray:
    """Integer codes 0..G-1 for any labels (first appearance order)."""
    labels = list(np.asarray(groups).tolist())
    codes: dict[object, int] = {}
    return np.array([codes.setdefault(g, len(codes)) for g in labels], dtype=np.int64)


_DEFAULT_CACHE: list[TimingModel] = []


def _default_model() -> TimingModel:
    if not _DEFAULT_CACHE:
        text = (resources.files("pact24") / "data" / _PARAMS_RESOURCE).read_text()
        _DEFAULT_CACHE.append(TimingModel.from_json(text))
    return _DEFAULT_CACHE[0]
