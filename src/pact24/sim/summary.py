"""Summary statistics of a results table, with confidence intervals.

Proportions (boolean columns) get a Wilson score interval; means get a normal interval from the
standard error (``mean +- z * sd / sqrt(n)``), which is what the tests use too. Crisis columns are
summarised over the runs in which the adversary attacked (they describe a crisis that happened);
campaign columns over every run.

``pledge_table`` puts the outcome vector beside the design's own verdict: P(at least k troop
pledges) at each horizon, and P(honoured), each with its standard error ``sqrt(p(1-p)/n)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from pact24.sim.results import COLUMNS, HONOURED, NO_ATTACK, PLEDGE_HORIZONS

Z95 = float(special.ndtri(0.975))

CAMPAIGN = frozenset(
    {
        "attacked",
        "crises",
        "crises_honoured",
        "territory_at_risk_km2",
        "readiness_cost_eur",
        "posture_years_held",
    }
)
"""Columns summarised over all runs; the others over the runs with an attack."""

SKIP = frozenset({"design", "scenario", "run", "first_family", "incident_kind", "attack_pattern"})


@dataclass(frozen=True, slots=True)
class Stat:
    """One summary line: ``value`` with its interval ``[lo, hi]`` over ``n`` runs."""

    name: str
    kind: str
    """``proportion`` or ``mean``."""
    n: int
    value: float
    lo: float
    hi: float
    over: str
    """``all runs``, ``attacked`` or ``attacked at j`` (opportunity ``j``)."""


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """The proportion and its Wilson score interval."""
    if n == 0:
        return math.nan, math.nan, math.nan
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4 * n * n)) / denom
    return p, max(0.0, centre - half), min(1.0, centre + half)


def mean_ci(
    values: Sequence[float] | np.ndarray, z: float = Z95
) -> tuple[int, float, float, float]:
    """``(n, mean, lo, hi)`` over the finite values (normal interval from the standard error)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    m = float(x.mean())
    if n == 1:
        return 1, m, math.nan, math.nan
    se = float(x.std(ddof=1)) / math.sqrt(n)
    return n, m, m - z * se, m + z * se


def summarise(rows: Sequence[Mapping[str, Any]]) -> list[Stat]:
    """One :class:`Stat` per numeric or boolean column of the results schema."""
    attacked = [r for r in rows if r["attacked"]]
    out: list[Stat] = []
    for c in COLUMNS:
        if c.name in SKIP:
            continue
        pool = rows if c.name in CAMPAIGN else attacked
        over = "all runs" if c.name in CAMPAIGN else "attacked"
        if c.dtype == "bool":
            n = len(pool)
            k = sum(1 for r in pool if r[c.name])
            p, lo, hi = wilson(k, n)
            out.append(Stat(c.name, "proportion", n, p, lo, hi, over))
        else:
            n, m, lo, hi = mean_ci([float(r[c.name]) for r in pool])
            out.append(Stat(c.name, "mean", n, m, lo, hi, over))
    return out + by_opportunity(rows)


def by_opportunity(rows: Sequence[Mapping[str, Any]]) -> list[Stat]:
    """From ``attack_pattern``: P(the adversary attacks at opportunity j) over all runs, and
    P(the guarantee is honoured | it attacked at j), for j = 1 .. the campaign's opportunities.
    Later opportunities show what the adversary learnt from the earlier ones."""
    patterns = [str(r["attack_pattern"]) for r in rows]
    out: list[Stat] = []
    for j in range(max((len(x) for x in patterns), default=0)):
        at = [x[j] for x in patterns if len(x) > j]
        hit = [a for a in at if a != NO_ATTACK]
        p, lo, hi = wilson(len(hit), len(at))
        out.append(Stat(f"attack_at_{j + 1}", "proportion", len(at), p, lo, hi, "all runs"))
        p, lo, hi = wilson(hit.count(HONOURED), len(hit))
        over = f"attacked at {j + 1}"
        out.append(Stat(f"honoured_at_{j + 1}", "proportion", len(hit), p, lo, hi, over))
    return out


PLEDGE_KS: tuple[int, ...] = (1, 3, 5)
"""The ``k`` of P(troop pledges >= k) in the summary."""


@dataclass(frozen=True, slots=True)
class Share:
    """P(``label``) over ``n`` attacked runs, with its standard error."""

    label: str
    n: int
    p: float
    se: float


def share(label: str, hits: int, n: int) -> Share:
    if n == 0:
        return Share(label, 0, math.nan, math.nan)
    p = hits / n
    return Share(label, n, p, math.sqrt(p * (1.0 - p) / n))


def pledge_table(rows: Sequence[Mapping[str, Any]]) -> tuple[Share, list[list[Share]]]:
    """P(honoured), and per horizon (``PLEDGE_HORIZONS``) P(troop pledges >= k) for each k in
    ``PLEDGE_KS``, over the runs with an attack."""
    attacked = [r for r in rows if r["attacked"]]
    n = len(attacked)
    honoured = share("honoured", sum(1 for r in attacked if r["decided"]), n)
    table = [
        [
            share(
                f"pledges_{label} >= {k}",
                sum(1 for r in attacked if r[f"troop_pledges_{label}"] >= k),
                n,
            )
            for k in PLEDGE_KS
        ]
        for label in PLEDGE_HORIZONS
    ]
    return honoured, table
