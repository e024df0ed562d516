"""The board as the templates read it: one view model built from the service layer.

Nothing here decides anything: the phase, the receipts and the outcome are the mechanism's, as
the projections hold them; this module only counts the current answers for the totals row, lays
the outcome's tallies out in columns and puts events and rules into words (``pact24.wording``,
and the mechanism's own ``rule_text``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pact24 import wording
from pact24.designs.schema import Design, MinGuarantors
from pact24.mechanism import Event, OutcomeDeclared, Phase, Tally, codec
from pact24.mechanism.rules import rule_text
from pact24.service.auth import Actor, Role
from pact24.service.core import Service
from pact24.service.schemas import AcknowledgedOut, BoardOut, GuaranteeOut
from pact24.service.web.ledger_check import ledger_status
from pact24.service.web.render import countdown_text, utc_text
from pact24.vocab import Choice


@dataclass(frozen=True, slots=True)
class AnswerCount:
    """The board's totals row for one instrument: the current answers, before any close."""

    instrument: str
    commit: int
    conditional: int
    decline: int
    silent: int

    @property
    def summary(self) -> str:
        """``2 commit · 1 conditional · 13 silent`` (zeros left out)."""
        parts = [
            (self.commit, "commit"),
            (self.conditional, "conditional"),
            (self.decline, "decline"),
            (self.silent, "silent"),
        ]
        return " · ".join(f"{n} {word}" for n, word in parts if n)


def board_version(board: BoardOut) -> str:
    """Changes whenever the board does (a refused late attempt and an acknowledged email, by
    its time, included): the htmx poll sends it back to learn whether to swap."""
    g = board.guarantee
    acked = max((int(a.at.timestamp()) for a in board.acknowledged), default=0)
    return f"{g.event_count}.{g.ledger_size}.{g.phase}.{board.refused_late}.{acked}"


def answer_counts(board: BoardOut) -> list[AnswerCount]:
    out = []
    for i in board.instruments:
        cells = [row.decisions.get(i.value) for row in board.guarantors]
        choices = [c.choice for c in cells if c is not None]
        out.append(
            AnswerCount(
                instrument=i.value,
                commit=choices.count(Choice.COMMIT),
                conditional=choices.count(Choice.CONDITIONAL),
                decline=choices.count(Choice.DECLINE),
                silent=sum(1 for c in cells if c is None),
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class OutcomeColumns:
    """One instrument of the declared outcome, every guarantor in exactly one column.

    The mechanism's tally lists the silent apart *and* under the status the silence rule gave
    them; here they stand under "silent" only, with that rule named, so the columns add up to
    the guarantors."""

    instrument: str
    columns: tuple[tuple[str, tuple[str, ...]], ...]
    total: int
    committed_total: str

    @property
    def counted(self) -> int:
        return sum(len(names) for _, names in self.columns)


def outcome_columns(board: BoardOut, design: Design) -> list[OutcomeColumns]:
    """The declared outcome's tallies as columns, guarantors by name (empty before it)."""
    if board.outcome is None:
        return []
    declared = codec.from_dict(
        {
            "type": "OutcomeDeclared",
            "at": codec.ts(board.outcome.declared_at),
            "outcome": board.outcome.outcome,
        }
    )
    assert isinstance(declared, OutcomeDeclared)
    names = {x.iso3: x.name for x in design.guarantors}
    return [_columns(t, design, names) for t in declared.outcome.tallies]


def _columns(t: Tally, design: Design, names: Mapping[str, str]) -> OutcomeColumns:
    silent = set(t.silent)

    def spoke(who: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(names.get(g, g) for g in who if g not in silent)

    rule = design.silence[t.instrument].value
    columns = [
        ("Committed", spoke(t.committed)),
        ("Conditional, met", spoke(t.conditional_met)),
        ("Conditional, unmet", spoke(t.conditional_unmet)),
        ("Declined", spoke(t.declined)),
        (f"Silent (counted as {rule})", tuple(names.get(g, g) for g in t.silent)),
    ]
    abstained = spoke(t.abstained)
    if abstained:
        columns.insert(4, ("Abstained", abstained))
    return OutcomeColumns(
        instrument=t.instrument.value,
        columns=tuple(columns),
        total=len(design.guarantors),
        committed_total=wording.committed_total(t.amount, t.instrument),
    )


def root_hex(root_b64: str) -> str:
    """A checkpoint root as ``ledger verify`` prints it: hex, the one encoding people read."""
    return base64.b64decode(root_b64).hex()


def outcome_rule(design: Design) -> dict[str, Any]:
    """The outcome rule in the mechanism's words, and the number of commitments it needs
    (``k``, for a rule that counts guarantors)."""
    k = design.outcome.k if isinstance(design.outcome, MinGuarantors) else None
    return {"text": f"honoured when {rule_text(design)}", "k": k}


def event_text(event: Event, names: Mapping[str, str]) -> str:
    """One line of the board's timeline, in words, with guarantors by name."""
    w = wording.event_words(event, name=lambda iso3: names.get(iso3, iso3), when=utc_text)
    return f"{w.sentence} (signed by {w.by})" if w.by else w.sentence


def refused_lines(
    service: Service, actor: Actor, board: BoardOut, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """The decisions refused after the deadline, newest first, in words (none when the board
    counts none, so a board without any asks nothing more)."""
    if not board.refused_late:
        return []
    lines = []
    for r in reversed(service.refused(actor, board.guarantee.id)):
        w = wording.event_words(codec.from_dict(r.decision), when=utc_text)
        who = names.get(r.guarantor, r.guarantor)
        lines.append(
            {
                "at": r.received_at,
                "text": wording.refused_late(who, w.what, r.delegate, r.tries),
            }
        )
    return lines


def board_context(
    service: Service, actor: Actor, guarantee_id: str, board: BoardOut | None = None
) -> dict[str, Any]:
    """Everything the board templates read, from the service layer (``board`` when the caller
    has already read it)."""
    if board is None:
        board = service.board(actor, guarantee_id)
    g = board.guarantee
    design = service.design(actor, g.id)
    timeline = service.timeline(actor, g.id)
    names = {x.iso3: x.name for x in design.guarantors}
    counts = answer_counts(board)
    ledger = ledger_status(service, actor, g.id)
    events = [
        {
            "seq": e.seq,
            "at": e.at,
            "type": e.type,
            "text": event_text(codec.from_dict(e.body), names),
        }
        for e in reversed(timeline.events)
    ]
    return {
        "g": g,
        "mode": g.mode,
        "board": board,
        "design": design,
        "receipts": {(r.guarantor, r.instrument.value): r for r in board.receipts},
        "silent": _silent(board),
        "tallies": counts,
        "outcome_columns": outcome_columns(board, design),
        "rule": outcome_rule(design),
        "rule_tally": next(c for c in counts if c.instrument == design.outcome.instrument.value),
        "answers": sum(len(board.instruments) - len(row.silent) for row in board.guarantors),
        "cells_total": len(board.instruments) * len(board.guarantors),
        "events": events,
        "refused": refused_lines(service, actor, board, names),
        "refused_heading": wording.REFUSED_LATE,
        "ledger": ledger,
        "root_hex": root_hex(ledger.root),
        "countdown": countdown_text(board.seconds_left),
        "deadline_ms": None if g.deadline is None else int(g.deadline.timestamp() * 1000),
        "now_ms": int(board.now.timestamp() * 1000),
        "board_version": board_version(board),
        "can_decide": can_decide(actor, g),
        "window_open": g.phase == Phase.WINDOW_OPEN,
        "own_guarantor": actor.guarantor,
        "phase_text": (
            wording.AWAITING_INVOCATION
            if board.awaiting_invocation
            else wording.phase_label(g.phase)
        ),
        "engaged_text": wording.engaged_text([names.get(x, x) for x in board.engaged]),
        "acks": _acks(board),
    }


def _acks(board: BoardOut) -> dict[str, list[AcknowledgedOut]]:
    """The delegates' acknowledged emails, per guarantor."""
    out: dict[str, list[AcknowledgedOut]] = {}
    for a in board.acknowledged:
        out.setdefault(a.guarantor, []).append(a)
    return out


def _silent(board: BoardOut) -> dict[str, Any]:
    """Who has not answered yet, per instrument."""
    return {
        "count": sum(1 for row in board.guarantors if row.silent),
        "by_instrument": [
            {
                "instrument": i.value,
                "names": [row.name for row in board.guarantors if i in row.silent],
            }
            for i in board.instruments
        ],
    }


def can_decide(actor: Actor, g: GuaranteeOut) -> bool:
    """Whether the actor is a delegate of this guarantee (the mechanism judges the rest)."""
    return (
        actor.role is Role.DELEGATE and actor.guarantee_id == g.id and actor.guarantor is not None
    )
