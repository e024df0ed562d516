"""Reading and validating event tables (``decision_lags.csv`` and files like it).

Every problem is reported as :class:`pact24.errors.InvalidInput` naming the file, the row
(1-based data row, its line in the file and its ``event_id``) and the column. The whole file is
validated before anything is returned, so callers never act on half a table.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np

from pact24.calibrate.likelihood import group_codes, observation_bounds
from pact24.errors import InvalidInput
from pact24.sim.models.timing import (
    ATTRIBUTIONS,
    COMMITMENTS,
    INSTRUMENTS,
    SEVERITIES,
    STAGES,
    DesignMatrix,
    LagCovariates,
    design_matrix,
)

ACTOR_KINDS: tuple[str, ...] = ("state", "eu", "nato", "coalition", "un")

#: Columns ``calibrate predict`` needs (others are ignored).
PREDICT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "trigger_date",
    "actor",
    "actor_kind",
    "n_deciders",
    "instrument",
    "stage",
    "commitment",
    "attribution",
    "severity",
    "nuclear_adversary",
    "legislature_required",
)
#: Columns ``calibrate fit`` needs.
FIT_COLUMNS: tuple[str, ...] = (*PREDICT_COLUMNS, "lag_days", "censored")
#: Columns ``calibrate backtest`` needs (the crisis defines the held-out groups).
BACKTEST_COLUMNS: tuple[str, ...] = (*FIT_COLUMNS, "crisis")
#: Optional columns: read when present, defaulted when absent (older tables still load).
#: ``framework``: a standing, pre-agreed procedure governed the decision (default false).
OPTIONAL_COLUMNS: tuple[str, ...] = ("framework",)

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


@dataclass(frozen=True)
class EventRow:
    """One validated row. Its ``covariates`` carry the table-derived ``nth_of_kind``
    (:func:`nth_of_kind`, computed when the whole table has been read) and its ``framework``
    flag."""

    event_id: str
    trigger_date: date
    actor: str
    actor_kind: str
    covariates: LagCovariates
    crisis: str | None = None
    lag_days: float | None = None
    censored: bool | None = None
    framework: bool = False


@dataclass(frozen=True)
class EventTable:
    """Validated rows of one file, in file order."""

    rows: tuple[EventRow, ...]
    source: str = ""
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def event_ids(self) -> list[str]:
        return [r.event_id for r in self.rows]

    @property
    def crises(self) -> list[str]:
        return [r.crisis or "" for r in self.rows]

    def groups(self) -> np.ndarray:
        """Crisis codes 0..G-1 per row: the ``crisis`` column, else rows sharing a trigger date
        (rows of one crisis share its trigger)."""
        labels = [r.crisis if r.crisis else f"trigger {r.trigger_date}" for r in self.rows]
        return group_codes(labels)

    def design(self) -> DesignMatrix:
        return design_matrix([r.covariates for r in self.rows])

    def lags(self) -> np.ndarray:
        if any(r.lag_days is None for r in self.rows):
            raise ValueError("this table has no lag_days")
        return np.array([r.lag_days for r in self.rows], dtype=np.float64)

    def censored(self) -> np.ndarray:
        return np.array([bool(r.censored) for r in self.rows], dtype=bool)

    def framework(self) -> np.ndarray:
        """``framework`` per row (false where the file had no such column)."""
        return np.array([r.framework for r in self.rows], dtype=bool)

    def nth_of_kind(self) -> np.ndarray:
        """The escalation-ladder rank of each row (as read: :func:`nth_of_kind` of the whole
        file, kept by :meth:`subset`)."""
        return np.array([r.covariates.nth_of_kind for r in self.rows], dtype=np.int64)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """``(lo, hi)`` per row: ``[d, d+1)`` days if observed, ``[c, inf)`` if censored."""
        return observation_bounds(self.lags(), self.censored())

    def subset(self, mask: Sequence[bool] | np.ndarray) -> EventTable:
        keep = np.asarray(mask, dtype=bool)
        return EventTable(
            rows=tuple(r for r, k in zip(self.rows, keep, strict=True) if k),
            source=self.source,
            sha256=self.sha256,
        )


def actor_key(actor: str) -> str:
    """The actor as :func:`nth_of_kind` groups it: parenthesised qualifiers dropped
    (``NATO (NAC)`` -> ``NATO``, ``US (+coalition)`` -> ``US``) and the members of a coalition
    sorted (``Germany + US`` and ``US + Germany`` are one actor). Different bodies stay apart
    (``US`` and ``US Congress``, ``EU`` and ``EU Commission``, ``UN Security Council`` and
    ``UN General Assembly``), and so do coalitions written with different members."""
    text = re.sub(r"\([^)]*\)", " ", actor)
    parts = [p.strip() for p in re.split(r"[+/;,&]| and ", text)]
    return "+".join(sorted({" ".join(p.split()) for p in parts if p.strip()}))


def nth_of_kind(rows: Sequence[EventRow]) -> np.ndarray:
    """Rank of each row among the decisions of its kind in its crisis (1 for the first).

    The kind is (crisis, :func:`actor_key`, instrument, stage); the crisis is the ``crisis``
    column, else the trigger date. Rows are ordered by trigger date, then by the outcome date
    (``trigger_date + lag_days``; for a censored row the end of the observed time). A row's rank
    is 1 + the number of decisions of its kind actually taken (uncensored rows) strictly before
    it, so rows of one kind on the same day share a rank and a decision never taken (censored)
    ranks as the next one. Computed from the table, so it is not stored; pass the rows of
    several tables together to rank across them. Rows without ``lag_days`` (a table to predict,
    whose outcomes are not known) are ranked in file order within their kind.
    """
    keys = []
    times = []
    dated = all(r.lag_days is not None for r in rows)
    for pos, r in enumerate(rows):
        crisis = r.crisis if r.crisis else f"trigger {r.trigger_date}"
        cov = r.covariates
        keys.append((crisis, actor_key(r.actor), cov.instrument, cov.stage))
        end = r.trigger_date.toordinal() + r.lag_days if r.lag_days is not None else 0.0
        times.append((r.trigger_date.toordinal(), end if dated else float(pos)))
    out = np.ones(len(rows), dtype=np.int64)
    for i in range(len(rows)):
        out[i] = 1 + sum(
            1
            for j in range(len(rows))
            if keys[j] == keys[i] and not rows[j].censored and times[j] < times[i]
        )
    return out


def shipped_events_path() -> Path:
    """Path of the shipped ``decision_lags.csv``: every shipped row (the first training rows
    E*, the first prospective holdout A*/B* and the standing-procedure rows F*), all fitted."""
    return Path(str(resources.files("pact24") / "data" / "decision_lags.csv"))


def read_events(path: str | Path, required: Sequence[str] = FIT_COLUMNS) -> EventTable:
    """Read and validate ``path``; ``required`` names the columns that must be present."""
    p = Path(path)
    name = p.name
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{name}: cannot read file: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_events(text, name=name, required=required, sha256=hashlib.sha256(raw).hexdigest())


def parse_events(
    text: str, *, name: str = "<events>", required: Sequence[str] = FIT_COLUMNS, sha256: str = ""
) -> EventTable:
    """Validate CSV ``text`` (see :func:`read_events`)."""
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput(f"{name}: empty file (no header row)") from None
    header = [h.strip() for h in header]
    for col in required:
        if col not in header:
            raise InvalidInput(
                f"{name}: missing column {col!r} (the header has: {', '.join(header)})"
            )
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise InvalidInput(f"{name}: duplicate column(s) {', '.join(map(repr, dupes))}")
    index = {h: i for i, h in enumerate(header)}
    want_fit = "lag_days" in required
    want_crisis = "crisis" in required

    rows: list[EventRow] = []
    seen: dict[str, int] = {}
    row_no = 0
    for cells in reader:
        if not cells or all(not c.strip() for c in cells):
            continue
        row_no += 1
        line = reader.line_num
        if len(cells) != len(header):
            eid = cells[index["event_id"]].strip() if len(cells) > index["event_id"] else "?"
            raise InvalidInput(
                f"{name}: row {row_no} (line {line}, event_id {eid!r}): has {len(cells)} "
                f"fields, the header has {len(header)}"
            )
        get = _Getter(name, row_no, line, cells, index)
        event_id = get.text("event_id")
        if event_id in seen:
            raise get.error("event_id", f"duplicate of row {seen[event_id]}")
        seen[event_id] = row_no
        trigger = get.date("trigger_date")
        actor = get.raw("actor")
        actor_kind = get.choice("actor_kind", ACTOR_KINDS)
        n_deciders = get.integer("n_deciders", minimum=1)
        instrument = get.choice("instrument", INSTRUMENTS)
        stage = get.choice("stage", STAGES)
        commitment = get.choice("commitment", COMMITMENTS)
        attribution = get.choice("attribution", ATTRIBUTIONS)
        severity = get.choice("severity", SEVERITIES)
        nuclear = get.boolean("nuclear_adversary")
        legislature = get.boolean("legislature_required")
        framework = get.boolean("framework") if "framework" in index else False
        cov = LagCovariates(
            instrument=instrument,
            stage=stage,
            n_deciders=n_deciders,
            commitment=commitment,
            attribution=attribution,
            severity=severity,
            nuclear_adversary=nuclear,
            legislature_required=legislature,
            framework=framework,
        )
        lag: float | None = None
        censored: bool | None = None
        if want_fit:
            censored = get.boolean("censored")
            lag = get.number("lag_days", minimum=0.0)
            if not censored and "outcome_date" in index:
                outcome_text = cells[index["outcome_date"]].strip()
                if outcome_text:
                    outcome = get.date("outcome_date")
                    if (outcome - trigger).days != lag:
                        raise get.error(
                            "lag_days",
                            f"{lag:g} does not equal outcome_date - trigger_date "
                            f"({(outcome - trigger).days} days)",
                        )
        crisis = get.text("crisis") if want_crisis else None
        if crisis is None and "crisis" in index:
            crisis = cells[index["crisis"]].strip() or None
        rows.append(
            EventRow(
                event_id=event_id,
                trigger_date=trigger,
                actor=actor,
                actor_kind=actor_kind,
                covariates=cov,
                crisis=crisis,
                lag_days=lag,
                censored=censored,
                framework=framework,
            )
        )
    if not rows:
        raise InvalidInput(f"{name}: no data rows")
    ranks = nth_of_kind(rows)
    ranked = tuple(
        replace(r, covariates=replace(r.covariates, nth_of_kind=int(n)))
        for r, n in zip(rows, ranks, strict=True)
    )
    return EventTable(rows=ranked, source=name, sha256=sha256)


class _Getter:
    """Reads typed cells of one row; errors name the row and the column."""

    def __init__(
        self, name: str, row_no: int, line: int, cells: list[str], index: dict[str, int]
    ) -> None:
        self.name, self.row_no, self.line, self.cells, self.index = name, row_no, line, cells, index

    def error(self, column: str, problem: str) -> InvalidInput:
        eid = self.cells[self.index["event_id"]].strip() if "event_id" in self.index else "?"
        return InvalidInput(
            f"{self.name}: row {self.row_no} (line {self.line}, event_id {eid!r}), "
            f"column {column!r}: {problem}",
            row=self.row_no,
            line=self.line,
            column=column,
        )

    def raw(self, column: str) -> str:
        return self.cells[self.index[column]].strip()

    def text(self, column: str) -> str:
        value = self.raw(column)
        if not value:
            raise self.error(column, "empty")
        return value

    def choice(self, column: str, allowed: tuple[str, ...]) -> str:
        value = self.text(column)
        if value not in allowed:
            raise self.error(
                column, f"unknown value {value!r}; expected one of {', '.join(allowed)}"
            )
        return value

    def boolean(self, column: str) -> bool:
        value = self.text(column).lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise self.error(column, f"{self.raw(column)!r} is not true/false")

    def integer(self, column: str, minimum: int) -> int:
        value = self.text(column)
        try:
            n = int(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not an integer") from None
        if n < minimum:
            raise self.error(column, f"{n} is below {minimum}")
        return n

    def number(self, column: str, minimum: float) -> float:
        value = self.text(column)
        try:
            x = float(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not a number") from None
        if not np.isfinite(x) or x < minimum:
            raise self.error(column, f"{value!r} must be a finite number >= {minimum:g}")
        return x

    def date(self, column: str) -> date:
        value = self.text(column)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(column, f"{value!r} is not a date (YYYY-MM-DD)") from None
