"""A small timing model and covariate rows shared by the timing and likelihood tests."""

from __future__ import annotations

import math

import numpy as np

from pact24.sim.models.timing import (
    FEATURES,
    PARAMS,
    SCALE_FEATURES,
    LagCovariates,
    TimingModel,
    default_prior,
)

SEED = 20240824


def sample_rows() -> list[LagCovariates]:
    """One row of each instrument, with the covariates varied."""
    return [
        LagCovariates("troops"),
        LagCovariates("troops", stage="delivery", n_deciders=30, commitment="ally"),
        LagCovariates("sanctions", n_deciders=27, attribution="contested", severity="low"),
        LagCovariates("economic_aid", legislature_required=True, nuclear_adversary=False),
        LagCovariates("defence_support", stage="delivery", severity="medium", commitment="self"),
        LagCovariates("collective_defence", commitment="partner"),
        LagCovariates("consultation", n_deciders=2),
    ]


def small_model(family: str = "lognormal", tau: float = 0.5) -> TimingModel:
    """A model with random effects of a known size and a tight covariance."""
    rng = np.random.default_rng(SEED)
    theta = 0.3 * rng.standard_normal(len(PARAMS))
    theta[0] = 1.5
    set_scales(theta, math.log(1.2), math.log(0.8), math.log(tau))
    cov = np.diag(np.full(len(PARAMS), 0.02))
    return TimingModel.from_theta(family, theta, covariance=cov, prior=default_prior(family))


def set_scales(
    theta: np.ndarray, log_sigma_decision: float, log_sigma_delivery: float, log_tau: float
) -> np.ndarray:
    """``theta`` with the spread of each stage and the crisis sd set and no spread deviation
    by instrument or actor kind."""
    p = len(FEATURES)
    theta[p:] = 0.0
    theta[p + SCALE_FEATURES.index("log_sigma[decision]")] = log_sigma_decision
    theta[p + SCALE_FEATURES.index("log_sigma[delivery]")] = log_sigma_delivery
    theta[-1] = log_tau
    return theta
