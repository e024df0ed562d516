"""The board's view model, remembered per guarantee until the board changes.

Every board poll after a new event renders the same model for every reader; building it costs
the timeline, the design and the ledger check. Here the model is kept per (store, guarantee)
with the board it was built from (its content without the clock: any new event changes the
event count and the ledger size, so it invalidates the model), and a read whose board is the
same takes it and fills in only what depends on the clock and on the reader. The board itself
is read fresh every time, so who may read it and the close at the deadline are checked as
before. Safe to share between threads: a model is replaced whole, never changed.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from pact24.mechanism import Phase
from pact24.service.auth import Actor
from pact24.service.core import Service
from pact24.service.schemas import BoardOut
from pact24.service.web.board import board_context, can_decide
from pact24.service.web.render import countdown_text
from pact24.store.db import Store

#: What the board changes with; ``now`` and ``seconds_left`` change with the clock alone.
_CLOCK = {"now", "seconds_left"}


def _fingerprint(board: BoardOut) -> str:
    return board.model_dump_json(exclude=_CLOCK)


class BoardCache:
    """The last view model per (store, guarantee), with the fingerprint of its board."""

    def __init__(self) -> None:
        self._models: weakref.WeakKeyDictionary[Store, dict[str, tuple[str, dict[str, Any]]]]
        self._models = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def context(
        self, service: Service, actor: Actor, guarantee_id: str, board: BoardOut | None = None
    ) -> dict[str, Any]:
        """``board_context``, from the remembered model when the board has not changed."""
        if board is None:
            board = service.board(actor, guarantee_id)
        gid = board.guarantee.id
        seen = _fingerprint(board)
        with self._lock:
            known = self._models.get(service.store, {}).get(gid)
        if known is None or known[0] != seen:
            ctx = board_context(service, actor, guarantee_id, board)
            with self._lock:
                self._models.setdefault(service.store, {})[gid] = (seen, ctx)
            return dict(ctx)  # callers add to their copy (the flash), never to the model
        return {**known[1], **_per_read(actor, board)}

    def forget(self) -> None:
        with self._lock:
            self._models.clear()


def _per_read(actor: Actor, board: BoardOut) -> dict[str, Any]:
    """The parts of the model that depend on the clock or on the reader."""
    g = board.guarantee
    return {
        "board": board,
        "g": g,
        "countdown": countdown_text(board.seconds_left),
        "now_ms": int(board.now.timestamp() * 1000),
        "can_decide": can_decide(actor, g),
        "window_open": g.phase == Phase.WINDOW_OPEN,
        "own_guarantor": actor.guarantor,
    }


#: The one cache of this process, shared by every board.
BOARDS = BoardCache()
