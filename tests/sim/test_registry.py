"""The parameter registry: every model parameter is in it, with a range, a unit and a source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pact24.errors import InvalidInput
from pact24.sim.models import states
from pact24.sim.params import Parameter
from pact24.sim.registry import MODULES, REGISTRY, parse_overrides, resolve

SIM = Path(__file__).resolve().parents[2] / "src" / "pact24" / "sim"


def test_every_parameter_has_range_unit_and_source() -> None:
    assert len(REGISTRY) >= 100
    for p in REGISTRY.values():
        assert p.low <= p.default <= p.high, p.name
        assert p.unit and p.description, p.name
        assert p.source, p.name
        # a source is either where it was read, or says "assumption"
        assert p.is_assumption or len(p.source) > 15, p.name


def test_some_parameters_are_sourced_not_all_assumptions() -> None:
    sourced = [p for p in REGISTRY.values() if not p.is_assumption]
    assert len(sourced) >= 50  # per-state readings of guarantors.csv, anchors of the models


def test_a_parameter_out_of_range_is_refused() -> None:
    with pytest.raises(InvalidInput, match="plausible range"):
        resolve({"guarantor.deadline_speedup": 50.0})


def test_an_unknown_parameter_is_refused() -> None:
    with pytest.raises(InvalidInput, match="unknown model parameter"):
        resolve({"guarantor.courage": 1.0})


def test_resolve_applies_overrides_and_keeps_defaults() -> None:
    p = resolve({"front.horizon_days": 60})
    assert p["front.horizon_days"] == 60.0
    assert p["attribution.ceiling"] == REGISTRY["attribution.ceiling"].default
    assert set(p) == set(REGISTRY)


def test_parse_overrides() -> None:
    assert parse_overrides(["a.b=1.5", " c = 2"]) == {"a.b": 1.5, "c": 2.0}
    with pytest.raises(InvalidInput):
        parse_overrides(["nonsense"])
    with pytest.raises(InvalidInput):
        parse_overrides(["a=x"])


def test_a_parameter_must_name_a_source() -> None:
    with pytest.raises(ValueError):
        Parameter("x", 1.0, 0.0, 2.0, "1", "", "no source")
    with pytest.raises(ValueError):
        Parameter("x", 3.0, 0.0, 2.0, "1", "assumption", "default outside range")


def _literal_keys() -> set[str]:
    """Every parameter name the simulator's code reads as a literal ``p["..."]``."""
    keys: set[str] = set()
    for path in SIM.rglob("*.py"):
        if "timing" in path.relative_to(SIM).parts:
            continue  # the timing package reads its own fitted tables, not the registry
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and node.value.id == "p"
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                keys.add(node.slice.value)
    return keys


def test_every_parameter_the_code_reads_is_registered() -> None:
    keys = _literal_keys()
    assert len(keys) > 40
    missing = sorted(k for k in keys if k not in REGISTRY)
    assert not missing, f"read but not registered: {missing}"


def test_no_model_module_is_left_out_of_the_registry() -> None:
    names = {m.__name__.rsplit(".", 1)[-1] for m in MODULES}
    on_disk = {
        p.stem
        for p in (SIM / "models").glob("*.py")
        if p.stem not in ("__init__", "timing")
        and re.search(r"^PARAMETERS", p.read_text(), re.MULTILINE)
    }
    assert on_disk <= names


def test_guarantors_csv_is_shipped_and_read() -> None:
    facts = states.load_states()
    assert len(facts) == 19
    assert set(states.READINGS) == set(facts)
    assert facts["GBR"].nuclear and facts["FRA"].nuclear and facts["USA"].nuclear
    assert not facts["DEU"].nuclear  # hosts US weapons but is not nuclear-armed
    assert facts["DEU"].parliament_first and not facts["FRA"].parliament_first


def test_each_state_stance_is_a_parameter_sourced_from_the_csv() -> None:
    for iso3 in states.READINGS:
        p = REGISTRY[f"guarantor.stance.{iso3}"]
        assert "guarantors.csv" in p.source and iso3 in p.source
        assert f"guarantor.bandwagon_k.{iso3}" in REGISTRY
    # the co-leaders said "ready and willing"; the states that ruled troops out read negative
    assert REGISTRY["guarantor.stance.GBR"].default > 0
    assert REGISTRY["guarantor.stance.ITA"].default < 0
    assert (
        REGISTRY["guarantor.bandwagon_k.FRA"].default
        < REGISTRY["guarantor.bandwagon_k.LTU"].default
    )


def test_model_md_is_in_odd_form_and_lists_every_parameter() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "model.md").read_text()
    for heading in (
        "## Overview",
        "## Design concepts",
        "## Details",
        "Purpose",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Initialization",
        "Input data",
        "Submodels",
    ):
        assert heading in doc, heading
    stale = [
        name
        for name, p in REGISTRY.items()
        if f"| `{name}` | {p.default:g} | [{p.low:g}," not in doc
    ]
    assert not stale, (
        f"docs/model.md is stale for {stale[:5]}: regenerate its table with REGISTRY.markdown()"
    )
