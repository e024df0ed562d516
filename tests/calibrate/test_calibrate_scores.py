"""The scores are implemented here; check them against definitions and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from pact24.calibrate.scores import crps_from_cdf, crps_lognormal, crps_sample, interval_score


def test_interval_score_by_hand() -> None:
    lo, hi = np.array([2.0, 2.0, 2.0]), np.array([10.0, 10.0, 10.0])
    y = np.array([5.0, 1.0, 13.0])
    got = interval_score(lo, hi, y, alpha=0.2)
    np.testing.assert_allclose(got, [8.0, 8.0 + 10.0 * 1.0, 8.0 + 10.0 * 3.0])


def test_sample_crps_matches_its_definition() -> None:
    rng = np.random.default_rng(3)
    x = rng.exponential(10, size=25)
    y = 7.0
    brute = np.mean(np.abs(x - y)) - 0.5 * np.mean(np.abs(x[:, None] - x[None, :]))
    assert crps_sample(x, y) == pytest.approx(brute, rel=1e-12)
    assert crps_sample(np.array([3.0]), 5.0) == pytest.approx(2.0)


@pytest.mark.parametrize(("mu", "sigma", "y"), [(1.0, 0.5, 2.0), (2.0, 1.5, 0.7), (0.0, 1.0, 40)])
def test_lognormal_crps_closed_form_numeric_and_monte_carlo(
    mu: float, sigma: float, y: float
) -> None:
    closed = float(crps_lognormal(np.array(mu), np.array(sigma), np.array(y)))

    def cdf(t: np.ndarray) -> np.ndarray:
        return special.ndtr((np.log(t) - mu) / sigma)

    lo, hi = np.exp(mu + sigma * special.ndtri(np.array([1e-10, 1 - 1e-10])))
    numeric = crps_from_cdf(cdf, y, float(lo), float(hi))
    assert numeric == pytest.approx(closed, rel=1e-4)
    rng = np.random.default_rng(11)
    x = np.exp(mu + sigma * rng.standard_normal(4000))
    assert crps_sample(x, y) == pytest.approx(closed, rel=0.05)
