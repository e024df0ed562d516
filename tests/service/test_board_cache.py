"""The cached board view model is the model an uncached read builds, and a new event
invalidates it."""

from __future__ import annotations

from tests.service.support import World

from pact24.service.web.board import board_context
from pact24.service.web.board_cache import BoardCache


def test_cache_returns_the_uncached_model_and_a_new_event_invalidates_it(opened: World):
    w = opened
    service = w.service
    reader = service.authenticate(w.observer)
    delegate = w.delegates[("GBR", "gbr-minister")]
    cache = BoardCache()

    first = cache.context(service, reader, w.gid)
    assert first == board_context(service, reader, w.gid)
    again = cache.context(service, reader, w.gid)
    assert again == first
    assert again["events"] is first["events"], "the second read reused the model"

    as_delegate = cache.context(service, service.authenticate(delegate.token), w.gid)
    assert as_delegate["can_decide"] and not first["can_decide"]
    assert as_delegate["own_guarantor"] == "GBR"

    r = w.decide(delegate, w.decision(delegate))
    assert r.status_code == 201, r.text
    after = cache.context(service, reader, w.gid)
    assert after == board_context(service, reader, w.gid)
    assert after["events"] is not first["events"]
    assert len(after["events"]) == len(first["events"]) + 1
    assert after["board_version"] != first["board_version"]
    assert after["ledger"].size == first["ledger"].size + 1 and after["ledger"].verified
