"""The folder a sweep streams into, and how it resumes.

::

    DIR/run.json             the sweep's arguments (what its results depend on)
    DIR/experiments.parquet  the futures: one row each (written first: it is the plan)
    DIR/parts/<task>.parquet the outcome rows of one finished task, written all or nothing
    DIR/outcomes.parquet     every finished part's rows, sorted; rewritten as parts come in

A task whose part file exists is done: running the same sweep again into the same folder runs
only the others, and the merged table equals an uninterrupted run's (rows are sorted, and a
row's numbers depend on its seed alone). A folder made with different arguments is refused,
since mixing its parts with new ones would give a table no single sweep produced.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pact24.errors import InvalidInput
from pact24.explore.outcomes import OUTCOMES
from pact24.files import write_atomic

RUN = "run.json"
EXPERIMENTS = "experiments.parquet"
OUTCOMES_FILE = "outcomes.parquet"
PARTS = "parts"
KEYS = ("design", "future", "family")

SCHEMA = pa.schema(
    [
        pa.field("design", pa.string(), nullable=False),
        pa.field("future", pa.int64(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("runs", pa.int64(), nullable=False),
        *(pa.field(name, pa.float64()) for name in OUTCOMES),
    ]
)
"""``outcomes.parquet``: the keys, the run count, then :data:`~pact24.explore.outcomes.OUTCOMES`."""


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


class Folder:
    """A sweep's output folder (see the module docstring)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @property
    def parts(self) -> Path:
        return self.path / PARTS

    def start(self, arguments: Mapping[str, Any], experiments: pd.DataFrame) -> None:
        """Claim the folder for a sweep with ``arguments`` (refused if another sweep made it)
        and write its experiments table."""
        run = self.path / RUN
        if run.exists():
            held = json.loads(run.read_text())
            if held != json.loads(json.dumps(dict(arguments))):
                differ = sorted(
                    k for k in held.keys() | arguments.keys() if held.get(k) != arguments.get(k)
                )
                raise InvalidInput(
                    f"{self.path} holds a sweep made with other arguments "
                    f"({', '.join(differ)} differ); use another output folder or remove it "
                    "to start again",
                    folder=str(self.path),
                )
        else:
            write_atomic(run, json.dumps(dict(arguments), indent=2, sort_keys=True) + "\n")
        table = pa.Table.from_pandas(experiments, preserve_index=False)
        write_atomic(self.path / EXPERIMENTS, _parquet(table))

    def finished(self) -> set[str]:
        """The keys of the tasks whose part file is there."""
        return {p.stem for p in self.parts.glob("*.parquet")} if self.parts.exists() else set()

    def add(self, key: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write one finished task's outcome rows as its part file (all or nothing)."""
        table = pa.Table.from_pylist([dict(r) for r in rows], schema=SCHEMA)
        write_atomic(self.parts / f"{key}.parquet", _parquet(table))

    def merge(self) -> None:
        """Rewrite ``outcomes.parquet`` from every part file, rows sorted by design, future and
        family (so the table does not depend on which task finished first)."""
        files = sorted(self.parts.glob("*.parquet")) if self.parts.exists() else []
        tables = [pq.read_table(f, schema=SCHEMA) for f in files]
        table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
        table = table.sort_by([(k, "ascending") for k in KEYS])
        write_atomic(self.path / OUTCOMES_FILE, _parquet(table))


def read_tables(path: Path | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(experiments, outcomes)`` of a sweep folder."""
    folder = Path(path)
    experiments: pd.DataFrame = pq.read_table(folder / EXPERIMENTS).to_pandas()
    outcomes: pd.DataFrame = pq.read_table(folder / OUTCOMES_FILE).to_pandas()
    return experiments, outcomes


def read_arguments(path: Path | str) -> dict[str, Any]:
    """The arguments a sweep folder was made with (``run.json``)."""
    arguments: dict[str, Any] = json.loads((Path(path) / RUN).read_text())
    return arguments
