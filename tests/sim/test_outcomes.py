"""The outcome vector (pledges by horizon, troops against the need, the week's package, posture
held and engaged), the front's use of Ukraine's forces, sourced demands and paced deliveries."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from tests.sim.simhelp import design, rows, sure_attack
from typer.testing import CliRunner

from pact24.cli import app
from pact24.mechanism import DeliveryReported
from pact24.sim import results
from pact24.sim.models import delivery, demands, front
from pact24.sim.models.scenario import Family
from pact24.sim.reference import iter_runs, prepare
from pact24.sim.registry import REGISTRY, resolve
from pact24.sim.summary import pledge_table
from pact24.vocab import Instrument

OVERT = sure_attack("overt_invasion")
HORIZONS = [f"troop_pledges_{label}" for label in results.PLEDGE_HORIZONS]
NEW = (*HORIZONS, "troops_pledged", "troops_needed", "package_eur_7d", "engaged", "posture_held")


@pytest.mark.parametrize("name", ["article5-consensus", "tripwire-presence"])
def test_the_outcome_columns_are_filled_and_agree(name: str) -> None:
    rs = rows(name, "overt_invasion", 60, seed=3, overrides=OVERT)
    assert all(c in results.NAMES for c in NEW)
    attacked = [r for r in rs if r["attacked"]]
    assert attacked
    for r in attacked:
        counts = [r[c] for c in HORIZONS]
        assert counts == sorted(counts)  # 24 h <= 7 d <= 30 d
        assert counts[-1] <= r["commits_troops"]
        assert (r["troops_pledged"] > 0) == (r["commits_troops"] > 0)
        assert r["posture_held"] == (not r["posture_lapsed"])
        assert r["troops_needed"] >= 0.0 and r["package_eur_7d"] >= 0.0
    if name == "tripwire-presence":
        # only a posture that is held can be engaged, and stationed forces count from the
        # attack: engaged runs pledge within 24 h
        assert all(r["posture_held"] for r in attacked if r["engaged"])
        assert any(r["engaged"] and r["troop_pledges_24h"] > 0 for r in attacked)
    else:
        # no deadline: the count grows after the first day, and nothing is engaged
        assert not any(r["engaged"] for r in attacked)
        assert sum(r["troop_pledges_30d"] for r in attacked) > sum(
            r["troop_pledges_24h"] for r in attacked
        )


def test_troops_pledged_is_what_the_counted_troop_commitments_hold() -> None:
    setup = prepare(design("tripwire-presence"), "overt_invasion", OVERT)
    for rec in iter_runs(setup, 20, seed=5):
        if not rec.crises:
            continue
        state = rec.crises[0].state
        counted = [r for r in state.receipts if r.instrument is Instrument.TROOPS and r.counts]
        assert rec.row["troops_pledged"] == pytest.approx(sum(r.amount for r in counted))
        assert rec.row["troop_pledges_30d"] == len(counted)  # a 24-hour window closes early


def test_the_summary_prints_pledge_probabilities_next_to_honoured() -> None:
    res = CliRunner().invoke(
        app,
        ["simulate", "-d", "meloni-24h", "-s", "salami", "-n", "30", "--seed", "2"],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.output
    for text in ("P(honoured)", "P(pledges ≥ 1)", "P(pledges ≥ 3)", "P(pledges ≥ 5)", "30d"):
        assert text in res.output


def test_pledge_table_shares_and_standard_errors() -> None:
    base = {"attacked": True, "decided": False}
    rs = [
        {**base, "decided": True, "troop_pledges_24h": 1, "troop_pledges_7d": 3,
         "troop_pledges_30d": 5},
        {**base, "troop_pledges_24h": 0, "troop_pledges_7d": 1, "troop_pledges_30d": 3},
        {**base, "troop_pledges_24h": 0, "troop_pledges_7d": 0, "troop_pledges_30d": 0},
        {"attacked": False, "decided": False, "troop_pledges_24h": 9, "troop_pledges_7d": 9,
         "troop_pledges_30d": 9},
    ]  # fmt: skip
    honoured, grid = pledge_table(rs)
    assert honoured.n == 3 and honoured.p == pytest.approx(1 / 3)
    assert honoured.se == pytest.approx(math.sqrt((1 / 3) * (2 / 3) / 3))
    assert [[s.p for s in line] for line in grid] == [
        pytest.approx([1 / 3, 0, 0]),
        pytest.approx([2 / 3, 1 / 3, 0]),
        pytest.approx([2 / 3, 2 / 3, 1 / 3]),
    ]


# --- front ------------------------------------------------------------------------------------


def test_more_ukrainian_forces_need_fewer_guarantor_troops() -> None:
    p = resolve()
    thin = front.assess(190_000, 3_500, 120_000, 20_000, [(100.0, 30_000)], p)
    thick = front.assess(190_000, 3_500, 120_000, 50_000, [(100.0, 30_000)], p)
    assert thin.troops_needed == pytest.approx(190_000 / 3 - 20_000)
    assert thick.troops_needed == pytest.approx(190_000 / 3 - 50_000)
    assert math.isnan(thin.effective_hours) and thick.effective_hours == 100.0
    assert thick.territory_km2 < thin.territory_km2
    held = front.assess(60_000, 1_000, 10_000, 20_000, [], p)  # 60,000 / 20,000 = 3: held
    assert held.troops_needed == 0.0 and held.territory_km2 == 0.0 and held.effective_hours == 0
    assert front.ukraine_forces(Family.STRIKE, p) == 0.0
    # and in whole runs: the column reads Ukraine's forces
    few = rows("meloni-24h", "overt_invasion", 30, seed=4, overrides=OVERT)
    many = rows(
        "meloni-24h",
        "overt_invasion",
        30,
        seed=4,
        overrides={**OVERT, "front.ukraine_forces.overt_invasion": 60_000},
    )
    need_few = np.mean([r["troops_needed"] for r in few if r["attacked"]])
    need_many = np.mean([r["troops_needed"] for r in many if r["attacked"]])
    assert need_many < need_few


# --- demands ----------------------------------------------------------------------------------


def test_demands_are_sourced_and_never_make_sanctions_depend_on_concessions() -> None:
    rows_ = demands.table()
    assert rows_
    for d in rows_:
        assert d.source and d.instrument in d.kind.instruments
        if d.instrument is Instrument.SANCTIONS:
            assert d.kind.name != "ceasefire_terms"
            assert not re.search(r"army|armed forces|territory|cap ", d.text, re.IGNORECASE)
    assert Instrument.SANCTIONS not in demands.BY_NAME["ceasefire_terms"].instruments
    # EU rows reach every EU member, and nobody else
    assert demands.options("DEU", Instrument.ECONOMIC_AID)
    assert not demands.options("NOR", Instrument.ECONOMIC_AID)
    assert not demands.options("EST", Instrument.SANCTIONS)


def test_the_beneficiary_answers_a_demand_in_days() -> None:
    lowest = resolve(
        {f"beneficiary.reply_days.{t.name}": REGISTRY[f"beneficiary.reply_days.{t.name}"].low
         for t in demands.TYPES}
    )  # fmt: skip
    dp = demands.DemandParams.from_params(lowest)
    for d in demands.table():
        assert dp.reply_after(d, 0.0) >= 12.0


# --- deliveries -------------------------------------------------------------------------------


def test_no_aid_or_weapons_arrive_within_a_day_even_at_the_fastest_settings() -> None:
    fastest = {
        name: REGISTRY[name].low
        for name in REGISTRY
        if name.startswith(("delivery.defence_support.", "delivery.economic_aid."))
        and "days" in name
    }
    dp = delivery.DeliveryParams.from_params(resolve(fastest))
    rng = np.random.default_rng(1)
    for ins in delivery.PACED:
        for _ in range(200):
            plan = delivery.pace(dp, ins, 1000.0, 5.0, 0.0, rng)
            assert plan and all(t.hours - 5.0 >= 24.0 for t in plan)
            assert sum(t.amount for t in plan) == pytest.approx(1000.0)


def test_no_aid_is_reported_delivered_within_a_day_of_the_attack() -> None:
    setup = prepare(design("meloni-24h"), "overt_invasion", OVERT)
    seen = 0
    for rec in iter_runs(setup, 30, seed=8):
        for c in rec.crises:
            for e in c.events:
                if isinstance(e, DeliveryReported) and e.instrument in delivery.PACED:
                    hours = float(re.findall(r"arrived \+([0-9.]+) h", e.note)[0])
                    assert hours >= 24.0, e.note
                    seen += 1
    assert seen > 0
