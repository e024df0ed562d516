"""Where each results column lives in the kernel's per-run buffers, and how the buffers become the
columns of ``pact24.sim.results``.

Compiled code writes numbers only: every column but the three strings goes into one float64 row
(booleans as 0/1, counts exactly, the family and incident kind as codes, -1 for none), and the
attack pattern into one byte per opportunity. :func:`decode` turns a buffer into the results
columns with their schema dtypes, so a kernel table and a reference table read alike.
"""

from __future__ import annotations

import numpy as np

from pact24.sim import results
from pact24.sim.models.scenario import FAMILIES
from pact24.vocab import IncidentKind

STRINGS = frozenset({"design", "scenario", "attack_pattern"})
"""Columns that are the same for every run of a setup, or (the pattern) kept as bytes."""

CODES: dict[str, tuple[str, ...]] = {
    "first_family": tuple(f.value for f in FAMILIES),
    "incident_kind": tuple(k.value for k in IncidentKind),
}
"""String columns kept as an index into these values (-1: '', no crisis)."""

NUMERIC: tuple[str, ...] = tuple(c.name for c in results.COLUMNS if c.name not in STRINGS)
"""The columns of the float64 row, in schema order."""

INDEX: dict[str, int] = {name: i for i, name in enumerate(NUMERIC)}

DTYPES: dict[str, str] = {c.name: c.dtype for c in results.COLUMNS}

PATTERN_LETTERS = np.frombuffer(
    (results.NO_ATTACK + results.HONOURED + results.UNANSWERED).encode(), dtype=np.uint8
)
"""Byte ``k`` of a pattern buffer is letter ``PATTERN_LETTERS[k]`` of ``attack_pattern``."""


def empty_row() -> np.ndarray:
    """The float64 row of a run without a crisis (``results.empty_row`` in numbers)."""
    row = np.empty(len(NUMERIC))
    nothing = results.empty_row()
    for name, i in INDEX.items():
        if name in CODES:
            row[i] = -1.0
        else:
            row[i] = float(nothing[name])
    return row


def decode(
    rows: np.ndarray, pattern: np.ndarray, design: str, scenario: str
) -> dict[str, np.ndarray]:
    """The results columns of ``len(rows)`` runs from their float rows and pattern bytes."""
    n = rows.shape[0]
    cols: dict[str, np.ndarray] = {}
    for c in results.COLUMNS:
        if c.name == "design":
            cols[c.name] = np.full(n, design)
        elif c.name == "scenario":
            cols[c.name] = np.full(n, scenario)
        elif c.name == "attack_pattern":
            letters = PATTERN_LETTERS[pattern]
            width = pattern.shape[1]
            cols[c.name] = letters.view(f"S{width}").reshape(n).astype(f"U{width}")
        elif c.name in CODES:
            values = np.array(("", *CODES[c.name]))
            cols[c.name] = values[rows[:, INDEX[c.name]].astype(np.int64) + 1]
        elif c.dtype == "bool":
            cols[c.name] = rows[:, INDEX[c.name]] != 0.0
        elif c.dtype == "int64":
            cols[c.name] = rows[:, INDEX[c.name]].astype(np.int64)
        else:
            cols[c.name] = rows[:, INDEX[c.name]].copy()
    return cols
