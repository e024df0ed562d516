"""The MSEL: samples load by name; every error names the field and its line in the file."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from pact24.cli import app
from pact24.errors import InvalidInput
from pact24.exercise import msel

GOOD = """\
name: drill-one
title: A drill
design: meloni-24h
scenario: strike
speed: 24
players: [GBR, POL]
injects:
  - at: 0
    type: incident
    kind: strike
    severity: high
  - at: 2
    type: intelligence
    attribution: 0.8
"""


def error(text: str) -> str:
    with pytest.raises(InvalidInput) as caught:
        msel.load_text(text, "drill.yaml")
    return str(caught.value)


def test_the_samples_are_listed_and_valid() -> None:
    assert msel.sample_names() == ["hybrid-incursion", "odesa-strike"]
    script, design = msel.resolve("odesa-strike")
    assert script.title == "Missile strike on Odesa with disinformation"
    assert design.name == "meloni-24h" and script.players == ["GBR", "POL"]
    script, design = msel.resolve("hybrid-incursion")
    assert script.title == "Hybrid incursion at the line of contact"
    assert script.incident().engaged == ["GBR"]
    out = CliRunner().invoke(app, ["exercise", "samples"]).output
    assert "hybrid-incursion" in out and "odesa-strike" in out


def test_a_good_msel_loads_in_time_order() -> None:
    script, _ = msel.load_text(GOOD)
    assert [i.type for i in script.in_order()] == ["incident", "intelligence"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("severity: high", "severity: huge"), "drill.yaml: line 11: injects.0.severity: Input"),
        (("attribution: 0.8", "attribution: 1.8"), "line 14: injects.1.attribution: Input"),
        (("players: [GBR, POL]", "players: [GBR, XYZ]"), "line 6: players.1: XYZ is not a"),
        (("design: meloni-24h", "design: nowhere"), "line 3: design: no preset named"),
        (("design: meloni-24h", "design: article5-consensus"), "line 3: design: article5"),
        (("scenario: strike", "scenario: adaptive"), "line 4: scenario: unknown scenario"),
        (("  - at: 2\n", "  - at: -1\n"), "line 12: injects.1.at: Input should be greater"),
        (("type: intelligence", "type: rumour"), "line 12: injects.1: Input tag 'rumour'"),
        (("speed: 24", "speed: 24\nsped: 24"), "line 6: sped: Extra inputs are not permitted"),
        (("speed: 24\n", ""), "line 1: speed: Field required"),
        (
            ("type: incident\n    kind: strike\n    severity: high", "type: disinformation"),
            "line 7: injects: an exercise has exactly one incident, not 0",
        ),
        (("players: [GBR, POL]", "players: [GBR, POL"), "line 7: not valid YAML"),
    ],
)
def test_errors_name_the_field_and_its_line(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    assert expected in error(GOOD.replace(old, new))


def test_an_inject_before_the_incident_or_for_a_stranger_is_refused_with_its_line() -> None:
    early = GOOD.replace("  - at: 0\n", "  - at: 3\n")
    assert "line 12: injects.1.at: comes before the incident (hour 3)" in error(early)
    vote = GOOD + "  - at: 4\n    type: parliament_vote\n    guarantor: RUS\n    approved: true\n"
    assert "line 17: injects.2.guarantor: RUS is not a guarantor of meloni-24h" in error(vote)


def test_a_name_that_is_neither_a_file_nor_a_sample_is_refused() -> None:
    with pytest.raises(InvalidInput, match="samples: hybrid-incursion, odesa-strike"):
        msel.resolve("no-such-exercise")
