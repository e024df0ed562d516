"""Regenerate the "Results at the defaults" tables of docs/model.md from the reference simulator.

Every preset against every scenario family, ``--runs`` runs each at ``--seed`` (defaults 1000 and
2026, as the docs quote them), on local processes. The tables are written between the markers
``<!-- results:begin -->`` and ``<!-- results:end -->`` of docs/model.md (``--print`` writes them
to stdout instead), so each number in that section comes from one command::

    .venv/bin/python scripts/model_results.py            # about 10 minutes on 2 cores

Columns (over the runs in which the adversary attacked; first crisis):
- honoured: the design's own rule decided the guarantee was honoured, with its standard error;
  then the same split by whether the posture was still held at the first attack;
- P(pledges >= k): guarantors with an unconditional or met troop commitment by 24 h / 7 d / 30 d
  after the attack (``results.PLEDGE_HORIZONS``), whatever the design's window;
- troops pledged / needed: mean persons committed at close, and the front model's need (3:1 rule
  against the attack's ground force net of Ukraine's forces in the sector);
- package by day 7: mean EUR of defence support and aid delivered and sanctions in force;
- engaged: share of first crises in which the attack touched stationed forces.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from pact24.designs.loader import preset_names, resolve_design
from pact24.sim.models.scenario import FAMILIES
from pact24.sim.reference import prepare
from pact24.sim.reference.campaign import run_many
from pact24.sim.results import PLEDGE_HORIZONS
from pact24.sim.summary import PLEDGE_KS

DOC = Path(__file__).resolve().parents[1] / "docs" / "model.md"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"

Cell = dict[str, Any]


def _cell(args: tuple[str, str, int, int]) -> Cell:
    name, family, runs, seed = args
    rows = run_many(prepare(resolve_design(name), family), runs, seed)
    attacked = [r for r in rows if r["attacked"]]
    held = [r for r in attacked if r["posture_held"]]
    lapsed = [r for r in attacked if not r["posture_held"]]
    n = len(attacked)

    def share(rs: Sequence[dict[str, Any]], key: str) -> tuple[float, float, int]:
        if not rs:
            return math.nan, math.nan, 0
        p = sum(bool(r[key]) for r in rs) / len(rs)
        return p, math.sqrt(p * (1 - p) / len(rs)), len(rs)

    def mean(key: str) -> float:
        return sum(float(r[key]) for r in attacked) / n if n else math.nan

    pledges = {
        (label, k): (sum(r[f"troop_pledges_{label}"] >= k for r in attacked) / n if n else math.nan)
        for label in PLEDGE_HORIZONS
        for k in PLEDGE_KS
    }
    return {
        "design": name,
        "family": family,
        "runs": runs,
        "attacked": n,
        "honoured": share(attacked, "decided"),
        "held": share(held, "decided"),
        "lapsed": share(lapsed, "decided"),
        "pledges": pledges,
        "troops_pledged": mean("troops_pledged"),
        "troops_needed": mean("troops_needed"),
        "package": mean("package_eur_7d"),
        "engaged": share(attacked, "engaged")[0],
    }


def _p(x: float) -> str:
    return "–" if math.isnan(x) else f"{x:.3f}"


def tables(cells: list[Cell], runs: int, seed: int) -> str:
    fams = [f.value for f in FAMILIES]
    names = sorted({c["design"] for c in cells})
    by = {(c["design"], c["family"]): c for c in cells}
    out = [
        f"`python scripts/model_results.py --runs {runs} --seed {seed}` (regenerates this block).",
        "Over the runs in which the adversary attacked (n), first crisis.",
        "",
        "**P(honoured)** ± standard error, then held / lapsed posture at the first attack "
        "(n in brackets):",
        "",
        "| design | " + " | ".join(fams) + " |",
        "|---|" + "---|" * len(fams),
    ]
    for name in names:
        cols = []
        for f in fams:
            c = by[(name, f)]
            p, se, n = c["honoured"]
            hp, _, hn = c["held"]
            lp, _, ln = c["lapsed"]
            split = f" ({_p(hp)} [{hn}] / {_p(lp)} [{ln}])" if ln else ""
            cols.append(f"{_p(p)} ± {_p(se)} [{n}]{split}")
        out.append(f"| `{name}` | " + " | ".join(cols) + " |")
    out += [
        "",
        "**P(troop pledges ≥ k)** at 24 h / 7 d / 30 d after the attack, k = "
        + ", ".join(str(k) for k in PLEDGE_KS)
        + " (each cell: k=1 · k=3 · k=5):",
        "",
        "| design | family | 24 h | 7 d | 30 d | troops pledged / needed | package by day 7 "
        "| engaged |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        for f in fams:
            c = by[(name, f)]
            hz = [
                " · ".join(_p(c["pledges"][(label, k)]) for k in PLEDGE_KS)
                for label in PLEDGE_HORIZONS
            ]
            troops = f"{c['troops_pledged']:,.0f} / {c['troops_needed']:,.0f}"
            package = f"€{c['package'] / 1e9:.1f} bn"
            out.append(
                f"| `{name}` | {f} | "
                + " | ".join(hz)
                + f" | {troops} | {package} | {_p(c['engaged'])} |"
            )
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--print", action="store_true", help="write to stdout, not docs/model.md")
    a = ap.parse_args()
    jobs = [(n, f.value, a.runs, a.seed) for n in preset_names() for f in FAMILIES]
    with ProcessPoolExecutor(a.workers) as pool:
        cells = list(pool.map(_cell, jobs))
    block = tables(cells, a.runs, a.seed)
    if a.print:
        print(block)
        return
    text = DOC.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{DOC}: markers {BEGIN} / {END} not found")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    DOC.write_text(pattern.sub(lambda _: f"{BEGIN}\n{block}{END}", text))
    print(f"wrote {len(cells)} cells into {DOC}")


if __name__ == "__main__":
    main()
