"""Sensitivity: which assumptions move the answer, screened cheaply and then measured.

Morris screening (elementary effects along random one-at-a-time trajectories) costs
``trajectories * (D + 1)`` evaluations for D parameters, cheap enough for every registry
parameter whose source is an assumption. Those that matter go on to Sobol's variance
decomposition (Saltelli's sampling, ``N * (D + 2)`` evaluations), which says how much of an
outcome's variance each one explains alone (first order, S1) and with its interactions (total
order, ST). Both samples become ordinary experiments tables, so the same ``evaluate`` callback
that runs the sweep runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from pact24.designs.schema import Design
from pact24.explore.api import Evaluate
from pact24.explore.robustness import family_mix
from pact24.explore.uncertainties import assumptions
from pact24.sim.registry import REGISTRY

MAIN_OUTCOMES = ("p_pledges_ge3_24h", "p_pledges_ge3_7d", "p_pledges_ge1_7d", "p_attacked")
"""What Sobol indices are computed for: troop pledges by the 24-hour deadline and by a week
(three guarantors and any one), and deterrence."""

LEVELS = 4
"""Morris grid levels: SALib's default, the usual choice when trajectories are few."""


def problem(names: Sequence[str]) -> dict[str, Any]:
    """SALib's problem: the names and their registry ranges."""
    return {
        "num_vars": len(names),
        "names": list(names),
        "bounds": [[REGISTRY[n].low, REGISTRY[n].high] for n in names],
    }


def experiments_from(x: np.ndarray, names: Sequence[str], sample: str) -> pd.DataFrame:
    """A SALib sample matrix as an experiments table (one future per row)."""
    out = pd.DataFrame(x, columns=list(names))
    out.insert(0, "sample", sample)
    out.insert(0, "future", np.arange(len(out), dtype=np.int64))
    return out


def morris_experiments(names: Sequence[str], trajectories: int, seed: int) -> pd.DataFrame:
    x = morris_sample.sample(problem(names), trajectories, num_levels=LEVELS, seed=seed)
    return experiments_from(x, names, "morris")


def morris_indices(
    experiments: pd.DataFrame,
    y: np.ndarray,
    seed: int,
    *,
    share: float = 0.1,
    most: int = 8,
    noise: float = 0.0,
) -> pd.DataFrame:
    """Morris's mu* (mean absolute elementary effect: the change of the outcome per full range
    of the parameter), its confidence half-width, and sigma, per parameter, largest mu* first.

    ``selected``: mu* at least ``share`` of the largest, and the lower end of its confidence
    interval above ``noise`` (the mu* that Monte Carlo noise alone gives, :func:`noise_floor`;
    0 for an exact model), at most ``most`` parameters; the cap keeps Sobol's cost,
    ``N * (selected + 2)`` evaluations, small.
    """
    names = [c for c in experiments.columns if c not in ("future", "sample")]
    x = experiments[names].to_numpy(dtype=float)
    res = morris_analyze.analyze(
        problem(names), x, np.asarray(y, dtype=float), num_levels=LEVELS, seed=seed
    )
    out = pd.DataFrame(
        {
            "parameter": names,
            "mu_star": np.asarray(res["mu_star"], dtype=float),
            "mu_star_conf": np.asarray(res["mu_star_conf"], dtype=float),
            "sigma": np.asarray(res["sigma"], dtype=float),
        }
    )
    out = out.sort_values("mu_star", ascending=False).reset_index(drop=True)
    top = float(out["mu_star"].max())
    keep = (out["mu_star"] > 0) & (out["mu_star"] >= share * top)
    keep &= out["mu_star"] - out["mu_star_conf"] > noise
    out["selected"] = keep & (out.index < most)
    return out


def noise_floor(outcomes: pd.DataFrame, outcome: str) -> float:
    """The mu* that binomial noise alone gives a probability outcome's family mix.

    The mix over F families of runs-run estimates has variance ``sum p(1 - p) / runs / F^2``; an
    elementary effect is the difference of two independent mixes over the step
    ``delta = LEVELS / (2 (LEVELS - 1))``, and the mean absolute value of a centred normal is
    ``sigma * sqrt(2 / pi)``. Not a probability (no ``p_`` prefix): 0, no floor.
    """
    if not outcome.startswith("p_"):
        return 0.0
    p = outcomes[outcome].to_numpy(dtype=float)
    var = p * (1 - p) / outcomes["runs"].to_numpy(dtype=float)
    per_future = var.mean() / outcomes["family"].nunique()
    delta = LEVELS / (2 * (LEVELS - 1))
    return float(np.sqrt(2 * per_future) * np.sqrt(2 / np.pi) / delta)


def sobol_experiments(names: Sequence[str], n: int, seed: int) -> pd.DataFrame:
    """Saltelli's sample without second-order terms: ``n * (len(names) + 2)`` rows (``n`` a
    power of two, as Sobol sequences need)."""
    x = sobol_sample.sample(problem(names), n, calc_second_order=False, seed=seed)
    return experiments_from(x, names, "sobol")


def sobol_indices(experiments: pd.DataFrame, ys: dict[str, np.ndarray], seed: int) -> pd.DataFrame:
    """First- and total-order Sobol indices with confidence half-widths, per outcome and
    parameter. An outcome that does not vary gets NaN indices: no variance to decompose."""
    names = [c for c in experiments.columns if c not in ("future", "sample")]
    prob = problem(names)
    rows = []
    for outcome, y in ys.items():
        y = np.asarray(y, dtype=float)
        if np.nanstd(y) == 0 or not np.isfinite(y).all():
            res = {k: np.full(len(names), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            res = sobol_analyze.analyze(prob, y, calc_second_order=False, seed=seed)
        for i, name in enumerate(names):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    **{k: float(res[k][i]) for k in ("S1", "S1_conf", "ST", "ST_conf")},
                }
            )
    return pd.DataFrame(rows)


def mixed(outcomes: pd.DataFrame, design: str, outcome: str, futures: int) -> np.ndarray:
    """The family mix of ``outcome`` for ``design`` in futures 0 .. futures-1, in order.

    A crisis outcome is undefined in a future where the adversary attacked in no family (it was
    deterred throughout: 13 of 840 Morris futures in the default run). SALib's Morris and Sobol
    need every point, so such a future takes the mean of the defined ones: the two elementary
    effects (or Saltelli rows) that touch it then say nothing, instead of turning every index
    into NaN. A future with no attack in some families only is mixed over the others.
    """
    s = family_mix(outcomes[outcomes["design"] == design], outcome)[design]
    y = s.reindex(range(futures)).to_numpy(dtype=float, copy=True)
    undefined = np.isnan(y)
    if undefined.any() and not undefined.all():
        y[undefined] = float(np.mean(y[~undefined]))
    return y


def screen(
    evaluate: Evaluate,
    design: Design,
    *,
    trajectories: int,
    runs: int,
    seed: int,
    outcome: str = "p_pledges_ge3_7d",
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Morris screening of ``names`` on ``design``'s ``outcome``; by default every ranged
    assumption but the 0/1 switches (``uncertainties.assumptions``: a switch picks a variant of
    the model and has no range to screen)."""
    exp = morris_experiments(names or [u.name for u in assumptions()], trajectories, seed)
    out = evaluate([design], exp, runs, seed)
    y = mixed(out, design.name, outcome, len(exp))
    return morris_indices(exp, y, seed, noise=noise_floor(out, outcome))


def sobol(
    evaluate: Evaluate,
    design: Design,
    names: Sequence[str],
    *,
    n: int,
    runs: int,
    seed: int,
    outcomes: Sequence[str] = MAIN_OUTCOMES,
) -> pd.DataFrame:
    """Sobol indices of ``outcomes`` for ``design`` over ``names`` (the screen's selection)."""
    exp = sobol_experiments(names, n, seed)
    out = evaluate([design], exp, runs, seed)
    ys = {o: mixed(out, design.name, o, len(exp)) for o in outcomes if o in out.columns}
    return sobol_indices(exp, ys, seed)
