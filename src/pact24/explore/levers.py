"""What would it take: the levers a negotiator controls, against credibility and yearly cost.

A *variant* is a design with its levers set: window length, k (troop commitments needed),
activation rule, posture (nothing, a pre-authorised QRF of some size, or stationed tripwire
forces) and the coalition of guarantors. Every variant is run against the same sampled futures
with common random numbers (the seed of a future and family does not depend on the design), and
judged on two axes: credibility, the mean over futures and the family mix of
P(at least three troop pledges within a week) (:data:`CREDIBILITY`), and the posture's yearly
cost. The Pareto front is found on a plain grid, not by an evolutionary search (NSGA-II): the
levers are few and discrete, so a grid of a few dozen variants covers the space exhaustively,
and an MOEA's guesses would each cost a full noisy simulation without finding more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from pact24.designs.loader import resolve_design
from pact24.designs.schema import Activation, Design, MinGuarantors, Posture, StationedForce
from pact24.explore.api import Evaluate
from pact24.explore.robustness import DEFAULT_BAR, Bar, family_mix
from pact24.sim.models import posture as posture_model
from pact24.sim.registry import REGISTRY, resolve
from pact24.vocab import PostureKind, ReadinessTier

CREDIBILITY = "p_pledges_ge3_7d"
"""The outcome credibility is measured on by default (mean of its family mix over futures). It
counts pledges, not the design's own rule, so k moves it only through the guarantors' behaviour:
judging variants by ``p_honoured`` would make k = 1 credible by definition."""


@dataclass(frozen=True)
class PostureOption:
    """One setting of the posture lever: a QRF of ``qrf_size`` at very high readiness, or
    ``stationed`` forces (iso3, troops, km behind the line), or neither."""

    qrf_size: int = 0
    stationed: tuple[tuple[str, int, float], ...] = ()

    def posture(self, coalition: Sequence[str]) -> Posture:
        forces = tuple(
            StationedForce(guarantor=iso3, troops=troops, distance_km=km)
            for iso3, troops, km in self.stationed
            if iso3 in coalition
        )
        if self.qrf_size:
            return Posture(
                kind=PostureKind.QRF, readiness=ReadinessTier.VERY_HIGH, size=self.qrf_size
            )
        if forces:
            return Posture(kind=PostureKind.TRIPWIRE, forces=forces)
        return Posture(kind=PostureKind.NONE)


def tripwire_forces() -> tuple[tuple[str, int, float], ...]:
    """The stationed forces of the ``tripwire-presence`` preset, as a posture option reads them."""
    return tuple(
        (f.guarantor, f.troops, f.distance_km)
        for f in resolve_design("tripwire-presence").posture.forces
    )


@dataclass(frozen=True)
class Levers:
    """The grid: every combination of these values is one variant of the base design.

    ``coalitions`` maps a name to the guarantors kept (``None``: all of the base design's);
    ``activations`` are (rule, threshold) pairs.
    """

    windows: tuple[float, ...] = (12.0, 24.0, 72.0)
    ks: tuple[int, ...] = (1, 3)
    activations: tuple[tuple[str, float | None], ...] = (
        ("on_report", None),
        ("on_attribution", 0.8),
        ("on_invocation", 0.5),
    )
    postures: tuple[PostureOption, ...] = (PostureOption(), PostureOption(qrf_size=5000))
    coalitions: Mapping[str, tuple[str, ...] | None] = field(default_factory=lambda: {"all": None})


def no_vote_coalition(base: Design) -> tuple[str, ...]:
    """The guarantors whose legislature need not approve a deployment beforehand: the coalition
    that could answer within a short window."""
    return tuple(g.iso3 for g in base.guarantors if not g.legislature_approval_for_troops)


def default_levers(base: Design) -> Levers:
    """Three windows, k of 1 and 3, activation on report, at 0.8 attribution or on the council's
    invocation once every belief reaches 0.5 (``article5-consensus``'s rule), no posture, a
    5,000-strong QRF or the tripwire preset's stationed forces, and the whole coalition or only
    the states that need no parliamentary vote: 108 variants."""
    return Levers(
        postures=(
            PostureOption(),
            PostureOption(qrf_size=5000),
            PostureOption(stationed=tripwire_forces()),
        ),
        coalitions={"all": None, "no-vote": no_vote_coalition(base)},
    )


def rebuilt(design: Design, **update: Any) -> Design:
    """``design`` with ``update`` applied and validated (``model_copy`` would skip validation);
    reminders that no longer fit the window are dropped."""
    data = {**design.model_dump(), **update}
    window = data["window_hours"]
    data["reminders_hours_before"] = tuple(
        h for h in data["reminders_hours_before"] if window is not None and 0 < h < window
    )
    return Design.model_validate(data)


def _k(design: Design) -> int:
    return design.outcome.k if isinstance(design.outcome, MinGuarantors) else len(design.guarantors)


def variants(base: Design, levers: Levers) -> pd.DataFrame:
    """One row per lever combination that makes a valid design: the lever columns of the
    ``pareto`` table and ``design`` (a :class:`Design` named ``<base>-v<i>``). A k above the
    coalition's size is skipped, not clipped: that design cannot be honoured by construction."""
    rows: list[dict[str, Any]] = []
    combos = product(
        levers.windows, levers.ks, levers.activations, levers.postures, levers.coalitions.items()
    )
    for window, k, (rule, threshold), option, (cname, members) in combos:
        keep = tuple(g.iso3 for g in base.guarantors) if members is None else members
        if k > len(keep):
            continue
        name = f"{base.name}-v{len(rows)}"
        design = rebuilt(
            base,
            name=name,
            window_hours=window,
            activation=Activation(rule=rule, threshold=threshold),  # type: ignore[arg-type]
            outcome=MinGuarantors(rule="min_guarantors", instrument=base.outcome.instrument, k=k),
            guarantors=tuple(g for g in base.guarantors if g.iso3 in keep),
            posture=option.posture(keep),
        )
        rows.append(
            {
                "variant": name,
                "window_hours": window,
                "k": k,
                "activation": rule if threshold is None else f"{rule}@{threshold:g}",
                "qrf_size": design.posture.size or 0,
                "coalition": cname,
                "stationed": sum(f.troops for f in design.posture.forces),
                "design": design,
            }
        )
    return pd.DataFrame(rows)


def yearly_cost(design: Design, experiments: pd.DataFrame) -> float:
    """The posture's yearly cost, averaged over the futures (its cost parameters are uncertain
    too)."""
    costs = [
        posture_model.annual_cost(
            design.posture, resolve({str(k): float(v) for k, v in row.items() if k in REGISTRY})
        )
        for _, row in experiments.iterrows()
    ]
    return float(np.mean(costs))


def pareto_front(credibility: ArrayLike, cost: ArrayLike) -> np.ndarray:
    """Whether each point is on the front: no other point is at least as credible and at most
    as costly, and strictly better on one of the two."""
    c = np.asarray(credibility, dtype=float)
    e = np.asarray(cost, dtype=float)
    better_or_equal = (c[None, :] >= c[:, None]) & (e[None, :] <= e[:, None])
    strictly = (c[None, :] > c[:, None]) | (e[None, :] < e[:, None])
    return np.asarray(~(better_or_equal & strictly).any(axis=1))


def pareto(
    evaluate: Evaluate,
    base: Design,
    experiments: pd.DataFrame,
    *,
    runs: int,
    seed: int,
    levers: Levers | None = None,
    bar: Bar = DEFAULT_BAR,
    credibility: str = CREDIBILITY,
) -> pd.DataFrame:
    """The lever grid on ``base``: credibility, yearly cost, the share of futures meeting
    ``bar`` (robust share) and whether the variant is on the credibility-cost front."""
    table = variants(base, levers or default_levers(base))
    outcomes = evaluate(list(table["design"]), experiments, runs, seed)
    cred = family_mix(outcomes, credibility).mean()
    robust = bar.met(outcomes).mean()
    table["credibility"] = table["variant"].map(cred).astype(float)
    table["cost_eur_per_year"] = [yearly_cost(d, experiments) for d in table["design"]]
    table["robust_share"] = table["variant"].map(robust).astype(float)
    table["on_front"] = pareto_front(table["credibility"], table["cost_eur_per_year"])
    return table.drop(columns="design")


def without(design: Design, iso3: str) -> Design:
    """``design`` without guarantor ``iso3``: its stationed forces go with it (a posture left
    with none stands down), and k is capped at the guarantors left."""
    keep = tuple(g for g in design.guarantors if g.iso3 != iso3)
    forces = tuple(f for f in design.posture.forces if f.guarantor != iso3)
    post = design.posture
    if post.forces and not forces and post.kind in (PostureKind.TRIPWIRE, PostureKind.DMZ):
        post = Posture(kind=PostureKind.NONE)
    elif post.forces:
        post = post.model_copy(update={"forces": forces})
    update: dict[str, Any] = {
        "name": f"{design.name}-no-{iso3.lower()}",
        "guarantors": keep,
        "posture": post,
    }
    if isinstance(design.outcome, MinGuarantors):
        update["outcome"] = design.outcome.model_copy(
            update={"k": min(design.outcome.k, len(keep))}
        )
    return rebuilt(design, **update)


def pivotal(
    evaluate: Evaluate,
    base: Design,
    experiments: pd.DataFrame,
    *,
    runs: int,
    seed: int,
    credibility: str = CREDIBILITY,
) -> pd.DataFrame:
    """Each guarantor's weight: credibility of ``base`` without it, and the change from the whole
    coalition (negative: the state's leaving costs credibility), largest change first."""
    designs = [base, *(without(base, g.iso3) for g in base.guarantors)]
    cred = family_mix(evaluate(designs, experiments, runs, seed), credibility).mean()
    full = float(cred[base.name])
    out = pd.DataFrame(
        {
            "state": [g.iso3 for g in base.guarantors],
            "credibility_without": [float(cred[d.name]) for d in designs[1:]],
        }
    )
    out["delta_credibility"] = out["credibility_without"] - full
    order = out["delta_credibility"].abs().sort_values(ascending=False, kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _default_future() -> pd.DataFrame:
    return pd.DataFrame({"future": [0], "sample": ["default"]})


def _pledges(outcomes: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per design: the family mix of P(pledges >= 3) at 24 h and 7 d, averaged over futures."""
    at = {h: family_mix(outcomes, f"p_pledges_ge3_{h}").mean() for h in ("24h", "7d")}
    return {str(d): {f"p_pledges_ge3_{h}": float(at[h][d]) for h in at} for d in at["24h"].index}


def window_sweep(
    evaluate: Evaluate,
    designs: Sequence[Design],
    windows: Sequence[float],
    *,
    runs: int,
    seed: int,
    experiments: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """P(pledges >= 3) at 24 h and 7 d against window length, per design (at the registry's
    defaults unless ``experiments`` are given). Every window of a design meets the same random
    numbers, so the curve moves with the window, not with noise."""
    exp = _default_future() if experiments is None else experiments
    grid = [
        (d, w, rebuilt(d, name=f"{d.name}-w{i}", window_hours=float(w)))
        for d in designs
        for i, w in enumerate(windows)
    ]
    p = _pledges(evaluate([v for _, _, v in grid], exp, runs, seed))
    return pd.DataFrame(
        [{"design": d.name, "window_hours": float(w), **p[v.name]} for d, w, v in grid]
    )


def speedup_sweep(
    evaluate: Evaluate,
    designs: Sequence[Design],
    speedups: Sequence[float],
    *,
    runs: int,
    seed: int,
) -> pd.DataFrame:
    """P(pledges >= 3) at 24 h and 7 d against ``guarantor.deadline_speedup``, per design, the
    rest at the registry's defaults. Each value is its own evaluation of future 0, so every value
    meets the same random numbers (common random numbers, as across designs)."""
    rows: list[dict[str, Any]] = []
    for s in speedups:
        exp = _default_future().assign(**{"guarantor.deadline_speedup": float(s)})
        p = _pledges(evaluate(list(designs), exp, runs, seed))
        rows.extend({"design": d.name, "deadline_speedup": float(s), **p[d.name]} for d in designs)
    return pd.DataFrame(rows)
