"""Exports of the timeline, receipts and outcome; an exercise is marked in every one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
from tests.service.support import T0, World, make_world

from pact24.store.db import Store


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _closed(w: World) -> World:
    gbr = w.delegates[("GBR", "gbr-minister")]
    assert w.decide(gbr, w.decision(gbr)).status_code == 201
    w.clock.set(T0 + timedelta(hours=24, minutes=1))
    return w


def test_json_and_csv_exports_of_a_live_guarantee(opened: World) -> None:
    w = _closed(opened)
    timeline = w.get("/timeline").json()
    assert timeline["mode"] == "live" and timeline["banner"] == "LIVE guarantee"
    r = w.get("/receipts?format=csv")
    assert r.headers["content-type"].startswith("text/csv")
    receipts = _rows(r.text)
    assert len(receipts) == 16 * 4 and {row["mode"] for row in receipts} == {"live"}
    gbr = next(x for x in receipts if x["guarantor"] == "GBR" and x["instrument"] == "troops")
    assert gbr["status"] == "commit" and gbr["by_silence"] == "False"
    rows = _rows(w.get("/timeline?format=csv").text)
    assert [x["type"] for x in rows][-3:] == ["WindowClosed", "ReceiptsFrozen", "OutcomeDeclared"]
    outcome = w.get("/outcome").json()
    assert outcome["honoured"] is False and outcome["rule"]
    tallies = _rows(w.get("/outcome?format=csv").text)
    troops = next(t for t in tallies if t["instrument"] == "troops")
    assert troops["committed"] == "GBR" and troops["honoured"] == "False"


def test_no_outcome_before_the_close(opened: World) -> None:
    r = opened.get("/outcome")
    assert r.status_code == 404 and "window_open" in r.json()["detail"]


@pytest.fixture
def exercise(store: Store) -> Iterator[World]:
    for w in make_world(store, mode="exercise"):
        w.add_delegate("GBR", "gbr-minister")
        w.open_window()
        yield w


def test_an_exercise_is_marked_on_every_export_and_every_ledger_entry(exercise: World) -> None:
    w = _closed(exercise)
    g = w.get("").json()
    assert g["mode"] == "exercise" and g["banner"].startswith("EXERCISE")
    assert "/exercise/" in g["log_origin"]
    for path in ("/timeline", "/receipts", "/outcome"):
        r = w.get(path)
        assert r.json()["mode"] == "exercise" and r.json()["banner"].startswith("EXERCISE")
        assert r.headers["Pact24-Mode"] == "exercise"
        r = w.get(f"{path}?format=csv")
        assert r.headers["Pact24-Mode"] == "exercise"
        assert {row["mode"] for row in _rows(r.text)} == {"exercise"}
    assert w.get("/board").json()["guarantee"]["mode"] == "exercise"
    checkpoint = w.get("/log/checkpoint").json()
    assert checkpoint["mode"] == "exercise" and "/exercise/" in checkpoint["note"].split("\n")[0]
    jsonl = w.get("/log/export.jsonl").text.splitlines()
    import json

    entries = [json.loads(line)["entry"] for line in jsonl[1:]]
    assert entries and all(e["mode"] == "exercise" for e in entries)
    assert "/exercise/" in json.loads(jsonl[0])["origin"]
