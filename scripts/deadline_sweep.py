"""The deadline's effect: ``meloni-24h`` with its window set to 6 h ... 30 d.

Reproduces the table "The deadline's length" in docs/model.md. Every cell is the preset with only
``window_hours`` changed, run with a fixed seed; P is over the runs in which the adversary
attacked (the crisis columns describe the first crisis), with its standard error
``sqrt(p (1 - p) / n)``. P(pledges >= 3 by 24 h / 7 d) counts guarantors with an unconditional or
met troop commitment 24 h / 7 days after the *attack* (``troop_pledges_24h`` / ``_7d``), whatever
the window's length; P(honoured) is the design's own rule at its close (which, for a window that
opens on attribution, can come days after the attack).

A second table varies ``guarantor.unfinished_commit_prob`` at the preset's 24 hours, and a third
``guarantor.deadline_speedup`` (1 = the timing model's fitted effect of a standing procedure,
other values sweep it): how much the answer hangs on each assumption.

Run: ``.venv/bin/python scripts/deadline_sweep.py [--runs 300] [--seed 2026]`` (a few minutes on
2 cores).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pact24.designs import Design, resolve_design
from pact24.sim.reference import prepare, run_many

WINDOWS: tuple[tuple[str, float], ...] = (
    ("6 h", 6.0),
    ("12 h", 12.0),
    ("24 h", 24.0),
    ("48 h", 48.0),
    ("72 h", 72.0),
    ("7 d", 168.0),
    ("30 d", 720.0),
)
FAMILIES = ("overt_invasion", "hybrid_incursion")
UNFINISHED = (0.0, 0.25, 0.5, 0.75, 1.0)
SPEEDUPS = (0.5, 1.0, 2.0, 5.0, 10.0)


def _p(hits: int, n: int) -> str:
    p = hits / n if n else math.nan
    se = math.sqrt(p * (1.0 - p) / n) if n else math.nan
    return f"{p:.3f} ± {se:.3f}"


def cell(
    design: Design, family: str, runs: int, seed: int, overrides: Mapping[str, float]
) -> dict[str, Any]:
    """P(>= 3 troop pledges by 24 h and 7 d), P(honoured) and the mean troop answers at close."""
    rows = [r for r in run_many(prepare(design, family, overrides), runs, seed) if r["attacked"]]
    n = len(rows)

    def mean(col: str) -> str:
        return f"{sum(float(r[col]) for r in rows) / n:.2f}" if n else "nan"

    return {
        "n": n,
        "p3_24h": _p(sum(1 for r in rows if r["troop_pledges_24h"] >= 3), n),
        "p3_7d": _p(sum(1 for r in rows if r["troop_pledges_7d"] >= 3), n),
        "honoured": _p(sum(1 for r in rows if r["decided"]), n),
        "committed": mean("commits_troops"),
        "conditional": mean("conditional_troops"),
        "declined": mean("declined_troops"),
        "silent": mean("silent_troops"),
    }


_HEAD = (
    "| {label} | family | n | P(pledges ≥ 3 by 24 h) | P(pledges ≥ 3 by 7 d) | P(honoured) | "
    "committed | conditional | declined | silent |\n|---|---|---|---|---|---|---|---|---|---|"
)


def _line(label: str, family: str, c: Mapping[str, Any]) -> str:
    return (
        f"| {label} | {family} | {c['n']} | {c['p3_24h']} | {c['p3_7d']} | {c['honoured']} | "
        f"{c['committed']} | "
        f"{c['conditional']} | {c['declined']} | {c['silent']} |"
    )


def tables(runs: int, seed: int, families: Sequence[str]) -> Iterator[str]:
    """The three tables as markdown, line by line (each cell printed as soon as it is run)."""
    base = resolve_design("meloni-24h")
    yield _HEAD.format(label="window")
    for label, hours in WINDOWS:
        design = base.model_copy(update={"window_hours": hours})
        for family in families:
            yield _line(label, family, cell(design, family, runs, seed, {}))
    yield ""
    yield _HEAD.format(label="unfinished_commit_prob")
    for v in UNFINISHED:
        for family in families:
            c = cell(base, family, runs, seed, {"guarantor.unfinished_commit_prob": v})
            yield _line(f"{v:g}", family, c)
    yield ""
    yield _HEAD.format(label="deadline_speedup")
    for v in SPEEDUPS:
        for family in families:
            c = cell(base, family, runs, seed, {"guarantor.deadline_speedup": v})
            yield _line(f"{v:g}", family, c)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--families", default=",".join(FAMILIES))
    args = ap.parse_args(argv)
    for line in tables(args.runs, args.seed, args.families.split(",")):
        print(line, flush=True)


if __name__ == "__main__":
    main()
