"""``reference.agenda`` compiled: entries pop in time order, and entries at the same time in the
order they were pushed (a sequence number breaks ties), as in the reference.

Most of a window's entries are known when it opens: the decisions, the due answers and the
attribution ticks. Each of these kinds has its own lane, an array kept sorted as entries are
added (insertion from the end; the ticks come sorted, the rest are few); the entries that come up
while deliberating (revisions, votes, replies, the warning) go to a binary heap. A pop takes the
earliest head of the lanes and the heap. All share one sequence, so the order is exactly a
single heap's (measured: a 24-hour window's ~57 entries cost about half as much as in one heap,
whose every pop sifts through all of them).

An agenda is a float array ``hours[store, slot]`` and an int array ``rows[store, slot, (seq,
kind, g, i)]``, stores ``0 .. LANES-1`` the lanes and ``LANES`` the heap. Slot 0 of each store
is its header: ``rows[k, 0, 0]`` the next entry to pop (lanes), ``rows[k, 0, 1]`` the last slot
used; ``rows[LANES, 0, 2]`` the next sequence number.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.sim.kernel.uncounted import uncounted

TICK, DECIDE, VOTE, REPLY, SIGNAL, REVISE, DUE = range(7)
"""Entry kinds, as ``reference.agenda``."""

LANE = np.array([0, 1, -1, -1, -1, -1, 2], dtype=np.int64)
"""The lane of each entry kind (-1: the heap)."""
LANES = 3
HEAP = LANES

F2 = npt.NDArray[np.float64]
I3 = npt.NDArray[np.int64]


@njit(cache=True)
def new(capacity: int) -> tuple[F2, I3]:
    """An empty agenda for at most ``capacity`` entries at a time in any one store."""
    hours = np.empty((LANES + 1, capacity + 1), dtype=np.float64)
    rows = np.empty((LANES + 1, capacity + 1, 4), dtype=np.int64)
    clear(rows)
    return hours, rows


@njit(cache=True)
def capacity(n_g: int, n_i: int, n_ticks: int) -> int:
    """The most entries one store holds at once: a decision (lane) or a due answer (lane) per
    guarantor and instrument, the ticks (lane); in the heap a revision and a reply per guarantor
    and instrument, a vote per guarantor and a warning."""
    return max(2 * n_g * n_i + n_g + 1, n_ticks)


@uncounted
def clear(rows: I3) -> None:
    """Empty the agenda (for the next window)."""
    for k in range(LANES + 1):
        rows[k, 0, 0] = 1
        rows[k, 0, 1] = 0
    rows[HEAP, 0, 2] = 0


@njit(cache=True, inline="always")
def _before(hours: F2, rows: I3, k: int, a: int, b: int) -> bool:
    return bool(
        hours[k, a] < hours[k, b] or (hours[k, a] == hours[k, b] and rows[k, a, 0] < rows[k, b, 0])
    )


@njit(cache=True, inline="always")
def _move(hours: F2, rows: I3, k: int, a: int, b: int) -> None:
    """Slot ``a`` of store ``k`` to slot ``b``."""
    hours[k, b] = hours[k, a]
    for c in range(4):
        rows[k, b, c] = rows[k, a, c]


@njit(cache=True, inline="always")
def _swap(hours: F2, rows: I3, k: int, a: int, b: int) -> None:
    hours[k, a], hours[k, b] = hours[k, b], hours[k, a]
    for c in range(4):
        rows[k, a, c], rows[k, b, c] = rows[k, b, c], rows[k, a, c]


@njit(cache=True, inline="always")
def _put(
    hours: F2, rows: I3, k: int, n: int, h: float, seq: int, kind: int, g: int, i: int
) -> None:
    hours[k, n] = h
    rows[k, n, 0] = seq
    rows[k, n, 1] = kind
    rows[k, n, 2] = g
    rows[k, n, 3] = i


@uncounted
def push(hours: F2, rows: I3, h: float, kind: int, g: int, i: int) -> None:
    """Add an entry at hour ``h``."""
    seq = rows[HEAP, 0, 2]
    rows[HEAP, 0, 2] = seq + 1
    k = LANE[kind]
    if k < 0:
        k = HEAP
    n = rows[k, 0, 1] + 1
    if n >= hours.shape[1]:
        raise IndexError("agenda full")
    rows[k, 0, 1] = n
    if k == HEAP:
        _put(hours, rows, k, n, h, seq, kind, g, i)
        while n > 1 and _before(hours, rows, k, n, n // 2):
            _swap(hours, rows, k, n, n // 2)
            n //= 2
        return
    # a lane: the new entry has the highest sequence, so it goes after every entry not later
    head = rows[k, 0, 0]
    while n > head and hours[k, n - 1] > h:
        _move(hours, rows, k, n - 1, n)
        n -= 1
    _put(hours, rows, k, n, h, seq, kind, g, i)


@njit(cache=True, inline="always")
def size(rows: I3) -> int:
    """Entries left to pop."""
    n = rows[HEAP, 0, 1]
    for k in range(LANES):
        n += rows[k, 0, 1] - rows[k, 0, 0] + 1
    return int(n)


@uncounted
def pop(hours: F2, rows: I3) -> tuple[float, int, int, int]:
    """The earliest entry (the agenda is not empty): hour, kind, guarantor, instrument."""
    best, slot = HEAP, 1
    if rows[HEAP, 0, 1] == 0:
        best = -1
    for k in range(LANES):
        head = rows[k, 0, 0]
        if head > rows[k, 0, 1]:
            continue
        if best < 0 or (
            hours[k, head] < hours[best, slot]
            or (hours[k, head] == hours[best, slot] and rows[k, head, 0] < rows[best, slot, 0])
        ):
            best, slot = k, head
    h, kind, g, i = hours[best, slot], rows[best, slot, 1], rows[best, slot, 2], rows[best, slot, 3]
    if best < HEAP:
        rows[best, 0, 0] = slot + 1
        return h, kind, g, i
    k = HEAP
    n = rows[k, 0, 1]
    _move(hours, rows, k, n, 1)
    n -= 1
    rows[k, 0, 1] = n
    j = 1
    while True:
        a, b, m = 2 * j, 2 * j + 1, j
        if a <= n and _before(hours, rows, k, a, m):
            m = a
        if b <= n and _before(hours, rows, k, b, m):
            m = b
        if m == j:
            break
        _swap(hours, rows, k, j, m)
        j = m
    return h, kind, g, i
