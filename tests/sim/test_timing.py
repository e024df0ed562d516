"""The guarantor timing model: covariates, error families, predictive API and sampling (the
likelihood is tested with calibration, tests/calibrate/test_calibrate_likelihood.py)."""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import pytest
from scipy import stats
from tests.sim.timinghelp import SEED, sample_rows, small_model

from pact24.sim.models.lags import LagSampler, sample_crises
from pact24.sim.models.timing import (
    FAMILIES,
    FEATURES,
    PARAMS,
    LagCovariates,
    TimingModel,
    design_matrix,
    log_cdf,
    log_interval_prob,
    log_pdf,
    log_sf,
    ppf,
    sample_error,
    std_cdf,
)
from pact24.vocab import Instrument, Severity

# scipy equivalents of the standard error distributions
SCIPY = {
    "lognormal": stats.norm(),
    "loglogistic": stats.logistic(),
    "weibull": stats.gumbel_l(),
    "frechet": stats.gumbel_r(),
}


# --- covariates ----------------------------------------------------------------------------


def test_covariates_validate_and_name_the_field() -> None:
    with pytest.raises(ValueError, match="instrument: unknown value 'tanks'"):
        LagCovariates("tanks")
    with pytest.raises(ValueError, match="stage"):
        LagCovariates("troops", stage="later")
    with pytest.raises(ValueError, match="n_deciders"):
        LagCovariates("troops", n_deciders=0)
    with pytest.raises(ValueError, match="n_deciders"):
        LagCovariates("troops", n_deciders=True)
    with pytest.raises(ValueError, match="nuclear_adversary"):
        LagCovariates("troops", nuclear_adversary="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="severity"):
        LagCovariates("troops", severity="extreme")


def test_covariates_accept_str_enums_and_are_frozen() -> None:
    class Instrument(StrEnum):
        TROOPS = "troops"

    cov = LagCovariates(Instrument.TROOPS)
    assert cov == LagCovariates("troops")
    assert type(cov.instrument) is str
    with pytest.raises(AttributeError):
        cov.stage = "delivery"  # type: ignore[misc]


def test_design_matrix_codes_every_level() -> None:
    d = design_matrix(sample_rows())
    assert d.X.shape == (7, len(FEATURES))
    assert list(d.stage) == [0, 1, 0, 0, 1, 0, 0]
    idx = {n: i for i, n in enumerate(FEATURES)}
    # exactly one instrument, commitment and severity column per row
    for prefix in ("instrument[", "commitment[", "severity["):
        cols = [i for n, i in idx.items() if n.startswith(prefix)]
        assert np.all(d.X[:, cols].sum(axis=1) == 1)
    assert d.X[1, idx["log_n_deciders"]] == pytest.approx(math.log(30))
    assert d.X[1, idx["delivery:troops"]] == 1 and d.X[0, idx["delivery:troops"]] == 0
    assert set(d.X[:, idx["stage[delivery]"]]) == {-0.5, 0.5}
    assert design_matrix([]).X.shape == (0, len(FEATURES))


# --- error distributions -------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_error_distribution_matches_scipy(family: str) -> None:
    ref = SCIPY[family]
    z = np.linspace(-6, 6, 49)
    np.testing.assert_allclose(np.exp(log_cdf(family, z)), ref.cdf(z), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(std_cdf(family, z), ref.cdf(z), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_sf(family, z)), ref.sf(z), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(np.exp(log_pdf(family, z)), ref.pdf(z), rtol=1e-9, atol=1e-300)
    q = np.array([0.001, 0.1, 0.5, 0.9, 0.999])
    np.testing.assert_allclose(ppf(family, q), ref.ppf(q), rtol=1e-9)
    draws = sample_error(family, np.random.default_rng(SEED), 20_000)
    assert stats.kstest(draws, ref.cdf).pvalue > 0.001


@pytest.mark.parametrize("family", FAMILIES)
def test_log_interval_prob_is_stable_in_both_tails(family: str) -> None:
    ref = SCIPY[family]
    za = np.array([-np.inf, -3.0, 0.0, 2.0, 5.0, 20.0, -40.0])
    zb = np.array([-2.0, -2.9, 0.1, np.inf, 5.001, 21.0, -39.0])
    got = log_interval_prob(family, za, zb)
    assert np.all(np.isfinite(got) | (got == -np.inf))
    with np.errstate(divide="ignore"):
        want = np.where(
            za > 0,
            np.log(ref.sf(za) - ref.sf(zb)),
            np.log(ref.cdf(zb) - ref.cdf(za)),
        )
    ok = np.isfinite(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-6)
    # far in either tail, where differences of probabilities underflow, the log is still finite
    far = log_interval_prob(family, np.array([30.0, -40.0]), np.array([31.0, -39.0]))
    assert np.all(np.isfinite(far))


# --- the model -----------------------------------------------------------------------------


def test_default_model_loads_and_round_trips() -> None:
    model = TimingModel.default()
    assert model.family in FAMILIES
    assert model.covariance is not None
    again = TimingModel.from_json(model.to_json())
    assert again == model
    np.testing.assert_allclose(again.draws, model.draws)
    assert TimingModel.default() is model  # cached


def test_from_dict_rejects_a_foreign_document() -> None:
    doc = TimingModel.default().to_dict()
    doc["parameters"] = doc["parameters"][:-1]
    with pytest.raises(ValueError, match="missing"):
        TimingModel.from_dict(doc)
    with pytest.raises(ValueError, match="not a timing-parameter document"):
        TimingModel.from_dict({"family": "frechet"})
    with pytest.raises(ValueError, match="not valid JSON"):
        TimingModel.from_json("{nope")


@pytest.mark.parametrize("family", FAMILIES)
def test_quantile_inverts_cdf_and_cdf_is_monotone(family: str) -> None:
    model = small_model(family)
    cov = LagCovariates("troops")
    for q in (0.1, 0.5, 0.9):
        t = model.quantile(cov, q)
        assert float(model.cdf(cov, t)) == pytest.approx(q, abs=1e-6)
    f = model.cdf(cov, np.array([0.1, 1.0, 10.0, 100.0, 1000.0]))
    assert f.shape == (5,)
    assert np.all(np.diff(f) > 0)
    assert model.prob_within(cov) == pytest.approx(float(model.cdf(cov, 1.0)))
    d = design_matrix(sample_rows())
    lp = model.log_prob_batch(d, np.zeros(d.n), np.ones(d.n))
    np.testing.assert_allclose(np.exp(lp), model.cdf_batch(d, 1.0), rtol=1e-9)


def test_sampling_matches_the_predictive_cdf() -> None:
    model = small_model("frechet")
    cov = LagCovariates("troops")
    one = design_matrix([cov])
    a = sample_crises(model, one, np.random.default_rng(SEED), 40_000)[:, 0]
    b = sample_crises(model, one, np.random.default_rng(SEED), 40_000)[:, 0]
    np.testing.assert_array_equal(a, b)  # fixed seed, fixed draws
    for t in (1.0, 7.0, 60.0):
        p = model.prob_within(cov, t)
        se = math.sqrt(p * (1 - p) / a.size)
        assert abs(float(np.mean(a < t)) - p) < 5 * se + 2e-3
    plug = sample_crises(model, one, np.random.default_rng(1), 40_000, parameter_uncertainty=False)[
        :, 0
    ]
    p = model.prob_within(cov, 7.0, parameter_uncertainty=False)
    assert abs(float(np.mean(plug < 7.0)) - p) < 0.012


def test_batch_sampling_shares_the_crisis_effect_within_a_sample() -> None:
    model = small_model("lognormal", tau=1.5)
    d = design_matrix([LagCovariates("troops"), LagCovariates("sanctions")])
    s = sample_crises(model, d, np.random.default_rng(SEED), 20_000)
    assert s.shape == (20_000, 2)
    r = np.corrcoef(np.log(s[:, 0]), np.log(s[:, 1]))[0, 1]
    assert r > 0.3  # shared u: decisions in one crisis move together
    fixed = sample_crises(model, d, np.random.default_rng(SEED), 20_000, new_crisis=False)
    assert abs(np.corrcoef(np.log(fixed[:, 0]), np.log(fixed[:, 1]))[0, 1]) < 0.1
    mu, sigma = model.predictive_params(d)
    assert mu.shape == sigma.shape == (2, model.n_draws)


def test_prob_within_draws_summarise_parameter_uncertainty() -> None:
    model = TimingModel.default()
    cov = LagCovariates("troops")
    draws = model.prob_within_draws(cov)
    assert draws.shape == (model.n_draws,)
    assert np.all((draws >= 0) & (draws <= 1))
    assert float(np.mean(draws)) == pytest.approx(model.prob_within(cov), abs=0.02)


# --- the predictive scale (kappa) ----------------------------------------------------------


def test_predictive_scale_widens_predictions() -> None:
    model = small_model("lognormal")
    wide = model.with_predictive_scale(1.5)
    assert model.predictive_scale == 1.0 and wide.predictive_scale == 1.5
    assert wide.draws is model.draws  # the same fit, the same draws
    cov = LagCovariates("troops")
    # log T - mu = kappa * (u + sigma * eps): every quantile's distance from the median scales
    for pu in (False, True):
        med = math.log(model.quantile(cov, 0.5, parameter_uncertainty=pu))
        med_w = math.log(wide.quantile(cov, 0.5, parameter_uncertainty=pu))
        assert med_w == pytest.approx(med, abs=0.05)
        if not pu:
            for q in (0.1, 0.9):
                dist = math.log(model.quantile(cov, q, parameter_uncertainty=False)) - med
                dist_w = math.log(wide.quantile(cov, q, parameter_uncertainty=False)) - med_w
                assert dist_w == pytest.approx(1.5 * dist, rel=1e-6)
    d = design_matrix(sample_rows())
    mu, sigma = model.predictive_params(d, parameter_uncertainty=False)
    mu_w, sigma_w = wide.predictive_params(d, parameter_uncertainty=False)
    np.testing.assert_allclose(sigma_w, 1.5 * sigma)
    base = d.X @ model.theta[: len(FEATURES)]
    np.testing.assert_allclose(mu_w - base[:, None], 1.5 * (mu - base[:, None]), atol=1e-12)
    draws = wide.prob_within_draws(cov, 3.0)
    assert float(np.mean(draws)) == pytest.approx(wide.prob_within(cov, 3.0), abs=0.02)


def test_sampling_uses_the_predictive_scale() -> None:
    wide = small_model("frechet").with_predictive_scale(1.4)
    cov = LagCovariates("troops")
    a = sample_crises(wide, design_matrix([cov]), np.random.default_rng(SEED), 40_000)[:, 0]
    for t in (1.0, 7.0, 60.0):
        p = wide.prob_within(cov, t)
        se = math.sqrt(p * (1 - p) / a.size)
        assert abs(float(np.mean(a < t)) - p) < 5 * se + 2e-3


def test_predictive_scale_round_trips_and_is_validated() -> None:
    model = small_model("frechet").with_predictive_scale(1.3)
    again = TimingModel.from_json(model.to_json())
    assert again.predictive_scale == 1.3 and again == model
    doc = model.to_dict()
    del doc["predictive_scale"]  # documents written before kappa existed
    assert TimingModel.from_dict(doc).predictive_scale == 1.0
    for bad in (0.0, -1.0, math.nan, math.inf):
        with pytest.raises(ValueError, match="predictive_scale"):
            model.with_predictive_scale(bad)
    # the shipped default carries the nested estimate of kappa (chosen with its family)
    default = TimingModel.default()
    assert default.predictive_scale == default.meta["predictive_scale"]["kappa"]
    assert default.predictive_scale == default.meta["family_selection"]["kappa"]
    assert 0.5 <= default.predictive_scale <= 2.0


def test_the_lag_sampler_applies_the_fitted_framework_effect_and_the_extra_factor() -> None:
    """Designs with a pre-agreed window (``framework=True``) get the timing model's fitted
    ``framework`` effect on decisions and votes, drawn per crisis from the posterior (so it
    averages over its uncertainty); deliveries keep none; ``speedup`` divides those decisions
    further and is not used without a window. The same seed gives the same draws."""
    model = TimingModel.default()
    sampler = LagSampler(
        model,
        (Instrument.TROOPS, Instrument.SANCTIONS),
        "treaty_guarantee",
        nuclear_adversary=True,
    )
    clear = np.array([True, False, True])
    coef = model.draws[:, PARAMS.index("framework")]
    ratios = []
    for seed in range(60):
        base = sampler.draw(np.random.default_rng(seed), Severity.HIGH, clear, False)
        fw = sampler.draw(np.random.default_rng(seed), Severity.HIGH, clear, True)
        k = int(np.random.default_rng(seed).integers(0, model.n_draws))  # the crisis' draw
        # with framework the decision (and vote) lags are e^beta_k[framework] times as long
        np.testing.assert_allclose(fw.decision / base.decision, math.exp(coef[k]), rtol=1e-9)
        np.testing.assert_allclose(fw.vote / base.vote, math.exp(coef[k]), rtol=1e-9)
        np.testing.assert_array_equal(fw.delivery, base.delivery)
        ratios.append(math.exp(coef[k]))
        # the extra factor: divides decisions with a window, unused without one
        fast = sampler.draw(np.random.default_rng(seed), Severity.HIGH, clear, True, 2.0)
        np.testing.assert_allclose(fast.decision, fw.decision / 2.0, rtol=1e-12)
        unused = sampler.draw(np.random.default_rng(seed), Severity.HIGH, clear, False, 2.0)
        np.testing.assert_array_equal(unused.decision, base.decision)
    # the draws vary around the fitted factor (x0.58; they are posterior draws, not one value)
    assert len(set(ratios)) > 50
    assert 0.4 < float(np.median(ratios)) < 0.8
