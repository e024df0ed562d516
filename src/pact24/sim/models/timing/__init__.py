"""The guarantor timing model: how many days a guarantor takes to decide, and to deliver.

This is *the* model the simulator samples guarantor lags from (:mod:`pact24.sim.models.lags`),
and the one ``pact24 calibrate`` fits to history (``pact24/data/decision_lags.csv``). There is no
second, side-car regression: the backtest scores exactly this model.

Model (ODD "Details")
---------------------
An accelerated-failure-time (AFT) survival model for the lag ``T`` in days::

    log T = mu(x) + u[crisis] + sigma(z) * eps,    mu(x) = x . beta,    log sigma(z) = z . gamma,
    u ~ Normal(0, tau^2)

``eps`` is a standard error distribution (:mod:`.families`): standard maximum extreme value
(``frechet``: right-skewed on the log scale, so most decisions come fast and a few take very
long), normal (``lognormal``), logistic (``loglogistic``) or minimum extreme value (``weibull``).
The family is part of the fit: ``pact24 calibrate fit`` chooses it between ``lognormal`` and
``weibull`` (the power-law families have no finite mean lag when ``sigma >= 1``), together with
``kappa`` (below), by the log score of an inner leave-one-crisis-out over the crises it is given
(``pact24.calibrate.fit``), so the backtest chooses it per fold without the held-out crisis; the
shipped default's family is whatever that choice gave on the shipped data
(``docs/calibration.md``). :data:`DEFAULT_FAMILY` is only the fallback when there are too few
crises to choose. ``u`` is a crisis effect shared by every decision in one crisis (integrated out
when fitting; drawn once per simulated crisis when sampling). The linear predictor ``x`` holds,
for one decision (:mod:`.covariates`, :data:`FEATURES`):

- an intercept and one effect per instrument, an effect-coded (+-1/2) delivery stage and an
  instrument x delivery interaction per instrument,
- ``log n_deciders`` (how many governments must agree),
- one effect per commitment and per severity, and effect-coded (+-1/2) contested attribution,
  nuclear-armed adversary, required legislative vote and ``framework`` (a standing, pre-agreed
  procedure governed the decision: NATO Art. 4/5, the NRF, a treaty clause with a trigger...),
- ``log nth_of_kind``: the escalation ladder, 0 for the first decision of its kind (actor,
  instrument, stage) in the crisis, ``log n`` for the n-th.

The spread ``sigma`` of a row has its own design ``z`` (:data:`SCALE_FEATURES`): one log scale
per stage. (Issue 11 tried a deviation per instrument and per actor kind too; it made the
leave-one-crisis-out log score worse and was dropped.)

Categorical covariates are coded with one column per level and an exchangeable prior, so a level
with little data shrinks towards the average level, not towards an arbitrary reference (partial
pooling). Every parameter has a normal prior
(:func:`default_prior`). The fit is the posterior mode (MAP) with a Laplace approximation for
uncertainty (``pact24.calibrate``); predictions integrate over parameter uncertainty and over a
new crisis' effect by averaging over ``n_draws`` fixed joint draws (posterior predictive).

Predictive scale ``kappa`` (``predictive_scale``, default 1): every *prediction* (quantiles,
probabilities, samples, ``predictive_params``) uses ``kappa * sigma`` and ``kappa * tau``, i.e.
``log T = mu(x) + kappa * (u + sigma * eps)`` with ``u ~ Normal(0, tau^2)``; the likelihood
(``pact24.calibrate.likelihood``) stays at the fitted parameters. ``pact24 calibrate fit``
estimates ``kappa`` by an inner leave-one-crisis-out over the crises it is given (the fitted
model's intervals are too narrow for a crisis it has not seen), so the backtest, which calls the
same fit per fold, re-estimates it without the held-out crisis.

Data conventions: dates have day precision, so an observed lag of ``d`` days is read as
interval-censored, ``d <= T < d + 1`` (a same-day decision, ``d = 0``, is ``T < 1``: within
24 hours). A right-censored row (no decision in ``c`` observed days) contributes ``log S(c)``.

Public API
----------
- :class:`LagCovariates` (frozen, validated): ``instrument, stage, n_deciders, commitment,
  attribution, severity, nuclear_adversary, legislature_required, framework, nth_of_kind``.
- :func:`design_matrix(rows) -> DesignMatrix` (``X`` of shape ``(n, len(FEATURES))``, ``Z`` of
  shape ``(n, len(SCALE_FEATURES))`` and the stage index per row), for vectorised use.
- :class:`TimingModel` (frozen, :mod:`.model`):

  - ``TimingModel.default()`` (the fit on the shipped data, ``pact24/data/timing_params.json``),
    ``from_json(path_or_text)``, ``to_json()``, ``from_dict``, ``to_dict``;
  - ``cdf(cov, days)``, ``quantile(cov, q)`` for one row, ``prob_within(cov, days=1.0)``
    (P(decision within 24 h) by default) and ``prob_within_draws(cov, days)`` (that probability
    under each posterior draw: its uncertainty);
  - batch versions ``cdf_batch(design, days)``, ``quantile_batch(design, q)``,
    ``log_prob_batch(design, lo, hi)``;
  - ``predictive_params(design)`` -> ``(mu, sigma)`` arrays of shape ``(n, K)`` (column ``k`` =
    one joint draw of parameters and crisis effect) and ``sample_standard_error(rng, size)``:
    what :mod:`pact24.sim.models.lags` samples ``exp(mu[:, k] + sigma[:, k] * eps)`` from (its
    ``sample_crises(model, design, rng, n)`` draws lags for any rows); ``joint_draws()``,
    ``draws``, ``theta``, ``crisis_sd``, ``predictive_scale``, ``with_predictive_scale(k)``,
    ``summary()``.

  Every predictive method takes ``parameter_uncertainty=True`` (mix over the posterior draws;
  ``False``: the posterior mode only) and ``new_crisis=True`` (integrate over a new crisis'
  effect; ``False``: a typical crisis, ``u = 0``).
- :func:`default_prior` and :data:`FAMILIES`; :func:`log_cdf`, :func:`std_cdf`, :func:`log_sf`,
  :func:`log_pdf`, :func:`ppf`, :func:`sample_error` of the standard error distributions and
  :func:`log_interval_prob`. The likelihood with its gradients, which only fitting needs, is in
  :mod:`pact24.calibrate.likelihood`.

Heavy tail: with the ``frechet`` family the upper tail is Pareto-like (index ``1/sigma``); draws
of many years mean "not in any relevant horizon", and the mean lag may be infinite. Use
probabilities and quantiles (``cdf``, ``prob_within``, ``quantile``), not means.
"""

from pact24.sim.models.timing.covariates import (
    ATTRIBUTIONS,
    COMMITMENTS,
    FEATURES,
    INSTRUMENTS,
    PARAMS,
    SCALE_FEATURES,
    SCALE_PARAMS,
    SEVERITIES,
    STAGES,
    DesignMatrix,
    FloatArray,
    IntArray,
    LagCovariates,
    design_matrix,
)
from pact24.sim.models.timing.families import (
    DEFAULT_FAMILY,
    FAMILIES,
    log_cdf,
    log_days,
    log_interval_prob,
    log_pdf,
    log_sf,
    ppf,
    sample_error,
    std_cdf,
)
from pact24.sim.models.timing.model import TimingModel
from pact24.sim.models.timing.prior import DEFAULT_PRIOR, default_prior

__all__ = [
    "ATTRIBUTIONS",
    "COMMITMENTS",
    "DEFAULT_FAMILY",
    "DEFAULT_PRIOR",
    "FAMILIES",
    "FEATURES",
    "INSTRUMENTS",
    "PARAMS",
    "SCALE_FEATURES",
    "SCALE_PARAMS",
    "SEVERITIES",
    "STAGES",
    "DesignMatrix",
    "FloatArray",
    "IntArray",
    "LagCovariates",
    "TimingModel",
    "default_prior",
    "design_matrix",
    "log_cdf",
    "log_days",
    "log_interval_prob",
    "log_pdf",
    "log_sf",
    "ppf",
    "sample_error",
    "std_cdf",
]
