"""Historical tests of guarantees and assurances: what was promised, to whom, and what happened.

One row per case of ``pact24/data/backcast_cases.csv`` (columns in ``pact24/data/README.md``):
the guarantors, the covariates the guarantor model reads (commitment, attribution, severity,
nuclear-armed adversary, a required vote in parliament), whether at least one guarantor
committed troops by each horizon, and the source of that outcome. A row without a source, or
with an unknown value, is refused: the backcast scores nothing it cannot trace.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from importlib import resources
from itertools import pairwise
from pathlib import Path

from pact24.errors import InvalidInput

#: The horizons the outcome is read at, in days after the attack, with their column suffixes.
HORIZONS: tuple[tuple[str, float], ...] = (("1d", 1.0), ("30d", 30.0), ("1y", 365.0))

COMMITMENTS = ("treaty_guarantee", "ally", "partner", "self")
ATTRIBUTIONS = ("clear", "contested")
SEVERITIES = ("low", "medium", "high")
COLUMNS = (
    "case",
    "year",
    "attack_date",
    "guarantors",
    "nuclear_guarantors",
    "beneficiary",
    "attacker",
    "commitment",
    "attribution",
    "severity",
    "nuclear_adversary",
    "legislature_required",
    *(f"troops_{h}" for h, _ in HORIZONS),
    "what",
    "source",
)


@dataclass(frozen=True, slots=True)
class Case:
    """One historical test of a guarantee or assurance."""

    name: str
    year: int
    attack_date: date
    guarantors: tuple[str, ...]
    nuclear_guarantors: frozenset[str]
    beneficiary: str
    attacker: str
    commitment: str
    attribution: str
    severity: str
    nuclear_adversary: bool
    legislature_required: bool
    troops: tuple[bool, ...]
    """Whether at least one guarantor committed troops by each of :data:`HORIZONS`."""
    what: str
    source: str


def _flag(row: dict[str, str], column: str, where: str) -> bool:
    text = row[column].strip().lower()
    if text not in ("true", "false"):
        raise InvalidInput(f"{where}: {column} must be true or false, got {row[column]!r}")
    return text == "true"


def _choice(row: dict[str, str], column: str, allowed: tuple[str, ...], where: str) -> str:
    text = row[column].strip()
    if text not in allowed:
        raise InvalidInput(f"{where}: {column} must be one of {', '.join(allowed)}, got {text!r}")
    return text


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(";") if c.strip())


def _case(row: dict[str, str], line: int) -> Case:
    where = f"line {line} ({row.get('case') or 'unnamed'})"
    missing = [c for c in ("case", "year", "attack_date", "guarantors", "source") if not row[c]]
    if missing:
        raise InvalidInput(f"{where}: empty {', '.join(missing)}")
    try:
        year = int(row["year"])
        attack = date.fromisoformat(row["attack_date"])
    except ValueError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc
    guarantors = _codes(row["guarantors"])
    nuclear = frozenset(_codes(row["nuclear_guarantors"]))
    if not nuclear <= set(guarantors):
        raise InvalidInput(f"{where}: nuclear_guarantors must be among the guarantors")
    troops = tuple(_flag(row, f"troops_{h}", where) for h, _ in HORIZONS)
    if any(a and not b for a, b in pairwise(troops)):
        raise InvalidInput(f"{where}: troops committed by a horizon are committed by later ones")
    return Case(
        name=row["case"].strip(),
        year=year,
        attack_date=attack,
        guarantors=guarantors,
        nuclear_guarantors=nuclear,
        beneficiary=row["beneficiary"].strip(),
        attacker=row["attacker"].strip(),
        commitment=_choice(row, "commitment", COMMITMENTS, where),
        attribution=_choice(row, "attribution", ATTRIBUTIONS, where),
        severity=_choice(row, "severity", SEVERITIES, where),
        nuclear_adversary=_flag(row, "nuclear_adversary", where),
        legislature_required=_flag(row, "legislature_required", where),
        troops=troops,
        what=row["what"].strip(),
        source=row["source"].strip(),
    )


def parse_cases(text: str) -> tuple[Case, ...]:
    """The cases of a csv text; ``InvalidInput`` names the first bad line."""
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if absent:
        raise InvalidInput(f"backcast cases: missing columns {', '.join(absent)}")
    cases = tuple(_case(row, i) for i, row in enumerate(reader, start=2))
    if not cases:
        raise InvalidInput("backcast cases: no rows")
    return cases


def load_cases(path: Path | None = None) -> tuple[Case, ...]:
    """The cases of ``path``, or the shipped ``backcast_cases.csv``."""
    if path is None:
        text = (resources.files("pact24") / "data" / "backcast_cases.csv").read_text("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    return parse_cases(text)
