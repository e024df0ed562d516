"""The board as the templates read it: one view model built from the service layer.

Nothing here decides anything: the phase, the receipts and the outcome are the mechanism's, as
the projections hold them; this module only counts the current answers for the totals row and
puts events and rules into words (``pact24.wording``, and the mechanism's own ``rule_text``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pact24 import wording
from pact24.designs.schema import Design, MinGuarantors
from pact24.mechanism import Event, codec
from pact24.mechanism.rules import rule_text
from pact24.service.auth import Actor, Role
from pact24.service.core import Service
from pact24.service.schemas import BoardOut, GuaranteeOut
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
    """Changes whenever the board does: the htmx poll sends it back to learn whether to swap."""
    g = board.guarantee
    return f"{g.event_count}.{g.ledger_size}.{g.phase}"


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


def outcome_rule(design: Design) -> dict[str, Any]:
    """The outcome rule in the mechanism's words, and the number of commitments it needs
    (``k``, for a rule that counts guarantors)."""
    k = design.outcome.k if isinstance(design.outcome, MinGuarantors) else None
    return {"text": f"honoured when {rule_text(design)}", "k": k}


def event_text(event: Event, names: Mapping[str, str]) -> str:
    """One line of the board's timeline, in words, with guarantors by name."""
    w = wording.event_words(event, name=lambda iso3: names.get(iso3, iso3), when=utc_text)
    return f"{w.sentence} (signed by {w.by})" if w.by else w.sentence


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
        "rule": outcome_rule(design),
        "rule_tally": next(c for c in counts if c.instrument == design.outcome.instrument.value),
        "answers": sum(len(board.instruments) - len(row.silent) for row in board.guarantors),
        "cells_total": len(board.instruments) * len(board.guarantors),
        "events": events,
        "ledger": ledger_status(service, actor, g.id),
        "countdown": countdown_text(board.seconds_left),
        "deadline_ms": None if g.deadline is None else int(g.deadline.timestamp() * 1000),
        "now_ms": int(board.now.timestamp() * 1000),
        "board_version": board_version(board),
        "can_decide": can_decide(actor, g),
        "own_guarantor": actor.guarantor,
    }


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
