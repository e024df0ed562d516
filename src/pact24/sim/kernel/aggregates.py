"""Streaming summaries of kernel runs: what ``sim/summary`` reads from a results table, kept as
a few numbers per column so that any number of runs fits in the same memory.

Each block of runs is summarised on its own (:func:`block_summary`, compiled) and the blocks are
merged in block order (:meth:`Aggregates.merge`, Chan et al.'s pairwise update of mean and sum
of squared deviations), so the result depends on the seed and the runs only, never on how the
blocks were grouped into chunks or spread over workers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from pact24.sim import summary
from pact24.sim.kernel import layout
from pact24.sim.results import COLUMNS, PLEDGE_HORIZONS

N_STATS = 4
"""Per column: n (values in the pool), total, mean, M2 (sum of squared deviations)."""

_POOL_ALL = np.array([name in summary.CAMPAIGN for name in layout.NUMERIC])
"""Columns summarised over every run; the others over the runs with an attack."""
_ATTACKED = layout.INDEX["attacked"]
_PLEDGES = np.array([layout.INDEX[f"troop_pledges_{h}"] for h in PLEDGE_HORIZONS])
_KS = np.array(summary.PLEDGE_KS, dtype=np.float64)
_DECIDED = layout.INDEX["decided"]


@njit(cache=True)
def block_summary(
    rows: np.ndarray, pattern: np.ndarray, stats: np.ndarray, pledges: np.ndarray, opps: np.ndarray
) -> None:
    """Summarise one block into ``stats`` [column, N_STATS], ``pledges`` [horizon, k] (attacked
    runs with at least k pledges) and ``opps`` [opportunity, (attacked, honoured)]."""
    n_rows, n_cols = rows.shape
    for c in range(n_cols):
        n = 0
        total = 0.0
        for i in range(n_rows):
            x = rows[i, c]
            if (_POOL_ALL[c] or rows[i, _ATTACKED] != 0.0) and np.isfinite(x):
                n += 1
                total += x
        mean = total / n if n > 0 else 0.0
        m2 = 0.0
        for i in range(n_rows):
            x = rows[i, c]
            if (_POOL_ALL[c] or rows[i, _ATTACKED] != 0.0) and np.isfinite(x):
                m2 += (x - mean) ** 2
        stats[c, 0] = n
        stats[c, 1] = total
        stats[c, 2] = mean
        stats[c, 3] = m2
    pledges[:] = 0
    for i in range(n_rows):
        if rows[i, _ATTACKED] != 0.0:
            for h in range(_PLEDGES.shape[0]):
                for k in range(_KS.shape[0]):
                    if rows[i, _PLEDGES[h]] >= _KS[k]:
                        pledges[h, k] += 1
    opps[:] = 0
    for i in range(n_rows):
        for j in range(pattern.shape[1]):
            if pattern[i, j] != 0:
                opps[j, 0] += 1
                if pattern[i, j] == 1:
                    opps[j, 1] += 1


@dataclass
class Aggregates:
    """The summaries of ``runs`` runs of one design and scenario (fixed size whatever ``runs``)."""

    design: str
    scenario: str
    runs: int
    crises: int
    """Attacks simulated (the benchmark's unit)."""
    stats: np.ndarray
    """[layout.NUMERIC column, N_STATS]."""
    pledges: np.ndarray
    """[PLEDGE_HORIZONS, summary.PLEDGE_KS]: attacked runs with at least k pledges."""
    opportunities: np.ndarray
    """[opportunity, (runs attacked at it, of which honoured)]."""

    @classmethod
    def empty(cls, design: str, scenario: str, opportunities: int) -> Aggregates:
        return cls(
            design,
            scenario,
            0,
            0,
            np.zeros((len(layout.NUMERIC), N_STATS)),
            np.zeros((len(PLEDGE_HORIZONS), len(summary.PLEDGE_KS)), dtype=np.int64),
            np.zeros((opportunities, 2), dtype=np.int64),
        )

    def merge(
        self, runs: int, crises: int, stats: np.ndarray, pledges: np.ndarray, opps: np.ndarray
    ) -> None:
        """Add the summary of the next block (blocks must come in order)."""
        na, nb = self.stats[:, 0], stats[:, 0]
        n = na + nb
        safe = np.where(n > 0, n, 1.0)
        delta = stats[:, 2] - self.stats[:, 2]
        self.stats[:, 3] += stats[:, 3] + delta * delta * na * nb / safe
        self.stats[:, 2] += delta * nb / safe
        self.stats[:, 1] += stats[:, 1]
        self.stats[:, 0] = n
        self.pledges += pledges
        self.opportunities += opps
        self.runs += runs
        self.crises += crises

    def summarise(self) -> list[summary.Stat]:
        """``summary.summarise`` of the runs' table, from the aggregates."""
        out: list[summary.Stat] = []
        attacked = int(self.stats[layout.INDEX["attacked"], 1])
        for c in COLUMNS:
            if c.name in summary.SKIP:
                continue
            n, total, mean, m2 = self.stats[layout.INDEX[c.name]]
            over = "all runs" if c.name in summary.CAMPAIGN else "attacked"
            if c.dtype == "bool":
                pool = self.runs if c.name in summary.CAMPAIGN else attacked
                p, lo, hi = summary.wilson(round(total), pool)
                out.append(summary.Stat(c.name, "proportion", pool, p, lo, hi, over))
                continue
            k = int(n)
            if k == 0:
                out.append(summary.Stat(c.name, "mean", 0, math.nan, math.nan, math.nan, over))
                continue
            if k == 1:
                out.append(summary.Stat(c.name, "mean", 1, mean, math.nan, math.nan, over))
                continue
            half = summary.Z95 * math.sqrt(m2 / (k - 1)) / math.sqrt(k)
            out.append(summary.Stat(c.name, "mean", k, mean, mean - half, mean + half, over))
        for j, (hit, honoured) in enumerate(self.opportunities):
            p, lo, hi = summary.wilson(int(hit), self.runs)
            out.append(
                summary.Stat(f"attack_at_{j + 1}", "proportion", self.runs, p, lo, hi, "all runs")
            )
            p, lo, hi = summary.wilson(int(honoured), int(hit))
            out.append(
                summary.Stat(
                    f"honoured_at_{j + 1}",
                    "proportion",
                    int(hit),
                    p,
                    lo,
                    hi,
                    f"attacked at {j + 1}",
                )
            )
        return out

    def pledge_table(self) -> tuple[summary.Share, list[list[summary.Share]]]:
        """``summary.pledge_table`` of the runs' table, from the aggregates."""
        n = int(self.stats[layout.INDEX["attacked"], 1])
        honoured = summary.share("honoured", round(self.stats[_DECIDED, 1]), n)
        table = [
            [
                summary.share(f"pledges_{label} >= {k}", int(self.pledges[h, j]), n)
                for j, k in enumerate(summary.PLEDGE_KS)
            ]
            for h, label in enumerate(PLEDGE_HORIZONS)
        ]
        return honoured, table
