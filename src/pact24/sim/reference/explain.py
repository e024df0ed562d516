"""``--explain K``: one run told as a timeline, read from the events the mechanism accepted.

Everything about the deliberation comes from the event log (the notes guarantors attach to
their decisions say why they hesitated); only the front line at the end of each crisis comes from
the front model, which is not part of the mechanism.
"""

from __future__ import annotations

import math
from datetime import datetime

from pact24 import wording
from pact24.mechanism import (
    DecisionRecorded,
    Event,
    OutcomeDeclared,
    ReceiptsFrozen,
    WindowOpened,
)
from pact24.sim.reference.records import CrisisRecord, RunRecord
from pact24.sim.reference.setup import Setup
from pact24.vocab import Instrument, ReceiptStatus


def _h(t0: datetime, at: datetime) -> str:
    return f"+{(at - t0).total_seconds() / 3600.0:.1f} h".rjust(9)


def _event_line(t0: datetime, e: Event) -> str:
    def after_attack(at: datetime) -> str:
        return f"{_h(t0, at).strip()} after the attack"

    return f"{_h(t0, e.at)}  {wording.event_words(e, when=after_attack).sentence}"


def _receipts(frozen: ReceiptsFrozen) -> list[str]:
    lines = []
    for ins in Instrument:
        rs = [r for r in frozen.receipts if r.instrument is ins]
        if not rs:
            continue
        parts = []
        counted = [r.guarantor + ("*" if r.engaged_by_posture else "") for r in rs if r.counts]
        if counted:
            parts.append(f"counted {', '.join(counted)}")
        unmet = [
            f"{r.guarantor} ({wording.condition_words(r.condition)})"
            for r in rs
            if r.status is ReceiptStatus.CONDITIONAL and not r.counts and r.condition is not None
        ]
        if unmet:
            parts.append(f"conditions unmet: {', '.join(unmet)}")
        declined = [
            r.guarantor for r in rs if r.status is ReceiptStatus.DECLINE and not r.by_silence
        ]
        if declined:
            parts.append(f"declined {', '.join(declined)}")
        silent = [r for r in rs if r.by_silence]
        if silent:
            who = ", ".join(r.guarantor for r in silent)
            parts.append(f"silent {who} (counted as {silent[0].status.value})")
        name = wording.instrument_name(ins)
        lines.append(f"    {name:16s} " + "; ".join(parts or ["nobody answered"]))
    if any(r.engaged_by_posture for r in frozen.receipts):
        lines.append("    (* engaged by the posture: its stationed forces were attacked)")
    return lines


def _hesitation(t0: datetime, c: CrisisRecord) -> list[str]:
    """Who hesitated on troops: late answers, conditions, revisions, silence."""
    decisions = [
        e for e in c.events if isinstance(e, DecisionRecorded) and e.instrument is Instrument.TROOPS
    ]
    opened = next((e for e in c.events if isinstance(e, WindowOpened)), None)
    frozen = next((e for e in c.events if isinstance(e, ReceiptsFrozen)), None)
    if opened is None or frozen is None:
        return []
    lines = []
    first: dict[str, DecisionRecorded] = {}
    for e in decisions:
        first.setdefault(e.guarantor, e)
    late = [
        f"{g} ({(e.at - t0).total_seconds() / 3600:.0f} h)"
        for g, e in first.items()
        if opened.deadline is not None and (e.at - opened.at) > (opened.deadline - opened.at) / 2
    ]
    if late:
        lines.append(f"    answered late: {', '.join(late)}")
    conds = sorted(
        {f"{e.guarantor}: {wording.condition_words(e.condition)}" for e in decisions if e.condition}
    )
    if conds:
        lines.append(f"    attached conditions: {'; '.join(conds)}")
    revised = sorted({e.guarantor for e in decisions if e.revision > 1})
    if revised:
        lines.append(f"    revised their answer: {', '.join(revised)}")
    silent = [
        r.guarantor for r in frozen.receipts if r.instrument is Instrument.TROOPS and r.by_silence
    ]
    if silent:
        lines.append(f"    silent to the end: {', '.join(silent)}")
    return ["  who hesitated on troops:", *lines] if lines else []


def explain(setup: Setup, record: RunRecord, seed: int) -> list[str]:
    """The narrative of one run, line by line."""
    head = (
        f"Run {record.run} of {setup.design.name} against {setup.scenario} (seed {seed}): "
        f"{len(record.crises)} crisis(es)"
    )
    lines = [head]
    if not record.crises:
        lines.append(
            "  The adversary never attacked: the guarantee deterred it at every opportunity."
        )
        return lines
    for c in record.crises:
        t0 = c.events[0].at
        lapsed = " — the posture had been given up by then" if c.lapsed else ""
        lines.append("")
        lines.append(
            f"Crisis {c.index + 1}, day {c.day:.0f} ({t0:%Y-%m-%d %H:%M} UTC): "
            f"{c.attack.summary()}{lapsed}"
        )
        for e in c.events:
            if isinstance(e, ReceiptsFrozen):
                lines.append(f"{_h(t0, e.at)}  receipts frozen:")
                lines.extend(_receipts(e))
                continue
            if isinstance(e, OutcomeDeclared):
                verdict = wording.verdict(e.outcome.honoured)
                lines.append(f"{_h(t0, e.at)}  outcome: {verdict} ({e.outcome.rule})")
                lines.extend(_hesitation(t0, c))
                continue
            lines.append(_event_line(t0, e))
        if not c.window_opened:
            lines.append(
                "  the window never opened: attribution never reached the design's threshold"
            )
        eff = (
            "no effective response in time"
            if math.isnan(c.effective_hours)
            else f"effective response at +{c.effective_hours:.0f} h"
        )
        if c.attack.size <= 0:
            lines.append("  front: no ground attack, no territory at risk")
        elif c.troops_needed <= 0:
            lines.append("  front: Ukraine's own forces in the sector hold the attack (3:1 rule)")
        else:
            lines.append(
                f"  front: {c.territory_km2:,.0f} km² at risk; {c.troops_needed:,.0f} guarantor "
                f"troops needed beside Ukraine's; {eff}"
            )
    return lines
