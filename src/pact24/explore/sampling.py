"""Designs of experiments: which futures to simulate, as an experiments table.

SALib samples the unit hypercube, one axis per uncertainty; each axis is then mapped onto its
parameter's range (``Uncertainty.value``), so a log-scaled parameter is spread evenly in its
logarithm while the analyses still see independent inputs in SALib's order.

The experiments table has one row per future: ``future`` (0, 1, ...), ``sample`` (the design
that drew it: ``lhs``, ``sobol``, ...) and one column per uncertain parameter, named as in the
registry. :func:`latin` is for robustness and scenario discovery (a space-filling spread of
futures); :func:`saltelli` for Sobol indices (its rows must stay in SALib's order for
``SALib.analyze.sobol``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from pact24.explore.uncertainties import Uncertainty


def unit_problem(uncertainties: Sequence[Uncertainty]) -> dict[str, Any]:
    """The SALib problem over the unit hypercube (the space the samplers and analyses use)."""
    return {
        "num_vars": len(uncertainties),
        "names": [u.name for u in uncertainties],
        "bounds": [[0.0, 1.0]] * len(uncertainties),
    }


def experiments(
    unit: np.ndarray, uncertainties: Sequence[Uncertainty], sample: str, first: int = 0
) -> pd.DataFrame:
    """The experiments table of unit-hypercube points ``unit`` (one row each), numbered from
    ``first``, every value on its parameter's range."""
    unit = np.clip(np.asarray(unit, dtype=np.float64), 0.0, 1.0)
    if unit.ndim != 2 or unit.shape[1] != len(uncertainties):
        raise ValueError(f"expected {len(uncertainties)} columns, got shape {unit.shape}")
    frame = pd.DataFrame(
        {
            "future": np.arange(first, first + len(unit), dtype=np.int64),
            "sample": pd.Series([sample] * len(unit), dtype="string"),
        }
    )
    for i, u in enumerate(uncertainties):
        frame[u.name] = [u.value(float(x)) for x in unit[:, i]]
    return frame


def latin(uncertainties: Sequence[Uncertainty], n: int, seed: int, first: int = 0) -> pd.DataFrame:
    """``n`` futures by Latin hypercube (``SALib.sample.latin``)."""
    from SALib.sample import latin as salib_latin

    unit = salib_latin.sample(unit_problem(uncertainties), n, seed=seed)
    return experiments(unit, uncertainties, "lhs", first)


def saltelli(
    uncertainties: Sequence[Uncertainty],
    n: int,
    seed: int,
    first: int = 0,
    *,
    second_order: bool = False,
) -> pd.DataFrame:
    """Saltelli's design for Sobol indices (``SALib.sample.sobol``): ``n * (D + 2)`` futures
    (``n * (2D + 2)`` with ``second_order``) for ``D`` uncertainties; ``n`` a power of 2."""
    from SALib.sample import sobol as salib_sobol

    if n < 1 or n & (n - 1):
        raise ValueError(f"a Saltelli design takes a power of 2 base samples, not {n}")
    unit = salib_sobol.sample(
        unit_problem(uncertainties), n, calc_second_order=second_order, seed=seed
    )
    return experiments(unit, uncertainties, "sobol", first)


def concat(*frames: pd.DataFrame) -> pd.DataFrame:
    """Several designs in one table, their futures renumbered 0, 1, ... in the given order."""
    frame = pd.concat(frames, ignore_index=True)
    frame["future"] = np.arange(len(frame), dtype=np.int64)
    return frame
