"""The analyses over outcome tables: robustness, scenario discovery, sensitivity, levers.

Pure analyses run on synthetic tables with a planted answer; the lever search runs on a stub
``evaluate`` with a planted structure, and once on the reference runner at a handful of runs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.explore.evalhelp import reference_evaluate

from pact24.designs.loader import resolve_design
from pact24.designs.schema import Design, MinGuarantors
from pact24.explore import discovery, levers, robustness, sensitivity
from pact24.sim.registry import REGISTRY
from pact24.vocab import PostureKind

FAMILIES = ("overt_invasion", "strike")


def _outcomes(scores: dict[str, np.ndarray], column: str = "p_pledges_ge3_7d") -> pd.DataFrame:
    """Outcome rows whose family mix of ``column`` is ``scores[design][future]`` (the two
    families sit 0.1 either side of it, so the equal-weight mix is the score)."""
    rows = []
    for design, values in scores.items():
        for f, v in enumerate(values):
            for fam, shift in zip(FAMILIES, (-0.1, 0.1), strict=True):
                rows.append({"design": design, "future": f, "family": fam, column: v + shift})
    return pd.DataFrame(rows)


# -- robustness ----------------------------------------------------------------------------


def test_family_mix_weights_families_equally() -> None:
    out = _outcomes({"a": np.array([0.3, 0.6])})
    mix = robustness.family_mix(out, "p_pledges_ge3_7d")
    assert mix["a"].tolist() == pytest.approx([0.3, 0.6])
    only = robustness.family_mix(out, "p_pledges_ge3_7d", ["strike"])
    assert only["a"].tolist() == pytest.approx([0.4, 0.7])


def test_robustness_share_and_regret() -> None:
    rng = np.random.default_rng(1)
    base = rng.uniform(0.2, 0.4, 20)
    out = _outcomes({"best": base + 0.3, "mid": base + 0.1, "low": base})
    table = robustness.robustness(out, robustness.Bar(threshold=0.5)).set_index("design")
    assert table.loc["best", ["mean_regret", "max_regret", "p90_regret"]].tolist() == [0, 0, 0]
    assert table.loc["low", "mean_regret"] == pytest.approx(0.3)
    assert table.loc["mid", "max_regret"] == pytest.approx(0.2)
    assert table.loc["mid", "share_meeting_bar"] == pytest.approx(np.mean(base + 0.1 >= 0.5))
    assert table.loc["best", "share_meeting_bar"] == 1.0
    assert "p_pledges_ge3_7d >= 0.5" in table.attrs["bar"]


def test_regret_of_a_lower_is_better_outcome() -> None:
    score = pd.DataFrame({"a": [1.0, 5.0], "b": [2.0, 3.0]})
    r = robustness.regret(score, higher_is_better=False)
    assert r.to_numpy().tolist() == [[0.0, 1.0], [2.0, 0.0]]


def test_ranking_reversal_counts_the_futures_that_reverse_a_pair() -> None:
    a = np.full(10, 0.6)
    b = np.full(10, 0.4)
    b[:3] = 0.8
    p, pairs = robustness.ranking_reversal(_outcomes({"a": a, "b": b, "c": np.full(10, 0.1)}))
    assert p == pytest.approx(0.3)
    table = pairs.set_index(["design_a", "design_b"])["p_a_beats_b"]
    assert table[("a", "b")] == pytest.approx(0.7)
    assert table[("a", "b")] + table[("b", "a")] == pytest.approx(1.0)
    assert table[("a", "c")] == 1.0
    steady, _ = robustness.ranking_reversal(_outcomes({"a": a, "c": np.full(10, 0.1)}))
    assert steady == 0.0


# -- scenario discovery ------------------------------------------------------------------

PLANTED = ("guarantor.base.troops", "attribution.ceiling")


def _planted_box(n: int = 250) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Futures over three registry parameters; the design fails exactly when the first is in
    the lowest 30 % of its range and the second in the highest 40 %."""
    rng = np.random.default_rng(3)
    names = (*PLANTED, "demand.prob")
    u = rng.uniform(size=(n, 3))
    exp = pd.DataFrame(
        {
            nm: REGISTRY[nm].low + u[:, i] * (REGISTRY[nm].high - REGISTRY[nm].low)
            for i, nm in enumerate(names)
        }
    )
    exp.insert(0, "sample", "lhs")
    exp.insert(0, "future", np.arange(n))
    fails = (u[:, 0] < 0.3) & (u[:, 1] > 0.6)
    score = np.where(fails, 0.02, 0.5)
    return exp, _outcomes({"meloni-24h": score}, "p_pledges_ge1_24h")


def test_prim_finds_the_planted_box() -> None:
    exp, out = _planted_box()
    boxes = discovery.discover(exp, out, max_boxes=1)
    assert len(boxes) == 1
    box = boxes[0]
    assert set(box["limits"]) == set(PLANTED)
    lo, hi = box["limits"]["guarantor.base.troops"]
    troops = REGISTRY["guarantor.base.troops"]
    assert lo == exp["guarantor.base.troops"].min()  # one-sided: the box keeps the low end
    assert hi == pytest.approx(troops.low + 0.3 * (troops.high - troops.low), abs=0.5)
    assert box["density"] >= 0.8 and box["coverage"] >= 0.9
    assert box["mass"] == pytest.approx(0.12, abs=0.05)
    assert "fails mostly when" in box["narrative"]
    assert REGISTRY["attribution.ceiling"].description[1:] in box["narrative"]
    assert "at most" in box["narrative"] and "at least" in box["narrative"]


def test_prim_finds_nothing_when_every_future_fails() -> None:
    exp, out = _planted_box(50)
    out["p_pledges_ge1_24h"] = 0.0
    assert discovery.discover(exp, out) == []


def test_prim_reports_no_box_for_failures_unrelated_to_the_parameters() -> None:
    exp, out = _planted_box(120)
    coin = np.random.default_rng(11).uniform(size=120) < 0.5
    per_future = dict(zip(exp["future"], np.where(coin, 0.02, 0.5), strict=True))
    out["p_pledges_ge1_24h"] = out["future"].map(per_future)
    assert discovery.discover(exp, out) == []


# -- sensitivity ---------------------------------------------------------------------------

TOY = ("guarantor.base.troops", "demand.prob", "attribution.ceiling", "guarantor.opinion_sd")


def _scaled(exp: pd.DataFrame, name: str) -> np.ndarray:
    prm = REGISTRY[name]
    return ((exp[name] - prm.low) / (prm.high - prm.low)).to_numpy()


def test_morris_ranks_a_planted_parameter_first() -> None:
    exp = sensitivity.morris_experiments(TOY, trajectories=20, seed=4)
    y = 10 * _scaled(exp, "demand.prob") + 0.5 * _scaled(exp, "attribution.ceiling")
    table = sensitivity.morris_indices(exp, y, seed=4)
    assert table["parameter"].iloc[0] == "demand.prob"
    assert table.set_index("parameter")["mu_star"]["demand.prob"] == pytest.approx(10)
    picked = set(table[table["selected"]]["parameter"])
    assert picked == {"demand.prob"}


def test_noise_floor_matches_pure_binomial_noise() -> None:
    """An outcome that no parameter moves: every mu* is noise, and of the floor's size."""
    rng = np.random.default_rng(9)
    runs = 50

    def evaluate(
        designs: list[Design], experiments: pd.DataFrame, runs_: int, seed: int
    ) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "design": designs[0].name,
                "future": int(f),
                "family": fam,
                "runs": runs,
                "p_pledges_ge3_7d": rng.binomial(runs, 0.3) / runs,
            }
            for f in experiments["future"]
            for fam in ("a", "b", "c", "d", "e")
        )

    table = sensitivity.screen(
        evaluate, resolve_design("meloni-24h"), trajectories=40, runs=runs, seed=9, names=TOY
    )
    exact = pd.DataFrame({"family": list("abcde"), "runs": runs, "p_pledges_ge3_7d": 0.3})
    floor = sensitivity.noise_floor(exact, "p_pledges_ge3_7d")
    assert floor == pytest.approx(np.sqrt(2 * 0.3 * 0.7 / runs / 5) * np.sqrt(2 / np.pi) * 1.5)
    assert table["mu_star"].mean() == pytest.approx(floor, rel=0.25)
    assert not table["selected"].any()


def test_sobol_indices_of_a_linear_toy() -> None:
    names = ("guarantor.base.troops", "demand.prob")
    exp = sensitivity.sobol_experiments(names, 256, seed=5)
    y = 2 * _scaled(exp, "guarantor.base.troops") + _scaled(exp, "demand.prob")
    table = sensitivity.sobol_indices(exp, {"y": y, "flat": np.zeros(len(exp))}, seed=5)
    lin = table[table["outcome"] == "y"].set_index("parameter")
    # variance shares 4/5 and 1/5; no interactions, so S1 = ST
    assert lin.loc["guarantor.base.troops", "S1"] == pytest.approx(0.8, abs=0.1)
    assert lin.loc["demand.prob", "ST"] == pytest.approx(0.2, abs=0.05)
    assert table[table["outcome"] == "flat"]["S1"].isna().all()


def _stub(formula: dict[str, float]) -> levers.Evaluate:
    """An evaluate whose every probability is ``sum(weight * scaled parameter)`` of the future
    (over the parameters the experiments vary), the same for every design and family, exactly
    (``runs`` says a million, so the screen's noise floor is negligible)."""

    def evaluate(
        designs: list[Design], experiments: pd.DataFrame, runs: int, seed: int
    ) -> pd.DataFrame:
        y = sum(w * _scaled(experiments, n) for n, w in formula.items() if n in experiments)
        rows = [
            {
                "design": d.name,
                "future": int(f),
                "family": fam,
                "runs": 10**6,
                "p_pledges_ge3_7d": v,
                "p_pledges_ge3_24h": v / 2,
            }
            for d in designs
            for f, v in zip(experiments["future"], y, strict=True)
            for fam in FAMILIES
        ]
        return pd.DataFrame(rows)

    return evaluate


def test_screen_then_sobol_through_an_evaluate() -> None:
    design = resolve_design("meloni-24h")
    evaluate = _stub({"demand.prob": 0.5, "guarantor.opinion_sd": 0.05})
    morris = sensitivity.screen(evaluate, design, trajectories=10, runs=1, seed=2, names=TOY)
    assert morris["parameter"].iloc[0] == "demand.prob"
    chosen = list(morris[morris["selected"]]["parameter"])
    sob = sensitivity.sobol(evaluate, design, chosen, n=64, runs=1, seed=2)
    assert set(sob["outcome"]) == {"p_pledges_ge3_24h", "p_pledges_ge3_7d"}
    assert set(sob["parameter"]) == set(chosen)
    assert list(sob.columns) == ["outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"]


# -- levers --------------------------------------------------------------------------------


def _small_base() -> Design:
    """meloni-24h with four guarantors (France, Germany, Poland and the UK), for speed."""
    base = resolve_design("meloni-24h")
    keep = ("GBR", "FRA", "DEU", "POL")
    return levers.rebuilt(base, guarantors=tuple(g for g in base.guarantors if g.iso3 in keep))


def test_pareto_front_has_no_dominated_point() -> None:
    rng = np.random.default_rng(6)
    cred, cost = rng.uniform(size=60), rng.uniform(size=60)
    front = levers.pareto_front(cred, cost)
    assert front.any() and not front.all()
    for i in np.flatnonzero(front):
        dominated = (cred >= cred[i]) & (cost <= cost[i]) & ((cred > cred[i]) | (cost < cost[i]))
        assert not dominated.any()
    for i in np.flatnonzero(~front):
        assert ((cred[front] >= cred[i]) & (cost[front] <= cost[i])).any()


def test_variants_set_every_lever() -> None:
    base = _small_base()
    grid = levers.Levers(
        windows=(6.0, 48.0),
        ks=(1, 3),
        postures=(
            levers.PostureOption(),
            levers.PostureOption(qrf_size=2000),
            levers.PostureOption(stationed=levers.tripwire_forces()),
        ),
        coalitions={"all": None, "pair": ("FRA", "POL")},
    )
    table = levers.variants(base, grid)
    # k = 3 does not fit a pair: 2 windows x 3 activations x 3 postures x (2 + 1 k-coalitions)
    assert len(table) == 2 * 3 * 3 * 3
    assert set(table["activation"]) == {"on_report", "on_attribution@0.8", "on_invocation@0.5"}
    for row in table.itertuples():
        d = row.design
        assert d.window_hours == row.window_hours
        assert isinstance(d.outcome, MinGuarantors) and d.outcome.k == row.k
        assert all(r < d.window_hours for r in d.reminders_hours_before)
        assert row.activation.startswith(d.activation.rule)
        if row.coalition == "pair":
            assert {g.iso3 for g in d.guarantors} == {"FRA", "POL"}
        if row.qrf_size:
            assert d.posture.kind is PostureKind.QRF and d.posture.size == 2000
    tripwire_pair = table[(table["coalition"] == "pair") & (table["stationed"] > 0)]
    # of the preset's stationed forces only France's stands in a France-Poland coalition
    assert set(tripwire_pair["stationed"]) == {1000}


def test_pareto_and_pivotal_on_a_planted_structure() -> None:
    base = _small_base()

    def evaluate(
        designs: list[Design], experiments: pd.DataFrame, runs: int, seed: int
    ) -> pd.DataFrame:
        rows = []
        for d in designs:
            members = {g.iso3 for g in d.guarantors}
            v = 0.1 * len(members) + (0.3 if "POL" in members else 0.0)
            v += 0.2 if d.posture.kind is PostureKind.QRF else 0.0
            for f in experiments["future"]:
                rows += [
                    {"design": d.name, "future": int(f), "family": fam, "p_pledges_ge3_7d": v}
                    for fam in FAMILIES
                ]
        return pd.DataFrame(rows)

    exp = pd.DataFrame({"future": [0, 1], "sample": "lhs"})
    piv = levers.pivotal(evaluate, base, exp, runs=1, seed=0)
    assert piv["state"].iloc[0] == "POL"
    assert piv["delta_credibility"].iloc[0] == pytest.approx(-0.4)
    assert piv["delta_credibility"].iloc[1:].tolist() == pytest.approx([-0.1] * 3)

    grid = levers.Levers(
        windows=(24.0,),
        ks=(3,),
        activations=(("on_report", None),),
        postures=(levers.PostureOption(), levers.PostureOption(qrf_size=5000)),
    )
    table = levers.pareto(
        evaluate, base, exp, runs=1, seed=0, levers=grid, bar=robustness.Bar(threshold=0.8)
    )
    qrf = table.set_index("qrf_size")
    assert qrf.loc[5000, "credibility"] == pytest.approx(qrf.loc[0, "credibility"] + 0.2)
    assert qrf.loc[5000, "cost_eur_per_year"] > qrf.loc[0, "cost_eur_per_year"] == 0
    assert table["on_front"].all()  # more credible but dearer: neither dominates
    assert qrf.loc[5000, "robust_share"] == 1.0 and qrf.loc[0, "robust_share"] == 0.0


def test_sweeps_on_the_reference_runner() -> None:
    base = _small_base()
    win = levers.window_sweep(reference_evaluate, [base], (1.0, 168.0), runs=6, seed=8)
    assert list(win.columns) == ["design", "window_hours", "p_pledges_ge3_24h", "p_pledges_ge3_7d"]
    assert win["window_hours"].tolist() == [1.0, 168.0]
    assert win[["p_pledges_ge3_24h", "p_pledges_ge3_7d"]].stack().between(0, 1).all()
    short, week = win.iloc[0], win.iloc[1]
    # a one-hour window freezes the count at the close, before any troop answer can come in
    assert short["p_pledges_ge3_7d"] <= week["p_pledges_ge3_7d"]
    spd = levers.speedup_sweep(reference_evaluate, [base], (1.0, 4.0), runs=4, seed=8)
    assert spd["deadline_speedup"].tolist() == [1.0, 4.0]
    assert (spd["design"] == base.name).all()
