"""``reference.agenda`` compiled: a binary heap over fixed arrays.

Entries pop in time order, and entries at the same time in the order they were pushed (a
sequence number breaks ties), as in the reference. An agenda is a float array ``hours`` and an
int array ``rows`` of ``(seq, kind, g, i)``; slot 0 of ``rows`` holds the size and slot 1 the next
sequence number, so the whole agenda is two arrays and no object.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

from pact24.sim.kernel.uncounted import uncounted

TICK, DECIDE, VOTE, REPLY, SIGNAL, REVISE, DUE = range(7)
"""Entry kinds, as ``reference.agenda``."""


@njit(cache=True)
def new(capacity: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """An empty agenda for at most ``capacity`` entries at a time."""
    rows = np.empty((capacity + 1, 4), dtype=np.int64)
    rows[0, 0] = 0
    rows[0, 1] = 0
    return np.empty(capacity + 1, dtype=np.float64), rows


@njit(cache=True)
def capacity(n_g: int, n_i: int, n_ticks: int) -> int:
    """The most entries a window's agenda holds at once: a decision and a due answer, a
    revision and a reply per guarantor and instrument, a vote per guarantor, the ticks and a
    warning."""
    return 4 * n_g * n_i + n_g + n_ticks + 1


@uncounted
def clear(rows: npt.NDArray[np.int64]) -> None:
    """Empty the agenda (for the next window)."""
    rows[0, 0] = 0
    rows[0, 1] = 0


@njit(cache=True, inline="always")
def _before(hours: npt.NDArray[np.float64], rows: npt.NDArray[np.int64], a: int, b: int) -> bool:
    return bool(hours[a] < hours[b] or (hours[a] == hours[b] and rows[a, 0] < rows[b, 0]))


@njit(cache=True, inline="always")
def _swap(hours: npt.NDArray[np.float64], rows: npt.NDArray[np.int64], a: int, b: int) -> None:
    hours[a], hours[b] = hours[b], hours[a]
    for c in range(4):
        rows[a, c], rows[b, c] = rows[b, c], rows[a, c]


@uncounted
def push(
    hours: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    h: float,
    kind: int,
    g: int,
    i: int,
) -> None:
    """Add an entry at hour ``h`` (entries live in slots 1..size)."""
    n = rows[0, 0] + 1
    if n >= len(hours):
        raise IndexError("agenda full")
    rows[0, 0] = n
    rows[0, 1] += 1
    hours[n] = h
    rows[n, 0] = rows[0, 1]
    rows[n, 1] = kind
    rows[n, 2] = g
    rows[n, 3] = i
    while n > 1 and _before(hours, rows, n, n // 2):
        _swap(hours, rows, n, n // 2)
        n //= 2


@njit(cache=True, inline="always")
def size(rows: npt.NDArray[np.int64]) -> int:
    return int(rows[0, 0])


@uncounted
def pop(hours: npt.NDArray[np.float64], rows: npt.NDArray[np.int64]) -> tuple[float, int, int, int]:
    """The earliest entry: hour, kind, guarantor, instrument."""
    h, kind, g, i = hours[1], rows[1, 1], rows[1, 2], rows[1, 3]
    n = rows[0, 0]
    hours[1] = hours[n]
    for c in range(4):
        rows[1, c] = rows[n, c]
    n -= 1
    rows[0, 0] = n
    k = 1
    while True:
        a, b, m = 2 * k, 2 * k + 1, k
        if a <= n and _before(hours, rows, a, m):
            m = a
        if b <= n and _before(hours, rows, b, m):
            m = b
        if m == k:
            break
        _swap(hours, rows, k, m)
        k = m
    return h, kind, g, i
