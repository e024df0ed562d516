"""Designs of experiments: every future lies in the registry's ranges and the designs keep the
structure their analyses rely on."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pact24.explore.sampling import concat, latin, saltelli
from pact24.explore.uncertainties import UNCERTAINTIES, Uncertainty, assumptions
from pact24.sim.registry import REGISTRY, resolve


def _unit(u: Uncertainty, x: np.ndarray) -> np.ndarray:
    """Where ``x`` lies in ``u``'s range, 0..1 (in the logarithm for a log scale)."""
    lo, hi = u.parameter.low, u.parameter.high
    if u.log:
        x, lo, hi = np.log(x), math.log(lo), math.log(hi)
    where: np.ndarray = (x - lo) / (hi - lo)
    return where


def test_latin_hypercube_fills_each_stratum_of_each_range_once() -> None:
    n = 20
    frame = latin(UNCERTAINTIES, n, seed=3)
    assert list(frame["future"]) == list(range(n))
    assert set(frame["sample"]) == {"lhs"}
    for u in UNCERTAINTIES:
        x = frame[u.name].to_numpy()
        assert (x >= u.parameter.low).all() and (x <= u.parameter.high).all(), u.name
        strata = np.floor(_unit(u, x) * n).astype(int)
        assert sorted(strata) == list(range(n)), u.name
    resolve(frame.drop(columns=["future", "sample"]).iloc[0].to_dict())  # the registry accepts it


def test_saltelli_design_has_its_size_and_stays_in_range() -> None:
    chosen = UNCERTAINTIES[:4]
    frame = saltelli(chosen, 8, seed=1, first=5)
    assert len(frame) == 8 * (len(chosen) + 2)
    assert list(frame["future"]) == list(range(5, 5 + len(frame)))
    for u in chosen:
        x = frame[u.name].to_numpy()
        assert (x >= u.parameter.low).all() and (x <= u.parameter.high).all(), u.name
    with pytest.raises(ValueError, match="power of 2"):
        saltelli(chosen, 6, seed=1)


def test_same_seed_same_futures_and_concat_renumbers() -> None:
    a, b = latin(UNCERTAINTIES, 5, seed=9), latin(UNCERTAINTIES, 5, seed=9)
    assert a.equals(b)
    assert not a.equals(latin(UNCERTAINTIES, 5, seed=10))
    both = concat(a, saltelli(UNCERTAINTIES[:2], 2, seed=9))
    assert list(both["future"]) == list(range(len(both)))
    assert list(both["sample"]) == ["lhs"] * 5 + ["sobol"] * 8


def test_a_log_scale_spreads_evenly_in_the_logarithm() -> None:
    u = next(u for u in UNCERTAINTIES if u.name == "guarantor.deadline_speedup")
    assert u.log
    lo, hi = u.parameter.low, u.parameter.high
    assert u.value(0.0) == pytest.approx(lo)
    assert u.value(1.0) == pytest.approx(hi)
    assert u.value(0.5) == pytest.approx(math.sqrt(lo * hi))


def test_assumptions_are_every_ranged_non_switch_assumption() -> None:
    names = {u.name for u in assumptions()}
    expected = {
        p.name for p in REGISTRY.values() if p.is_assumption and not p.flag and p.high > p.low
    }
    assert names == expected
    assert "adversary.cost_of_response" in names
    assert "scenario.size.overt_invasion" not in names  # sourced, not assumed
    assert "adversary.informed" not in names  # a switch
    assert "adversary.informed" in {u.name for u in assumptions(flags=True)}


def test_an_uncertainty_must_be_a_registry_parameter() -> None:
    with pytest.raises(ValueError, match="not a registry parameter"):
        Uncertainty("guarantor.courage", "no such parameter")
