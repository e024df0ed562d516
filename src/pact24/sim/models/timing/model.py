"""The fitted guarantor timing model: its parameters, posterior draws and predictive distribution.

What the simulator samples lags from (through :meth:`TimingModel.predictive_params`, see
:mod:`pact24.sim.models.lags`) and what ``pact24 calibrate`` fits and scores. The likelihood it
is fitted with lives in :mod:`pact24.calibrate.likelihood`: the simulator never needs it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from pact24.sim.models.timing.covariates import (
    FEATURES,
    PARAMS,
    SCALE_FEATURES,
    SCALE_PARAMS,
    DesignMatrix,
    LagCovariates,
    design_matrix,
)
from pact24.sim.models.timing.families import (
    FAMILIES,
    log_cdf,
    log_days,
    log_interval_prob,
    ppf,
    sample_error,
    std_cdf,
)

FloatArray = NDArray[np.float64]

_PARAMS_RESOURCE = "timing_params.json"


@dataclass(frozen=True)
class TimingModel:
    """A fitted guarantor timing model (see :mod:`pact24.sim.models.timing`).

    ``coef`` follows :data:`FEATURES`, ``log_scale`` follows :data:`SCALE_PARAMS`
    (the spread's coefficients, :data:`SCALE_FEATURES`, then ``log tau``), ``covariance``
    (Laplace) follows :data:`PARAMS`;
    ``prior`` is ``(name, mean, sd)`` per parameter. Predictions mix over ``n_draws`` joint
    draws ``(theta_k, u_k)`` of the parameters (Laplace posterior) and of a new crisis' effect
    (stratified normal quantiles times ``tau_k``), made with ``draw_seed``: deterministic.
    ``predictive_scale`` (``kappa`` > 0) multiplies ``sigma`` and ``tau`` in every prediction
    (not in the likelihood, :mod:`pact24.calibrate.likelihood`, which is at the fitted values).
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
        """``(beta (K, p), gamma (K, q), u (K,))``: the ``K = n_draws`` mixture components, with
        the predictive scale applied (``log sigma = Z . gamma + log kappa``, ``u = kappa * tau_k *
        z_k``); ``q = len(SCALE_FEATURES)``.

        ``parameter_uncertainty=False`` keeps every component at the mode; ``new_crisis=False``
        sets the crisis effect ``u`` to 0 (a typical crisis) instead of drawing it.
        """
        th = (
            self.draws if parameter_uncertainty else np.repeat(self.theta[None, :], self.n_draws, 0)
        )
        p = len(FEATURES)
        kappa = self.predictive_scale
        beta = th[:, :p]
        gamma = th[:, p : p + len(SCALE_FEATURES)]
        u = kappa * np.exp(th[:, -1]) * self._crisis_z if new_crisis else np.zeros(self.n_draws)
        return beta, gamma, np.asarray(u, dtype=np.float64)

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
        beta, gamma, u = self.joint_draws(
            parameter_uncertainty=parameter_uncertainty, new_crisis=new_crisis
        )
        mu = design.X @ beta.T + u[None, :]
        sigma = self.predictive_scale * np.exp(design.Z @ gamma.T)
        return np.asarray(mu, dtype=np.float64), np.asarray(sigma, dtype=np.float64)

    def sample_standard_error(
        self, rng: np.random.Generator, size: int | tuple[int, ...]
    ) -> FloatArray:
        """Draws of ``eps`` for this model's family."""
        return sample_error(self.family, rng, size)

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
        z = (log_days(d)[:, None] - mu) / sigma
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
        za = (log_days(a)[:, None] - mu) / sigma
        zb = (log_days(b)[:, None] - mu) / sigma
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
        sigma = kappa * np.exp(th[:, p : p + len(SCALE_FEATURES)] @ cov.scale_features())
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


_DEFAULT_CACHE: list[TimingModel] = []


def _default_model() -> TimingModel:
    if not _DEFAULT_CACHE:
        text = (resources.files("pact24") / "data" / _PARAMS_RESOURCE).read_text()
        _DEFAULT_CACHE.append(TimingModel.from_json(text))
    return _DEFAULT_CACHE[0]
