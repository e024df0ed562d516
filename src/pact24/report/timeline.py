"""A deliberation as people read it: a timeline table and an outcome summary.

Used by ``pact24 demo`` and ``pact24 replay``; the words come from ``pact24.wording``, which the
simulator's ``--explain`` narrative and the web board use too, so a live record and a simulated
one read the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pact24 import wording
from pact24.mechanism import (
    AttributionAssessed,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    Outcome,
    OutcomeDeclared,
    ReceiptsFrozen,
    WindowClosed,
    WindowOpened,
)


def describe(event: Event) -> tuple[str, str]:
    """(who, what) for one event, in plain words."""
    if isinstance(event, IncidentReported):
        return event.reported_by, (
            f"reports {wording.plain(event.kind)} ({event.severity.value} severity), "
            f"{len(event.evidence)} evidence hash(es)"
            + (f": {event.summary}" if event.summary else "")
        )
    if isinstance(event, AttributionAssessed):
        return event.assessed_by, f"attribution confidence {wording.percent(event.confidence)}"
    if isinstance(event, WindowOpened):
        until = "no deadline" if event.deadline is None else f"deadline {_t(event.deadline)}"
        return "mechanism", f"window opens ({until})"
    if isinstance(event, DecisionRecorded):
        what = wording.decision_text(event.choice, event.instrument, event.condition)
        if event.amount is not None:
            what += f" ({wording.amount_text(event.amount, event.instrument)})"
        if event.revision > 1:
            what += f" — revision {event.revision}"
        if event.note:
            what += f" — {event.note}"
        return f"{event.guarantor} ({event.delegate})", what
    if isinstance(event, ConditionResolved):
        met = wording.met_text(event.met)
        return event.guarantor, (
            f"condition on {wording.instrument_name(event.instrument)} {met}"
            + (f": {event.note}" if event.note else "")
        )
    if isinstance(event, WindowClosed):
        return "mechanism", f"window closed ({wording.plain(event.reason)})"
    if isinstance(event, ReceiptsFrozen):
        silent = sum(1 for r in event.receipts if r.by_silence)
        return "mechanism", f"{len(event.receipts)} receipts frozen ({silent} by silence rule)"
    if isinstance(event, OutcomeDeclared):
        return (
            "mechanism",
            f"guarantee {wording.verdict(event.outcome.honoured)}: {event.outcome.rule}",
        )
    assert isinstance(event, DeliveryReported)
    return event.guarantor, f"delivers {wording.delivery_text(event.instrument, event.amount)}" + (
        f" — {event.note}" if event.note else ""
    )


def _t(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def timeline_table(events: Sequence[Event], title: str = "Timeline") -> Table:
    start = events[0].at if events else None
    table = Table(title=title, title_justify="left")
    table.add_column("time (UTC)", no_wrap=True)
    table.add_column("T+", justify="right", no_wrap=True)
    table.add_column("who")
    table.add_column("what")
    for e in events:
        who, what = describe(e)
        offset = "" if start is None else f"{(e.at - start).total_seconds() / 3600:.1f} h"
        table.add_row(_t(e.at), offset, who, what)
    return table


def outcome_panel(outcome: Outcome) -> Panel:
    lines: list[Text] = [
        Text(
            f"{wording.verdict(outcome.honoured)} — rule: {outcome.rule}",
            style="bold green" if outcome.honoured else "bold red",
        )
    ]
    for t in outcome.tallies:
        parts = [
            f"committed {', '.join(t.committed) or '—'}",
            f"conditional met {', '.join(t.conditional_met) or '—'}",
            f"conditional unmet {', '.join(t.conditional_unmet) or '—'}",
            f"silent {len(t.silent)}",
            f"total {t.amount:,.0f}",
        ]
        lines.append(Text(f"{wording.instrument_name(t.instrument)}: " + "; ".join(parts)))
    for u in outcome.unmet_conditions:
        lines.append(
            Text(
                f"unmet at close: {u.guarantor} {wording.instrument_name(u.instrument)} — "
                f"{wording.condition_words(u.condition)}",
                style="yellow",
            )
        )
    return Panel(Group(*lines), title="Outcome", expand=False)
