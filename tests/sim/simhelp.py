"""Helpers for the simulator's tests: cached setups and standard-error-based comparisons.

Stochastic assertions follow one rule: a fixed seed, a few hundred runs, and a tolerance derived
from the standard error. ``assert_greater(a, b)`` checks that ``mean(a) - mean(b)`` exceeds
``Z`` standard errors of the difference (a one-sided test at about 1 in 1,000); ``assert_near``
checks that an estimate lies within ``Z`` standard errors of a value.

Paired comparisons. Two arms run with the same seed give run ``k`` of each the same generator
(``SeedSequence(seed).spawn``): common random numbers, so the runs of the two arms are paired
and their outcomes correlated. ``paired`` returns the per-run differences of a column and
``assert_greater_paired`` tests their mean against ``Z`` standard errors of that mean: the same
one-sided standard as ``assert_greater``, whose standard error ignores the pairing and is far
larger (0.8 correlation: about half the z), so the same power needs several times fewer runs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from pact24.designs import Design, resolve_design
from pact24.sim.reference import Setup, prepare, run_many

Z = 3.0


def sure_attack(family: str) -> dict[str, float]:
    """Overrides under which a run is one crisis and the adversary always attacks with
    ``family`` (so crisis columns are measured on every run)."""
    return {
        "campaign.opportunities": 1.0,
        "campaign.salami_opportunities": 2.0,
        f"adversary.gain.{family}": 3.0,
        "adversary.cost_of_response": 0.5,
        "adversary.choice_noise": 0.05,
    }


@cache
def design(name: str) -> Design:
    return resolve_design(name)


def setup(name: str | Design, scenario: str, **overrides: float) -> Setup:
    d = design(name) if isinstance(name, str) else name
    return prepare(d, scenario, {k.replace("__", "."): v for k, v in overrides.items()})


def rows(
    name: str | Design,
    scenario: str,
    runs: int = 300,
    seed: int = 7,
    overrides: Mapping[str, float] | None = None,
) -> list[dict[str, Any]]:
    d = design(name) if isinstance(name, str) else name
    return run_many(prepare(d, scenario, overrides), runs, seed)


def column(rs: Sequence[Mapping[str, Any]], name: str, attacked_only: bool = True) -> np.ndarray:
    vals = [float(r[name]) for r in rs if r["attacked"] or not attacked_only]
    x = np.asarray(vals, dtype=np.float64)
    return x[np.isfinite(x)]


def paired(
    a: Sequence[Mapping[str, Any]],
    b: Sequence[Mapping[str, Any]],
    name: str,
    attacked_only: bool = True,
) -> np.ndarray:
    """``a[k][name] - b[k][name]`` for every run ``k`` measured in both arms (both attacked,
    unless ``attacked_only`` is false, and both values finite). The arms must be the same runs
    of the same seed."""
    assert len(a) == len(b), (len(a), len(b))
    out = []
    for ra, rb in zip(a, b, strict=True):
        if attacked_only and not (ra["attacked"] and rb["attacked"]):
            continue
        x, y = float(ra[name]), float(rb[name])
        if math.isfinite(x) and math.isfinite(y):
            out.append(x - y)
    return np.asarray(out, dtype=np.float64)


def se_of_mean(x: np.ndarray) -> float:
    if x.size < 2:
        return math.inf
    return float(x.std(ddof=1)) / math.sqrt(x.size)


def assert_greater(a: np.ndarray, b: np.ndarray, what: str = "") -> None:
    """mean(a) > mean(b) by more than Z standard errors of the difference."""
    diff = float(a.mean() - b.mean())
    se = math.hypot(se_of_mean(a), se_of_mean(b))
    # a difference of two constants has se 0: then any positive difference will do
    assert diff > Z * se and diff > 0, (
        f"{what}: expected {a.mean():.4g} (n={a.size}) > {b.mean():.4g} (n={b.size}); "
        f"difference {diff:.4g}, standard error {se:.4g}"
    )


def assert_greater_paired(d: np.ndarray, what: str = "") -> None:
    """The mean of paired differences ``d`` (:func:`paired`) exceeds ``Z`` of its standard
    errors: ``assert_greater``'s one-sided standard, on common random numbers."""
    diff = float(d.mean())
    se = se_of_mean(d)
    assert diff > Z * se and diff > 0, (
        f"{what}: mean paired difference {diff:.4g} (n={d.size}), standard error {se:.4g}"
    )


def assert_moves(a: np.ndarray, b: np.ndarray, what: str = "") -> None:
    """Issue 10's test of a one-line change: mean(a) exceeds mean(b) by more than the
    difference's standard error (two of them here, at a fixed seed)."""
    diff = float(a.mean() - b.mean())
    se = math.hypot(se_of_mean(a), se_of_mean(b))
    assert diff > 2.0 * se, (
        f"{what}: {a.mean():.4g} (n={a.size}) vs {b.mean():.4g} (n={b.size}); "
        f"difference {diff:.4g}, standard error {se:.4g}"
    )


def assert_moves_paired(d: np.ndarray, what: str = "") -> None:
    """:func:`assert_moves` on paired differences ``d`` (:func:`paired`): their mean exceeds
    two of its standard errors."""
    diff = float(d.mean())
    se = se_of_mean(d)
    assert diff > 2.0 * se, (
        f"{what}: mean paired difference {diff:.4g} (n={d.size}), standard error {se:.4g}"
    )


def assert_near(x: np.ndarray, value: float, what: str = "", floor: float = 0.0) -> None:
    """mean(x) within Z standard errors (at least ``floor``) of ``value``."""
    se = se_of_mean(x)
    tol = max(Z * se, floor)
    assert abs(float(x.mean()) - value) <= tol, (
        f"{what}: mean {x.mean():.4g} (n={x.size}, se {se:.3g}) is not within {tol:.3g} of {value}"
    )
