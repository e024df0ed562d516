"""Reading and validating event tables: every error names the row and the column."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from pact24.calibrate.events import (
    BACKTEST_COLUMNS,
    FIT_COLUMNS,
    PREDICT_COLUMNS,
    parse_events,
    read_events,
    shipped_events_path,
)
from pact24.errors import InvalidInput

HEADER = (
    "event_id,crisis,trigger_date,outcome_date,lag_days,censored,actor,actor_kind,n_deciders,"
    "instrument,stage,commitment,attribution,severity,nuclear_adversary,legislature_required,"
    "what,source"
)
GOOD = [
    "A1,X,2020-01-01,2020-01-03,2,false,US,state,1,troops,decision,ally,clear,high,true,false,w,s",
    "A2,X,2020-01-01,,30,true,EU,eu,27,sanctions,decision,partner,contested,low,true,false,w,s",
    "A3,Y,2021-05-01,2021-05-01,0,false,UK,state,1,economic_aid,delivery,self,clear,medium,"
    "false,true,w,s",
]


def _csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def test_shipped_data_is_valid_and_keeps_its_sources() -> None:
    path = shipped_events_path()
    table = read_events(path, BACKTEST_COLUMNS)
    assert len(table) >= 60
    assert len(set(table.crises)) >= 7
    text = path.read_text()
    header = text.splitlines()[0].split(",")
    # the shipped tables add the optional `framework` column (issue 11) before `what`
    expected = HEADER.split(",")
    expected.insert(expected.index("what"), "framework")
    assert header == expected
    # every row names its source, and lag_days is the difference of its dates
    for row in csv.DictReader(text.splitlines()):
        assert row["source"].startswith("http") or row["event_id"] == "F015", row["event_id"]
        if row["censored"] == "false":
            lag = date.fromisoformat(row["outcome_date"]) - date.fromisoformat(row["trigger_date"])
            assert lag.days == int(row["lag_days"]), row["event_id"]


def test_good_rows_parse() -> None:
    t = parse_events(_csv(*GOOD), required=BACKTEST_COLUMNS)
    assert t.event_ids == ["A1", "A2", "A3"]
    assert list(t.censored()) == [False, True, False]
    lo, hi = t.bounds()
    assert list(lo) == [2, 30, 0] and list(hi) == [3, float("inf"), 1]
    assert list(t.groups()) == [0, 0, 1]
    assert t.rows[2].covariates.legislature_required is True


def test_groups_fall_back_to_the_trigger_date_without_a_crisis_column() -> None:
    header = HEADER.replace("crisis,", "")
    rows = [r.replace(",X,", ",").replace(",Y,", ",") for r in GOOD]
    t = parse_events(_csv(*rows, header=header), required=FIT_COLUMNS)
    assert list(t.groups()) == [0, 0, 1]


def test_predict_needs_only_its_columns_and_ignores_others() -> None:
    header = ",".join((*PREDICT_COLUMNS, "lag_days", "junk"))
    row = "P1,2024-01-01,DE,state,1,troops,decision,treaty_guarantee,clear,high,true,false,xx,yy"
    t = parse_events(_csv(row, header=header), required=PREDICT_COLUMNS)
    assert t.rows[0].lag_days is None
    assert t.rows[0].covariates.commitment == "treaty_guarantee"


@pytest.mark.parametrize(
    ("old", "new", "column", "problem"),
    [
        (",troops,", ",tanks,", "instrument", "unknown value 'tanks'"),
        ("2020-01-01,2020-01-03", "2020-13-01,2020-01-03", "trigger_date", "not a date"),
        (",1,troops", ",zero,troops", "n_deciders", "not an integer"),
        (",1,troops", ",0,troops", "n_deciders", "below 1"),
        (",high,true,", ",high,maybe,", "nuclear_adversary", "not true/false"),
        (",2,false,", ",3,false,", "lag_days", "does not equal"),
        (",2,false,", ",-2,false,", "lag_days", ">= 0"),
        (",state,", ",empire,", "actor_kind", "unknown value"),
        (",2020-01-03,", ",03/01/2020,", "outcome_date", "not a date"),
    ],
)
def test_bad_row_names_row_and_column(old: str, new: str, column: str, problem: str) -> None:
    bad = GOOD[0].replace(old, new, 1)
    assert bad != GOOD[0]
    with pytest.raises(InvalidInput) as info:
        parse_events(_csv(GOOD[1], bad), name="events.csv", required=FIT_COLUMNS)
    msg = info.value.detail
    assert "events.csv: row 2 (line 3, event_id 'A1')" in msg
    assert f"column {column!r}" in msg
    assert problem in msg
    assert info.value.extra["column"] == column and info.value.extra["row"] == 2


def test_missing_column_duplicate_id_and_ragged_row() -> None:
    header = HEADER.replace(",instrument,", ",instrumentx,")
    with pytest.raises(InvalidInput, match="missing column 'instrument'"):
        parse_events(_csv(*GOOD, header=header), required=FIT_COLUMNS)
    with pytest.raises(InvalidInput, match=r"row 2 .*column 'event_id': duplicate of row 1"):
        parse_events(_csv(GOOD[0], GOOD[0]), required=FIT_COLUMNS)
    with pytest.raises(InvalidInput, match=r"row 1 .*has 3 fields"):
        parse_events(_csv("A1,X,2020-01-01"), required=FIT_COLUMNS)
    with pytest.raises(InvalidInput, match="empty file"):
        parse_events("", required=FIT_COLUMNS)
    with pytest.raises(InvalidInput, match="no data rows"):
        parse_events(_csv(), required=FIT_COLUMNS)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot read file"):
        read_events(tmp_path / "nope.csv")
    p = tmp_path / "latin1.csv"
    p.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidInput, match="not UTF-8"):
        read_events(p)
