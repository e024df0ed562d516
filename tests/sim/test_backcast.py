"""``pact24 backcast``: the guarantor model on historical tests of guarantees, the shipped cases
and their sources, and the stance readings' sources."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pact24.cli import app
from pact24.errors import InvalidInput
from pact24.sim.backcast import cli as backcast_cli
from pact24.sim.backcast.cases import COLUMNS, HORIZONS, load_cases, parse_cases
from pact24.sim.backcast.score import backcast, brier, difference_se, leave_one_out_rates
from pact24.sim.models import states
from pact24.sim.registry import REGISTRY, resolve

runner = CliRunner()

#: Crises reserved for independent checks (the helpers' preamble and issue 10): words that must
#: all appear in a case's name, and its year.
RESERVED: tuple[tuple[tuple[str, ...], int], ...] = (
    (("kosovo",), 1999),
    (("bosnia",), 1995),
    (("libya",), 2011),
    (("mali",), 2013),
    (("kazakhstan",), 2022),
    (("red sea",), 2023),
    (("red sea",), 2024),
    (("ghouta",), 2013),
    (("baltic",), 2024),
    (("baltic",), 2025),
    (("poland", "drone"), 2025),
    (("ethiopia",), 1935),
    (("abyssinia",), 1935),
    (("rhineland",), 1936),
    (("belgium",), 1940),
    (("greece",), 1940),
    (("romania",), 1940),
    (("lebanon",), 1958),
    (("kuwait",), 1961),
    (("goa",), 1961),
    (("thailand",), 1962),
    (("gabon",), 1964),
    (("pakistan",), 1965),
    (("israel",), 1967),
    (("six-day",), 1967),
    (("cyprus",), 1974),
    (("vietnam",), 1975),
    (("vietnam",), 1979),
    (("chad",), 1983),
    (("iraq",), 2014),
    (("qatar",), 2017),
    (("armenia",), 2022),
    (("israel",), 2024),
)


def _reserved(name: str, year: int, beneficiary: str) -> bool:
    text = f"{name} {beneficiary}".lower()
    years = {year, *(int(y) for y in re.findall(r"\b(?:1[89]|20)\d\d\b", text))}
    return any(y in years and all(w in text for w in words) for words, y in RESERVED)


def test_backcast_runs_on_the_shipped_cases_and_prints_both_brier_scores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table is as wide as the console, which takes COLUMNS when first imported: pact24's
    # 120 for piped output, but pytest-xdist's workers already have 80, where the names wrap.
    monkeypatch.setattr(backcast_cli.out, "width", 120)
    out = tmp_path / "backcast.json"
    res = runner.invoke(
        app, ["backcast", "--runs", "100", "--json", str(out)], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    assert "Brier score" in res.output and "base rate" in res.output
    assert "Budapest Memorandum 2022" in res.output
    doc = json.loads(out.read_text())
    n = len(load_cases())
    assert len(doc["cases"]) == n and doc["horizons"] == [h for h, _ in HORIZONS]
    for key in ("brier_model", "brier_base_rate", "brier_difference_se"):
        assert len(doc[key]) == len(HORIZONS) and all(0.0 <= b <= 1.0 for b in doc[key])
    verdict = "does NOT beat" if "does NOT beat" in res.output else "beats the base rate at every"
    assert verdict in res.output


def test_predictions_are_probabilities_that_grow_with_the_horizon() -> None:
    result = backcast(load_cases(), resolve(), runs=100, seed=3)
    for pr in result.predictions:
        assert all(0.0 <= p <= 1.0 for p in pr.prob)
        assert list(pr.prob) == sorted(pr.prob), pr.case.name


def test_a_nuclear_armed_attacker_lowers_the_prediction() -> None:
    """Escalation fear is part of the model: the same case against a nuclear-armed attacker."""
    korea = next(c for c in load_cases() if c.name == "Korea 1950")
    p = resolve()
    plain = backcast([korea, korea], p, runs=300, seed=5).predictions[0]
    nuclear = backcast([replace(korea, nuclear_adversary=True)] * 2, p, runs=300, seed=5)
    one_year = len(HORIZONS) - 1
    se = (plain.se[one_year] ** 2 + nuclear.predictions[0].se[one_year] ** 2) ** 0.5
    assert nuclear.predictions[0].prob[one_year] < plain.prob[one_year] - 2 * se


def test_brier_and_leave_one_out_base_rate() -> None:
    assert brier([1.0, 0.0], [True, False]) == 0.0
    assert brier([0.5, 0.5], [True, False]) == pytest.approx(0.25)
    assert leave_one_out_rates([True, False, False]) == [0.0, 0.5, 0.5]
    with pytest.raises(ValueError):
        leave_one_out_rates([True])
    # per-case differences -0.25 and 0.25: mean 0, sd 0.354, SE 0.25
    assert difference_se([1.0, 0.5], [0.5, 0.0], [True, False]) == pytest.approx(0.25)


def test_every_shipped_case_has_a_source_and_none_is_reserved() -> None:
    cases = load_cases()
    assert 10 <= len(cases) <= 15
    for c in cases:
        assert re.search(r"https?://|decision_lags", c.source), c.name
        assert c.what, c.name
        assert not _reserved(c.name, c.year, c.beneficiary), c.name
        assert str(c.year) in c.name and c.attack_date.year == c.year
    # the check itself catches a reserved case however it is spelt
    assert _reserved("Iraqi invasion 1961", 1961, "Kuwait")
    assert _reserved("Suez", 1958, "Lebanon")
    assert not _reserved("Kuwait 1990", 1990, "Kuwait")


def test_a_case_without_a_source_or_with_a_bad_value_is_refused() -> None:
    header = ",".join(COLUMNS)
    good = (
        "X 2000,2000,2000-01-01,USA,USA,B,A,partner,clear,high,false,false,false,true,true,"
        "what,https://example.org/x"
    )
    assert len(parse_cases(f"{header}\n{good}\n")) == 1
    with pytest.raises(InvalidInput, match="source"):
        parse_cases(f"{header}\n{good.rsplit(',', 1)[0]},\n")
    with pytest.raises(InvalidInput, match="commitment"):
        parse_cases(f"{header}\n{good.replace('partner', 'friend')}\n")
    with pytest.raises(InvalidInput, match="later"):
        parse_cases(f"{header}\n{good.replace('false,true,true', 'true,false,true')}\n")


def test_every_stance_reading_rests_on_a_quote_or_says_assumption() -> None:
    facts = states.load_states()
    for iso3, reading in states.READINGS.items():
        assert reading.category in states.STANCE_SCALE
        for name in (f"guarantor.stance.{iso3}", f"guarantor.bandwagon_k.{iso3}"):
            src = REGISTRY[name].source
            assert "guarantors.csv" in src and "assumption" in src, name
        # the quoted words are in the csv's stance (ellipses mark cuts)
        stance = facts[iso3].reassurance_force_stance.replace("\u2026", "...")
        for piece in re.findall(r"'([^']+)'", reading.quote):
            for fragment in piece.split(" ... "):
                assert fragment.strip(" .") in stance, (iso3, fragment)
