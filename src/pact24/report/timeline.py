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
from pact24.mechanism import Event, Outcome


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
        w = wording.event_words(e)
        who = f"{w.who} ({w.by})" if w.by else w.who
        offset = "" if start is None else f"{(e.at - start).total_seconds() / 3600:.1f} h"
        table.add_row(_t(e.at), offset, who, w.what)
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
