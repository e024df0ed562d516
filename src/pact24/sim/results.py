"""The results table: one row per run, plain column names. The schema lives here and only here.

``sim/reference`` fills rows and ``sim/summary`` reads them; the planned vectorised ``sim/kernel``
must produce the same columns. Columns about "the crisis" describe the run's *first*
crisis (the first time the guarantee is tested); columns about "the campaign" add up every crisis
of the run. When the adversary never attacks, crisis columns are ``False``, ``0`` or ``NaN``.

Besides the design's own ``decided`` (honoured), the outcome vector says what the guarantee
delivered whatever the design's rule: troop pledges at fixed horizons, troops against the need,
the package in place after a week, and whether the posture was held and engaged.

Parquet files are written with an explicit Arrow schema and deterministic metadata, so the same
command gives byte-identical files. pyarrow and pandas are imported only to write or read a file:
runs, and ``pact24 simulate`` without ``--out``, never load them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from pact24.files import write_atomic
from pact24.vocab import Instrument

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


PLEDGE_HORIZONS: dict[str, float] = {"24h": 24.0, "7d": 7 * 24.0, "30d": 30 * 24.0}
"""Hours after the attack at which ``troop_pledges_<label>`` counts commitments.

A commitment counts at a horizon if it counted when the deliberation closed and was made (or
its condition met) by then; commitments of forces the posture engages count from the attack.
Nothing is decided after the close: a window that closes earlier freezes the count, and a
consultation without a deadline (closed by the chair ``consultation.horizon_days`` after it
opened, so up to that plus the activation delay after the attack) counts at 30 d only what was
settled by then. Conditions the mechanism settles at the close (``others_commit_first``) count
from the close.
"""


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    dtype: str
    """``bool``, ``int64``, ``float64`` or ``string``."""
    description: str


COLUMNS: tuple[Column, ...] = (
    Column("design", "string", "design name"),
    Column("scenario", "string", "scenario family (or 'adaptive')"),
    Column("run", "int64", "run index k (its generator is SeedSequence(seed).spawn(runs)[k])"),
    Column("attacked", "bool", "the adversary attacked at least once in the campaign"),
    Column("crises", "int64", "number of crises (attacks) in the campaign"),
    Column("crises_honoured", "int64", "crises in which the guarantee was honoured"),
    Column("first_family", "string", "family of the first attack ('' if none)"),
    Column("incident_kind", "string", "incident kind of the first crisis ('' if none)"),
    Column("posture_lapsed", "bool", "the posture had been given up before the first crisis"),
    Column("window_opened", "bool", "the decision window opened in the first crisis"),
    Column("decided", "bool", "the window decided: the guarantee was honoured (first crisis)"),
    Column(
        "troops_in_window",
        "bool",
        "at least one guarantor's troops counted as committed at close (first crisis)",
    ),
    *(
        Column(
            f"commits_{i.value}",
            "int64",
            f"guarantors whose {i.value} commitment counted at close (first crisis)",
        )
        for i in Instrument
    ),
    Column("conditional_troops", "int64", "conditional troop answers at close (first crisis)"),
    Column(
        "declined_troops",
        "int64",
        "explicit troop declines at close, silence not included (first crisis)",
    ),
    Column("silent_troops", "int64", "guarantors silent on troops at close (first crisis)"),
    Column("revisions", "int64", "decision versions after the first, all instruments"),
    Column("demands", "int64", "answers conditional on a concession by the beneficiary"),
    Column("unmet_conditions", "int64", "conditional answers whose condition was not met"),
    Column("nuclear_warning", "bool", "the adversary issued a nuclear warning (first crisis)"),
    Column("attribution_at_close", "float64", "shared attribution confidence at close"),
    Column("hours_to_activation", "float64", "hours from the attack until the window opened"),
    Column(
        "hours_to_first_troop_commitment",
        "float64",
        "hours from the attack to the first troop commitment that counted (engaged forces: 0)",
    ),
    Column(
        "hours_to_first_arrival",
        "float64",
        "hours from the attack to the first guarantor troops on the ground (stationed: 0)",
    ),
    Column(
        "hours_to_effective_response",
        "float64",
        "hours from the attack until the defence held by the 3:1 rule (0: Ukraine's own "
        "forces in the sector held it)",
    ),
    Column("troops_arrived_30d", "float64", "guarantor troops on the ground 30 days after"),
    Column("attack_size", "float64", "attacking ground force of the first crisis (persons)"),
    Column(
        "territory_first_crisis_km2",
        "float64",
        "territory at risk in the first crisis (front model)",
    ),
    Column("territory_at_risk_km2", "float64", "territory at risk over the whole campaign"),
    Column(
        "readiness_cost_eur",
        "float64",
        "cost of the posture over the years it was held (rule of thirds)",
    ),
    Column(
        "posture_years_held",
        "float64",
        "years the posture was kept up, out of readiness.horizon_years",
    ),
    *(
        Column(
            f"troop_pledges_{label}",
            "int64",
            f"guarantors with an unconditional or met troop commitment {hours:g} h after the "
            "attack (first crisis; see PLEDGE_HORIZONS)",
        )
        for label, hours in PLEDGE_HORIZONS.items()
    ),
    Column(
        "troops_pledged",
        "float64",
        "persons in the troop commitments that counted at close (first crisis)",
    ),
    Column(
        "troops_needed",
        "float64",
        "guarantor troops that, with Ukraine's own forces in the sector, stop the advance by "
        "the 3:1 rule (front model; 0 for a strike)",
    ),
    Column(
        "package_eur_7d",
        "float64",
        "EUR of defence support and aid delivered, and sanctions in force, 7 days after the "
        "attack (delivery.package_value; first crisis)",
    ),
    Column(
        "engaged",
        "bool",
        "the posture engaged some guarantor's forces, counted as committed (first crisis)",
    ),
    Column(
        "posture_held",
        "bool",
        "the posture was still in place at the first crisis (not posture_lapsed)",
    ),
    Column(
        "attack_pattern",
        "string",
        "one letter per opportunity of the campaign: '-' the adversary waited, 'H' it attacked "
        "and the guarantee was honoured, 'U' it attacked and it was not",
    ),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)

NO_ATTACK, HONOURED, UNANSWERED = "-", "H", "U"
"""The letters of ``attack_pattern``."""


def schema() -> pa.Schema:
    """The Arrow schema of a results file: every column, none nullable."""
    import pyarrow as pa

    arrow = {
        "bool": pa.bool_(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "string": pa.string(),
    }
    return pa.schema([pa.field(c.name, arrow[c.dtype], nullable=False) for c in COLUMNS])


def empty_row() -> dict[str, Any]:
    """A row with every column at its 'nothing happened' value."""
    zero: dict[str, Any] = {"bool": False, "int64": 0, "float64": float("nan"), "string": ""}
    return {c.name: zero[c.dtype] for c in COLUMNS}


def check_row(row: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` if ``row`` lacks a column or has one too many."""
    missing = [n for n in NAMES if n not in row]
    extra = [n for n in row if n not in NAMES]
    if missing or extra:
        raise ValueError(f"results row: missing {missing}, unknown {extra}")


def to_table(
    rows: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any] | None = None
) -> pa.Table:
    """The rows as an Arrow table with :func:`schema` (and ``metadata`` as JSON)."""
    import pyarrow as pa

    table_schema = schema()
    arrays = []
    for c in COLUMNS:
        values = [r[c.name] for r in rows]
        if c.dtype == "float64":
            arrays.append(pa.array(np.asarray(values, dtype=np.float64), type=pa.float64()))
        else:
            arrays.append(pa.array(values, type=table_schema.field(c.name).type))
    table = pa.Table.from_arrays(arrays, schema=table_schema)
    if metadata:
        meta = {b"pact24": json.dumps(dict(metadata), sort_keys=True).encode()}
        table = table.replace_schema_metadata(meta)
    return table


def write_parquet(
    rows: Sequence[Mapping[str, Any]], path: Path | str, metadata: Mapping[str, Any] | None = None
) -> None:
    """Write the rows to ``path``; the same rows and metadata always give the same bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    buffer = pa.BufferOutputStream()
    pq.write_table(to_table(rows, metadata), buffer, compression="zstd", write_statistics=True)
    write_atomic(path, buffer.getvalue().to_pybytes())


def read_parquet(path: Path | str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frame: pd.DataFrame = pq.read_table(path).to_pandas()
    return frame


def metadata_of(path: Path | str) -> dict[str, Any]:
    """The ``pact24`` metadata written with a results file (design, scenario, seed, ...)."""
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"pact24")
    return {} if raw is None else dict(json.loads(raw))
