"""An actor-level effect beside the crisis one: an option of the fit, scored, not shipped.

Actors recur across crises (the US, the UK, NATO, the EU, the Security Council), so an actor
effect is crossed with the crisis effect, not nested in it. Integrating both out needs a second
quadrature level over some 20 dimensions; instead the actor effects are coefficients ``b_a`` of
the median with a shared prior ``Normal(0, s_actor^2)``, fitted jointly with the model's
parameters (the crisis effect still integrated out): the posterior mode of the random effect at
a fixed variance, i.e. a penalised (Laplace) fit, whose Hessian gives each ``b_a`` a posterior
sd. ``s_actor`` is not estimated in the fit (a variance at the boundary with 13 recurring actors
is poorly determined); it is chosen on a small grid by the leave-one-crisis-out log score
(:data:`ACTOR_SD_GRID`), as ``kappa`` is.

The actor is :func:`pact24.calibrate.events.actor_key`. Only actors with at least two rows in the
fitted table get a column; the others are pooled into the mean (a lone row's effect is the
crisis effect's or its own noise). At prediction a known actor's effect is ``Normal(b_a, sd_a^2)``
and an unseen one's ``Normal(0, s_actor^2)``, integrated by Gauss-Hermite quadrature over the
model's predictive mixture, so an unseen actor's prediction is wider.

Scored by ``scripts/selection_rules.py --actor``, it made the leave-one-crisis-out log score
worse at every ``s_actor`` of the grid, so the shipped model has no actor effect
(docs/calibration.md, "Structure: what was tried, what was kept").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from pact24.calibrate.laplace import numerical_hessian, prior_arrays
from pact24.calibrate.likelihood import marginal_loglik_offset
from pact24.sim.models.timing import PARAMS, DesignMatrix, TimingModel, default_prior

#: Candidate actor sds (log-days), fixed in advance: a factor of about 1.3, 1.6 and 2.7 per sd.
ACTOR_SD_GRID: tuple[float, ...] = (0.25, 0.5, 1.0)
#: Gauss-Hermite nodes for the crisis effect in the fit (as the inner fits of
#: :mod:`pact24.calibrate.fit`) and for the actor effect in a prediction.
N_NODES = 32
ACTOR_NODES = 12


def actor_columns(actors: Sequence[str]) -> tuple[str, ...]:
    """The actors with at least two rows, sorted: those that get an effect."""
    counts = Counter(actors)
    return tuple(sorted(a for a, n in counts.items() if n >= 2))


def actor_matrix(actors: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    """``(n, len(columns))`` indicators; a row whose actor has no column is all zeros."""
    index = {a: j for j, a in enumerate(columns)}
    out = np.zeros((len(actors), len(columns)), dtype=np.float64)
    for i, a in enumerate(actors):
        if a in index:
            out[i, index[a]] = 1.0
    return out


@dataclass(frozen=True)
class ActorFit:
    """The timing model fitted with actor effects: ``model`` holds the other parameters (its
    covariance the marginal block of the joint Laplace covariance), ``effects`` and
    ``effect_sd`` the posterior mode and sd of each actor of ``columns``."""

    model: TimingModel
    columns: tuple[str, ...]
    effects: np.ndarray
    effect_sd: np.ndarray
    actor_sd: float

    def effect(self, actors: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the mean and sd of its actor's effect (``0, s_actor`` if unseen)."""
        index = {a: j for j, a in enumerate(self.columns)}
        mean = np.array([self.effects[index[a]] if a in index else 0.0 for a in actors])
        sd = np.array([self.effect_sd[index[a]] if a in index else self.actor_sd for a in actors])
        return mean, sd

    def log_prob_batch(
        self,
        design: DesignMatrix,
        actors: Sequence[str],
        lo: np.ndarray,
        hi: np.ndarray,
        kappa: float | None = None,
    ) -> np.ndarray:
        """``log P(lo <= T < hi)`` per row, a new crisis, the actor effect integrated out.

        Shifting the median by ``b`` is scaling the bounds by ``exp(-b)``, so each quadrature
        node is one call of the model's own predictive mixture (at ``kappa``, default its own).
        """
        model = self.model if kappa is None else self.model.with_predictive_scale(kappa)
        mean, sd = self.effect(actors)
        x, w = np.polynomial.hermite.hermgauss(ACTOR_NODES)
        log_w = np.log(w) - 0.5 * math.log(math.pi)
        lp = np.empty((design.n, ACTOR_NODES))
        for k in range(ACTOR_NODES):
            shift = np.exp(-(mean + math.sqrt(2.0) * sd * x[k]))
            lp[:, k] = model.log_prob_batch(design, lo * shift, hi * shift) + log_w[k]
        return np.asarray(special.logsumexp(lp, axis=1), dtype=np.float64)


def fit_actor(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    actors: Sequence[str],
    *,
    actor_sd: float,
    family: str = "lognormal",
    prior: Mapping[str, tuple[float, float]] | None = None,
    start: Mapping[str, float] | None = None,
    theta0: np.ndarray | None = None,
) -> ActorFit:
    """MAP of the model's parameters and the actor effects (prior sd ``actor_sd``), the crisis
    effect integrated out; Laplace covariance from a numerical Hessian. ``theta0`` and ``start``
    (effects by actor) are a warm start. ``actor_sd=0`` fits no actor effect (the model
    without it, through the same code). Uses only the rows given."""
    if actor_sd < 0:
        raise ValueError(f"actor_sd must be >= 0, got {actor_sd}")
    pri = dict(prior) if prior is not None else default_prior(family)
    mean, sd = prior_arrays(pri)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    columns = actor_columns(actors) if actor_sd > 0 else ()
    a_mat = actor_matrix(actors, columns)
    n_par = len(PARAMS)

    def fg(v: np.ndarray) -> tuple[float, np.ndarray]:
        theta, b = v[:n_par], v[n_par:]
        ll, grad, d_off = marginal_loglik_offset(
            family, theta, design, lo, hi, g, a_mat @ b, N_NODES
        )
        r = (theta - mean) / sd
        prec = 1.0 / actor_sd**2 if columns else 0.0
        value = -float(np.sum(ll)) + 0.5 * float(r @ r) + 0.5 * prec * float(b @ b)
        if not math.isfinite(value):
            return 1e300, np.zeros_like(v)
        return value, np.concatenate([-grad + r / sd, -(a_mat.T @ d_off) + prec * b])

    if theta0 is None:
        theta0 = mean.copy()
        obs = np.isfinite(hi)
        theta0[0] = float(np.mean(np.log(0.5 * (lo[obs] + hi[obs]))))
    b0 = np.array([(start or {}).get(a, 0.0) for a in columns])
    res = optimize.minimize(
        fg,
        np.concatenate([theta0, b0]),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 10_000, "maxfun": 20_000, "ftol": 1e-12, "gtol": 1e-6},
    )
    vals, vecs = np.linalg.eigh(numerical_hessian(fg, res.x))
    cov = (vecs / np.clip(vals, 1e-8, None)) @ vecs.T
    model = TimingModel.from_theta(family, res.x[:n_par], covariance=cov[:n_par, :n_par], prior=pri)
    return ActorFit(
        model=model,
        columns=columns,
        effects=np.asarray(res.x[n_par:], dtype=np.float64),
        effect_sd=np.sqrt(np.diag(cov)[n_par:]),
        actor_sd=float(actor_sd),
    )


def loco_log_scores(
    design: DesignMatrix,
    lo: np.ndarray,
    hi: np.ndarray,
    groups: np.ndarray,
    actors: Sequence[str],
    *,
    actor_sd: float,
    kappas: Sequence[float],
    family: str = "lognormal",
    prior: Mapping[str, tuple[float, float]] | None = None,
) -> np.ndarray:
    """``(len(kappas), n)``: each row's log score ``-log P`` when its crisis is predicted by the
    actor fit on the other crises (started at the fit on all the rows given)."""
    g = np.asarray(groups, dtype=np.int64)
    full = fit_actor(design, lo, hi, g, actors, actor_sd=actor_sd, family=family, prior=prior)
    start = dict(zip(full.columns, full.effects, strict=True))
    out = np.empty((len(kappas), design.n))
    for held in range(int(g.max()) + 1):
        test = g == held
        train = ~test
        refit = fit_actor(
            design.take(train),
            lo[train],
            hi[train],
            np.unique(g[train], return_inverse=True)[1],
            [a for a, t in zip(actors, train, strict=True) if t],
            actor_sd=actor_sd,
            family=family,
            prior=prior,
            start=start,
            theta0=full.model.theta,
        )
        held_actors = [a for a, t in zip(actors, test, strict=True) if t]
        for j, kappa in enumerate(kappas):
            out[j, test] = -refit.log_prob_batch(
                design.take(test), held_actors, lo[test], hi[test], kappa
            )
    return out
