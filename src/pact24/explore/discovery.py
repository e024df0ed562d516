"""Scenario discovery: in which futures does the 24-hour design fail?

PRIM (the Patient Rule Induction Method, as EMA Workbench implements it) looks for boxes in the
space of uncertain parameters where failure is concentrated. A box is read by three numbers:
*coverage*, the share of all failing futures that lie in it; *density*, the share of the futures
in it that fail; *mass*, the share of all futures in it. The limits of a box, with the
registry's descriptions, become the sentence an analyst reads.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pact24.explore.robustness import family_mix
from pact24.sim.registry import REGISTRY


@dataclass(frozen=True)
class Failure:
    """A future is a failure for ``design`` when the family mix of ``outcome`` is below
    ``below``."""

    design: str = "meloni-24h"
    outcome: str = "p_pledges_ge1_24h"
    below: float = 0.1

    def describe(self) -> str:
        return (
            f"{self.design} fails when {self.outcome}, averaged with equal weight over the "
            f"scenario families, is below {self.below:g}"
        )

    def flags(self, outcomes: pd.DataFrame) -> pd.Series:
        """Per future: whether the design fails there."""
        rows = outcomes[outcomes["design"] == self.design]
        if rows.empty:
            raise ValueError(f"no outcome rows for design {self.design!r}")
        return family_mix(rows, self.outcome)[self.design] < self.below


DEFAULT_FAILURE = Failure()
"""The seed's design fails when, over the family mix, fewer than one attack in ten sees even one
guarantor pledge troops by the 24-hour deadline: the window's promise is a troop answer within
the day, and below one in ten an attacker can plan on none coming. Not the design's own rule
(three pledges): at the registry's ranges that is met by the deadline so rarely that nearly
every future fails it, which leaves PRIM nothing to separate. A stated choice: pass another
:class:`Failure`."""

_UNCERTAIN_SKIP = ("future", "sample")


def discover(
    experiments: pd.DataFrame,
    outcomes: pd.DataFrame,
    failure: Failure = DEFAULT_FAILURE,
    *,
    density: float = 0.8,
    max_boxes: int = 2,
    max_qp: float = 0.05,
    descriptions: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """PRIM boxes of the futures in which ``failure`` holds.

    Each box is the point of PRIM's peeling trajectory with the largest coverage among those of
    at least ``density`` (the densest point when none reaches it): PRIM's last peel is always
    dense but often too small to mean anything. Boxes are found one after another on the futures
    the earlier boxes leave, up to ``max_boxes``; a box PRIM cannot make denser than the rest
    ends the search. A restriction is kept only if its quasi-p-value (EMA Workbench's one-sided
    binomial test that the restriction raises the density) is below ``max_qp``, and coverage,
    density and mass are those of the box of the kept restrictions; a box with none left ends
    the search, so a small sample yields no boxes rather than noise. ``descriptions`` names the
    parameters in the sentence (default: the registry's). No boxes either when no future fails
    or every one does: nothing to separate.
    """
    fails = failure.flags(outcomes)
    x = experiments.set_index("future").loc[fails.index]
    x = x.drop(columns=[c for c in _UNCERTAIN_SKIP if c in x.columns])
    x = x.loc[:, x.nunique() > 1].reset_index(drop=True)
    y = fails.to_numpy()
    if not y.any() or y.all():
        return []
    prim = _prim()
    base = float(y.mean())
    with _quiet():
        search = prim.Prim(x, y, threshold=base, mass_min=0.05)
    found: list[dict[str, Any]] = []
    for _ in range(max_boxes):
        with _quiet():
            box = search.find_box()
        if box is None or len(box.peeling_trajectory) < 2:
            break
        i = _choose(box.peeling_trajectory, density)
        box.select(i)
        limits = {
            n: lim
            for n, lim in _limits(box.box_lims[i], x).items()
            if any(0 <= q < max_qp for q in box.qp[i].get(n, ()))
        }
        if not limits:
            break
        inside = np.ones(len(x), dtype=bool)
        for n, (lo, hi) in limits.items():
            inside &= (x[n] >= lo).to_numpy() & (x[n] <= hi).to_numpy()
        coverage = float(y[inside].sum() / y.sum())
        dens = float(y[inside].mean())
        found.append(
            {
                "coverage": coverage,
                "density": dens,
                "mass": float(inside.mean()),
                "limits": limits,
                "narrative": narrate(
                    failure,
                    limits,
                    coverage,
                    dens,
                    ranges={n: (float(x[n].min()), float(x[n].max())) for n in limits},
                    descriptions=descriptions,
                ),
            }
        )
    return found


def _prim() -> Any:
    """EMA Workbench's PRIM, imported when used (the package takes seconds to import and warns
    about optional parts nobody here uses)."""
    logging.getLogger("EMA").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    return prim


@contextmanager
def _quiet() -> Iterator[None]:
    """EMA Workbench's own deprecation warnings (pandas' ``inplace``) are not the caller's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="ema_workbench")
        yield


def _choose(trajectory: pd.DataFrame, density: float) -> int:
    """The position on the peeling trajectory: most coverage at ``density``, else most dense."""
    dens = trajectory["density"].to_numpy(dtype=float)
    cover = trajectory["coverage"].to_numpy(dtype=float)
    if not (dens >= density).any():
        return int(dens.argmax())
    return int(np.where(dens >= density, cover, -1.0).argmax())


def _limits(lims: pd.DataFrame, x: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The parameters the box restricts, with its (lo, hi); unrestricted ones are left out."""
    out = {}
    for name in x.columns:
        lo, hi = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        if lo > float(x[name].min()) or hi < float(x[name].max()):
            out[name] = (lo, hi)
    return out


def narrate(
    failure: Failure,
    limits: Mapping[str, tuple[float, float]],
    coverage: float,
    density: float,
    *,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> str:
    """The box in one sentence: "<design> fails mostly when ...". ``ranges`` are the sampled
    ranges (default: the registry's), to tell a one-sided limit from a two-sided one."""
    parts = []
    for name, (lo, hi) in limits.items():
        prm = REGISTRY.get(name)
        text = (descriptions or {}).get(name) or (prm.description if prm else name)
        unit = f" {prm.unit}" if prm and prm.unit != "1" else ""
        low, high = (ranges or {}).get(name) or ((prm.low, prm.high) if prm else (lo, hi))
        if lo <= low:
            bound = f"at most {hi:.3g}{unit}"
        elif hi >= high:
            bound = f"at least {lo:.3g}{unit}"
        else:
            bound = f"between {lo:.3g} and {hi:.3g}{unit}"
        parts.append(f"{text[0].lower()}{text[1:]} ({name}) is {bound}")
    return (
        f"The {failure.design} design fails mostly when {'; and '.join(parts)}: "
        f"{coverage:.0%} of the failing futures lie there, and {density:.0%} of the futures "
        f"there fail ({failure.describe()})."
    )
