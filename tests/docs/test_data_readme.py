"""The package documents its own data: every column of every shipped CSV is named in
``src/pact24/data/README.md``, which a clone carries (the tables the project started from were
described only beside the repository)."""

from __future__ import annotations

import csv
import re
from importlib import resources

import pytest

DATA = resources.files("pact24") / "data"
CSVS = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".csv"))


def named(readme: str) -> set[str]:
    """Names in backticks, and the names in a table row's first cell (``| iso3, name |``)."""
    out = set(re.findall(r"`([a-z0-9_]+)`", readme))
    for cell in re.findall(r"^\| ([^|]+?) \|", readme, flags=re.MULTILINE):
        out.update(name.strip() for name in cell.split(","))
    return out


def test_there_are_tables_to_check() -> None:
    assert {"decision_lags.csv", "guarantors.csv", "deployments.csv"} <= set(CSVS)


@pytest.mark.parametrize("name", CSVS)
def test_every_column_is_described(name: str) -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"`{name}`" in readme
    header = next(csv.reader((DATA / name).read_text(encoding="utf-8").splitlines()))
    assert header and not set(header) - named(readme), set(header) - named(readme)
