"""Two-sample tests of one results column: does the kernel's sample come from the same
distribution as the reference's?

- float columns: the share of NaN (a crisis column's "did not happen") by a chi-square test on
  the 2 x 2 table, and the finite values by a two-sample Kolmogorov-Smirnov test (with ties, as
  at 0 or at the horizon, KS is conservative: its false-alarm rate stays under the nominal one);
- bool, int and string columns: the values' counts, values too rare for the reference sample
  (expected count under 5) pooled into one cell (itself merged into the next rarest when still
  too rare), by Fisher's exact test on two cells and a chi-square test of homogeneity on more;
  a chi-square test on cells that expect one or two values would alarm far too often.

Each test gives a p-value; the caller corrects for multiplicity (:func:`holm`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import stats

MIN_EXPECTED = 5.0


def categorical(ref: Sequence[object], ker: Sequence[object]) -> float:
    """p-value of a test that two samples of categories share one distribution: Fisher's exact
    test on two cells, chi-square on more (every cell then expects at least ``MIN_EXPECTED``
    reference values)."""
    a, b = Counter(ref), Counter(ker)
    n_ref = sum(a.values())
    total = n_ref + sum(b.values())

    def expected(cell: tuple[int, int]) -> float:
        return n_ref * (cell[0] + cell[1]) / total

    cells: list[tuple[int, int]] = []
    rest = (0, 0)
    for value in sorted(set(a) | set(b), key=lambda v: -(a[v] + b[v])):
        if expected((a[value], b[value])) >= MIN_EXPECTED:
            cells.append((a[value], b[value]))
        else:
            rest = (rest[0] + a[value], rest[1] + b[value])
    if sum(rest):
        if expected(rest) < MIN_EXPECTED and cells:
            last = cells.pop()
            rest = (rest[0] + last[0], rest[1] + last[1])
        cells.append(rest)
    if len(cells) < 2:
        return 1.0
    table = np.array(cells).T
    if len(cells) == 2:
        return float(stats.fisher_exact(table).pvalue)
    return float(stats.chi2_contingency(table, correction=False).pvalue)


def continuous(ref: np.ndarray, ker: np.ndarray) -> list[float]:
    """p-values for the NaN share and for the finite values of a float column."""
    out = [categorical(np.isnan(ref).tolist(), np.isnan(ker).tolist())]
    x, y = ref[np.isfinite(ref)], ker[np.isfinite(ker)]
    if x.size and y.size:
        out.append(float(stats.ks_2samp(x, y).pvalue))
    return out


def holm(pvalues: Mapping[str, float], alpha: float) -> list[str]:
    """The hypotheses Holm's step-down procedure rejects at family-wise rate ``alpha`` (any
    rejection happens exactly when Bonferroni's would: the smallest p under ``alpha / m``)."""
    order = sorted(pvalues, key=pvalues.__getitem__)
    m = len(order)
    rejected = []
    for i, name in enumerate(order):
        if pvalues[name] > alpha / (m - i):
            break
        rejected.append(name)
    return rejected
