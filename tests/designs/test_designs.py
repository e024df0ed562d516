"""Designs as data: presets validate, and bad files are named by field and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pact24.designs import load_design_text, preset_names, resolve_design
from pact24.errors import InvalidDesign, UnknownDesign

PRESETS = {
    "meloni-24h",
    "article5-consensus",
    "tripwire-presence",
    "dmz-western",
    "nato-membership",
}


def pact24(*args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("pact24")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=60)


def test_the_five_presets_ship_and_validate():
    assert set(preset_names()) == PRESETS
    for name in PRESETS:
        d = resolve_design(name)
        assert d.name == name
        assert d.sources and d.assumptions, f"{name} documents its sources and assumptions"


def test_meloni_is_the_seed_design():
    d = resolve_design("meloni-24h")
    assert d.window_hours == 24 and d.activation.rule == "on_report"
    assert d.posture.kind.value == "none"
    assert {i.value for i in d.instruments} == {
        "troops",
        "defence_support",
        "economic_aid",
        "sanctions",
    }


def meloni_text() -> str:
    return (Path(__file__).parents[2] / "src/pact24/designs/presets/meloni-24h.yaml").read_text()


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("window_hours: 24", "window_hours: -3", "window_hours"),
        ("activation: {rule: on_report}", "activation: {rule: on_whim}", "activation.rule"),
        (
            "    legislature_approval_for_troops: false",
            "    legislature_approval_for_troops: maybe",
            "guarantors.1.legislature_approval_for_troops",
        ),
        (
            "outcome: {rule: min_guarantors, instrument: troops, k: 3}",
            "outcome: {rule: min_guarantors, instrument: troops, k: 99}",
            "(design)",
        ),
    ],
)
def test_invalid_field_is_named_with_its_line(old, new, field):
    text = meloni_text().replace(old, new, 1)
    with pytest.raises(InvalidDesign) as exc:
        load_design_text(text, source="bad.yaml")
    assert exc.value.extra["field"] == field
    if field != "(design)":
        assert exc.value.extra["line"] == line_of(text, new.strip())
    assert f"line {exc.value.extra['line']}" in exc.value.detail


def test_silence_rule_must_cover_every_instrument():
    data = yaml.safe_load(meloni_text())
    del data["silence"]["sanctions"]
    with pytest.raises(InvalidDesign, match="silence rule missing for: sanctions"):
        load_design_text(yaml.safe_dump(data))


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(InvalidDesign, match="line 2: not valid YAML"):
        load_design_text("name: x\ntitle: a: b\n")


def test_unknown_preset():
    with pytest.raises(UnknownDesign, match="meloni-24h"):
        resolve_design("meloni-12h")


def test_cli_lists_the_five_presets():
    r = pact24("designs", "list")
    assert r.returncode == 0
    for name in PRESETS:
        assert name in r.stdout


def test_cli_validate_names_field_and_line_in_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(meloni_text().replace("window_hours: 24", "window_hours: soon"))
    r = pact24("designs", "validate", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    line = line_of(bad.read_text(), "window_hours: soon")
    assert f"line {line}: window_hours" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_show_and_validate_good(tmp_path):
    assert "Germany" in pact24("designs", "show", "meloni-24h").stdout
    good = tmp_path / "good.yaml"
    good.write_text(meloni_text())
    assert pact24("designs", "validate", str(good)).returncode == 0


def test_cli_version():
    r = pact24("--version")
    assert r.returncode == 0 and r.stdout.startswith("pact24 ")
