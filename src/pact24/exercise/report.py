"""The after-action report: what happened, who decided what and when, and how it compares.

Read back from the service after the close, through the API like any reader: the timeline
(every recorded event), the receipts (what the silence rule decided), the outcome and the
ledger export, which is verified here (every entry, checkpoint and signature) and checked to
carry the exercise mark on every entry. The exercise's own log adds the injects that leave no
event (disinformation, an unreachable delegate). Written as HTML (Jinja2), two CSV files
(``timeline.csv``, ``decisions.csv``) and the ledger (``ledger.jsonl``).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import jinja2

from pact24 import wording
from pact24.designs.schema import Design
from pact24.errors import Pact24Error
from pact24.exercise.compare import Distribution
from pact24.exercise.msel import Msel
from pact24.exercise.play import Played
from pact24.files import write_atomic
from pact24.ledger.jsonl import verify_jsonl
from pact24.mechanism import (
    ConditionResolved,
    DecisionRecorded,
    Event,
    IncidentReported,
    codec,
)
from pact24.service import client
from pact24.vocab import Choice, Instrument


@dataclass(frozen=True)
class Row:
    """One line of the timeline: an inject or a recorded event, at an exercise hour."""

    hour: float
    source: str
    who: str
    what: str
    by: str


@dataclass(frozen=True)
class Decision:
    hour: float
    guarantor: str
    played_by: str
    delegate: str
    instrument: str
    choice: str
    condition: str
    revision: int
    note: str


@dataclass(frozen=True)
class LedgerCheck:
    size: int
    marked: bool
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None and self.marked

    def text(self) -> str:
        return wording.ledger_check_text(self.size, self.marked, self.error)


@dataclass(frozen=True)
class Debrief:
    """Everything the report shows."""

    msel: Msel
    design: Design
    played: Played
    timeline: list[Row]
    decisions: list[Decision]
    silence: list[str]
    honoured: bool
    rule: str
    first_troops_hour: float | None
    comparison: list[str]
    ledger: LedgerCheck


@dataclass(frozen=True)
class Fetched:
    """What the service holds of one exercise after its close."""

    events: list[Event]
    board: dict[str, Any]
    injects: list[dict[str, Any]]


def fetch(http: httpx.Client, gid: str, out: Path) -> Fetched:
    """The recorded events, the board and the injects after the close; writes the ledger to
    ``out``."""

    def get(path: str) -> Any:
        r = http.get(f"/api/v1/guarantees/{gid}{path}")
        client.raise_for_problem(r)
        return r.json()

    events = [codec.from_dict(e["body"]) for e in get("/timeline")["events"]]
    _, _, data = client.ledger_export(http, gid)
    write_atomic(out / "ledger.jsonl", data)
    return Fetched(events, dict(get("/board")), list(get("/injects")))


def check_ledger(path: Path) -> LedgerCheck:
    """Verify the exported ledger and that every entry carries the exercise mark."""
    lines = path.read_bytes().splitlines()[1:]
    marked = all(json.loads(line)["entry"].get("mode") == "exercise" for line in lines)
    try:
        verified = verify_jsonl(path)
    except Pact24Error as exc:
        return LedgerCheck(len(lines), marked, str(exc))
    return LedgerCheck(verified.size, marked, None)


def debrief(
    msel: Msel,
    design: Design,
    played: Played,
    fetched: Fetched,
    ledger: LedgerCheck,
    dist: Distribution,
) -> Debrief:
    events, board = fetched.events, fetched.board
    names = {g.iso3: g.name for g in design.guarantors}
    rows = [
        Row(
            played.hour(datetime.fromisoformat(x["at"])),
            "inject",
            x["sent_by"],
            wording.inject_text(x["kind"], x["text"]),
            "",
        )
        for x in fetched.injects
    ]
    decisions = []
    for e in events:
        words = wording.event_words(
            e, lambda iso3: names.get(iso3, iso3), lambda at: wording.hour_text(played.hour(at))
        )
        rows.append(Row(played.hour(e.at), "record", words.who, words.what, words.by or ""))
        if isinstance(e, DecisionRecorded):
            decisions.append(
                Decision(
                    hour=played.hour(e.at),
                    guarantor=e.guarantor,
                    played_by=wording.PLAYED_BY[played.players[e.guarantor]],
                    delegate=e.delegate,
                    instrument=e.instrument.value,
                    choice=e.choice.value,
                    condition=wording.condition_words(e.condition),
                    revision=e.revision,
                    note=e.note or "",
                )
            )
    rows.sort(key=lambda r: (r.hour, r.source != "inject"))
    outcome = board["outcome"]
    unanswered: dict[str, list[tuple[str, str]]] = {}
    for r in board["receipts"]:
        if r["by_silence"]:
            unanswered.setdefault(r["guarantor"], []).append((r["instrument"], r["status"]))
    silence = [wording.silence_text(names.get(g, g), pairs) for g, pairs in unanswered.items()]
    first = first_troops_hour(events, board, played)
    honoured = bool(outcome["honoured"])
    comparison = [
        wording.by_then_text("committed troops", first, dist.share_by(first), dist.runs),
        wording.honoured_share_text(honoured, dist.share_honoured(), dist.runs),
    ]
    return Debrief(
        msel,
        design,
        played,
        rows,
        decisions,
        silence,
        honoured,
        outcome["rule"],
        first,
        comparison,
        ledger,
    )


def first_troops_hour(events: list[Event], board: dict[str, Any], played: Played) -> float | None:
    """Hours from the report to the first troop commitment that counted at the close, as the
    simulator measures it: when the counted revision was made, or its condition met; forces
    engaged by the posture count from the report itself."""
    report = next(e.at for e in events if isinstance(e, IncidentReported))
    made: dict[tuple[str, int], datetime] = {}
    met: dict[str, list[datetime]] = {}
    for e in events:
        if isinstance(e, DecisionRecorded) and e.instrument is Instrument.TROOPS:
            made[(e.guarantor, e.revision)] = e.at
        elif isinstance(e, ConditionResolved) and e.instrument is Instrument.TROOPS and e.met:
            met.setdefault(e.guarantor, []).append(e.at)
    times = []
    for r in board["receipts"]:
        if r["instrument"] != Instrument.TROOPS.value or not r["counts"]:
            continue
        at = made.get((r["guarantor"], r["revision"]))
        if r["engaged_by_posture"] or at is None:
            times.append(report)
        elif r["status"] == Choice.CONDITIONAL.value or r["condition"] is not None:
            times.append(max([at, *[m for m in met.get(r["guarantor"], []) if m >= at]]))
        else:
            times.append(at)
    if not times:
        return None
    return (min(times) - report).total_seconds() / 3600.0


_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("pact24.exercise", "templates"),
    autoescape=jinja2.select_autoescape(("html",)),
    undefined=jinja2.StrictUndefined,
)


def write(d: Debrief, out: Path) -> list[Path]:
    """Write ``report.html``, ``timeline.csv`` and ``decisions.csv`` into ``out``."""
    html = _TEMPLATES.get_template("report.html").render(
        d=d, mark=wording.EXERCISE_MARK, labels=wording.PLAYED_BY, verdict=wording.verdict
    )
    paths = [out / "report.html", out / "timeline.csv", out / "decisions.csv"]
    write_atomic(paths[0], html)
    write_atomic(
        paths[1],
        _csv(
            ["mode", "hour", "source", "who", "what", "by"],
            [["exercise", f"{r.hour:.3f}", r.source, r.who, r.what, r.by] for r in d.timeline],
        ),
    )
    write_atomic(
        paths[2],
        _csv(
            [
                "mode",
                "hour",
                "guarantor",
                "played_by",
                "delegate",
                "instrument",
                "choice",
                "condition",
                "revision",
                "note",
            ],
            [
                [
                    "exercise",
                    f"{x.hour:.3f}",
                    x.guarantor,
                    x.played_by,
                    x.delegate,
                    x.instrument,
                    x.choice,
                    x.condition,
                    x.revision,
                    x.note,
                ]
                for x in d.decisions
            ],
        ),
    )
    return paths


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
