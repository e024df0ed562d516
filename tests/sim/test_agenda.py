"""A crisis's agenda pops in time order, ties in the order they were pushed."""

from __future__ import annotations

from pact24.sim.reference.agenda import DECIDE, TICK, VOTE, Agenda


def test_entries_pop_by_time_then_by_push_order() -> None:
    agenda = Agenda()
    agenda.push(2.0, TICK)
    agenda.push(1.0, VOTE, 3, 0)
    agenda.push(1.0, DECIDE, 0, 1)
    popped = []
    while agenda:
        popped.append(agenda.pop())
    assert popped == [(1.0, VOTE, 3, 0), (1.0, DECIDE, 0, 1), (2.0, TICK, -1, -1)]
