"""The normal priors the timing model is fitted with, one ``(mean, sd)`` per parameter."""

from __future__ import annotations

import math
from collections.abc import Mapping

from pact24.sim.models.timing.covariates import FEATURES, SCALE_FEATURES
from pact24.sim.models.timing.families import DEFAULT_FAMILY, FAMILIES

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
    commitment, severity and the yes/no covariates (``framework`` included) by ~7 (sd 1.0); a
    tenfold increase in deciders by a factor ~3 (sd 0.5 per e-fold); the escalation rank by
    ~e per e-fold of ``nth_of_kind`` (sd 1.0: the 4th rung up to ~4 times slower or faster
    than the first). The spread of log-lag within a crisis,
    ``sigma * sd(eps)``, is centred on 1.5 with sd 0.5 on the log scale per stage; the crisis
    effect's sd
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
    for name in SCALE_FEATURES:
        prior[name] = (math.log(1.5 / _ERROR_SD[family]), 0.5)
    prior["log_tau[crisis]"] = (math.log(0.5), 0.75)
    return prior


DEFAULT_PRIOR: Mapping[str, tuple[float, float]] = default_prior(DEFAULT_FAMILY)
