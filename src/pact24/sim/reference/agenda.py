"""What happens next inside a window: a time-ordered queue of the crisis's own events."""

from __future__ import annotations

import heapq

TICK, DECIDE, VOTE, REPLY, SIGNAL, REVISE, DUE = range(7)
"""The kinds of entry: attribution moves, a guarantor first looks at an instrument, a
parliament votes, the beneficiary replies to a demand, a nuclear warning, a revised answer, a
guarantor's answer falls due before the deadline."""

Entry = tuple[float, int, int, int]
"""Hours since the attack, kind, guarantor index and instrument index (-1 where none)."""


class Agenda:
    """Entries pop in time order; entries at the same time pop in the order they were pushed."""

    __slots__ = ("_heap", "_seq")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, int, int, int]] = []
        self._seq = 0

    def __bool__(self) -> bool:
        return bool(self._heap)

    def push(self, hours: float, kind: int, g: int = -1, i: int = -1) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (hours, self._seq, kind, g, i))

    def pop(self) -> Entry:
        hours, _, kind, g, i = heapq.heappop(self._heap)
        return hours, kind, g, i
