"""Robustness: how designs fare across futures, against a bar a user sets and against each other.

A design is judged per future by the *family mix*: an outcome averaged with equal weight over the
scenario families, since nobody knows which way the adversary will attack. The bar is data (a
:class:`Bar`), so a user can ask a stricter or a looser question without touching code. Regret
is RAND's Robust Decision Making measure: how far a design falls short of the best design in the
same future, so a design can be compared in futures where every design does badly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Bar:
    """What "good enough" means: the family mix of ``outcome`` at least ``threshold`` (at most,
    when ``higher_is_better`` is false), over ``families`` (``None``: every family in the table).
    """

    outcome: str = "p_pledges_ge3_7d"
    threshold: float = 0.5
    families: tuple[str, ...] | None = None
    higher_is_better: bool = True

    def describe(self) -> str:
        over = "every scenario family" if self.families is None else ", ".join(self.families)
        sign = ">=" if self.higher_is_better else "<="
        return f"{self.outcome} {sign} {self.threshold:g}, averaged with equal weight over {over}"

    def score(self, outcomes: pd.DataFrame) -> pd.DataFrame:
        """Futures x designs: the family mix of the bar's outcome."""
        return family_mix(outcomes, self.outcome, self.families)

    def met(self, outcomes: pd.DataFrame) -> pd.DataFrame:
        """Futures x designs: whether the design meets the bar in the future."""
        s = self.score(outcomes)
        return s >= self.threshold if self.higher_is_better else s <= self.threshold


DEFAULT_BAR = Bar()
"""At least three guarantors have pledged troops within a week in half the attacks or more, over
the family mix. Three is the seed design's own k; a week rather than 24 h so that the bar asks
whether troops are promised at all, with time for the parliamentary votes a 24-hour window cuts
off; half the attacks is the point below which a defender could not count on the guarantee. A
stated choice, not a finding: pass another :class:`Bar` to ask another question."""


def family_mix(
    outcomes: pd.DataFrame, outcome: str, families: Sequence[str] | None = None
) -> pd.DataFrame:
    """Futures x designs: ``outcome`` averaged with equal weight over ``families`` (all when
    ``None``). Equal weights, not run-weighted: the family mix is a stated prior, not a count."""
    rows = outcomes if families is None else outcomes[outcomes["family"].isin(families)]
    if rows.empty:
        raise ValueError(f"no outcome rows for families {families}")
    per_family = rows.pivot_table(
        index="future", columns=["design", "family"], values=outcome, aggfunc="mean"
    )
    mixed = per_family.T.groupby(level="design").mean().T
    mixed.columns.name = "design"
    return mixed.sort_index()


def regret(score: pd.DataFrame, higher_is_better: bool = True) -> pd.DataFrame:
    """Futures x designs: how far each design falls short of the best design in that future
    (0 for the best; never negative)."""
    if higher_is_better:
        return (-score).add(score.max(axis=1), axis=0)
    return score.sub(score.min(axis=1), axis=0)


def robustness(outcomes: pd.DataFrame, bar: Bar = DEFAULT_BAR) -> pd.DataFrame:
    """Per design: the share of futures meeting ``bar`` and the regret on the bar's outcome
    (mean, max, 90th percentile over futures). ``attrs["bar"]`` holds the bar's definition."""
    score = bar.score(outcomes)
    met = bar.met(outcomes)
    r = regret(score, bar.higher_is_better)
    out = pd.DataFrame(
        {
            "design": score.columns,
            "share_meeting_bar": met.mean().to_numpy(),
            "mean_regret": r.mean().to_numpy(),
            "max_regret": r.max().to_numpy(),
            "p90_regret": r.quantile(0.9).to_numpy(),
        }
    )
    out = out.sort_values(["share_meeting_bar", "mean_regret"], ascending=[False, True])
    out = out.reset_index(drop=True)
    out.attrs["bar"] = bar.describe()
    return out


def ranking_reversal(
    outcomes: pd.DataFrame, outcome: str = "p_pledges_ge3_7d", higher_is_better: bool = True
) -> tuple[float, pd.DataFrame]:
    """How stable the ranking of designs is across futures.

    The consensus ranking orders designs by their family mix of ``outcome`` averaged over all
    futures. A future *reverses* the ranking when some pair of designs is strictly in the other
    order there; the first value returned is the share of futures that do (0: the ranking holds
    everywhere; ties are not reversals). The table gives, for every ordered pair, the share of
    futures in which ``design_a`` strictly beats ``design_b`` plus half the ties.
    """
    score = family_mix(outcomes, outcome)
    if not higher_is_better:
        score = -score
    consensus = score.mean().sort_values(ascending=False).index.tolist()
    values = score[consensus].to_numpy()
    reversed_any = np.zeros(len(score), dtype=bool)
    for i, j in combinations(range(len(consensus)), 2):
        reversed_any |= values[:, j] > values[:, i]
    pairs = []
    for a in consensus:
        for b in consensus:
            if a == b:
                continue
            wins = (score[a] > score[b]).mean() + 0.5 * (score[a] == score[b]).mean()
            pairs.append({"design_a": a, "design_b": b, "p_a_beats_b": float(wins)})
    return float(reversed_any.mean()), pd.DataFrame(pairs)
