"""One exercise from start to debrief: a service (its own, or one given), the play, the report.

Without ``server`` a service of its own is started (``server.local_service``: ``pact24 serve``
on SQLite in ``out/server``) and stopped afterwards; with one, the director's admin token is
needed. The simulator's comparison runs after the close, so it costs no exercise time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pact24.designs.schema import Design
from pact24.errors import InvalidInput
from pact24.exercise import compare, msel, report, server
from pact24.exercise.play import Exercise
from pact24.sim.reference.setup import prepare

Tick = Callable[[float, dict[str, Any]], None]


@dataclass(frozen=True)
class Result:
    guarantee: str
    debrief: report.Debrief
    files: list[Path]


def run(
    name_or_path: str,
    out: Path,
    *,
    speed: float | None = None,
    url: str | None = None,
    token: str | None = None,
    runs: int = compare.RUNS,
    tick: Tick | None = None,
    on_ready: Callable[[Path], None] | None = None,
) -> Result:
    """Play the MSEL (a sample's name or a file) and write the report and ledger to ``out``.
    ``on_ready(players.json)`` is called once people's tokens and keys are written, before
    hour 0's injects; ``tick(hour, board)`` after every look at the board."""
    script, design = msel.resolve(name_or_path)
    out.mkdir(parents=True, exist_ok=True)
    if url is None:
        with server.local_service(out / "server") as local:
            return _run(script, design, local.url, local.token, out, speed, runs, tick, on_ready)
    if token is None:
        raise InvalidInput("--server needs the exercise director's admin token (--token)")
    return _run(script, design, url, token, out, speed, runs, tick, on_ready)


def _run(
    script: msel.Msel,
    design: Design,
    url: str,
    token: str,
    out: Path,
    speed: float | None,
    runs: int,
    tick: Tick | None,
    on_ready: Callable[[Path], None] | None,
) -> Result:
    ex = Exercise(script, design, url, token, out, speed)
    try:
        played = ex.prepare()
        if on_ready is not None:
            on_ready(out / "players.json")
        ex.play(played, tick)
        fetched = report.fetch(ex.director, played.guarantee, out)
    finally:
        ex.close()
    ledger = report.check_ledger(out / "ledger.jsonl")
    dist = compare.simulate(prepare(design, script.scenario), design, script, runs)
    d = report.debrief(script, design, played, fetched, ledger, dist)
    files = report.write(d, out)
    return Result(played.guarantee, d, [*files, out / "ledger.jsonl"])
