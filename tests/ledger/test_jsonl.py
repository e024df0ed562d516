"""The JSON Lines file: its exact format, and that every single changed byte is caught and
blamed on the entry whose line it is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pact24.canonical import canonical
from pact24.errors import LedgerError, TamperDetected
from pact24.ledger import (
    Ledger,
    Record,
    dumps_jsonl,
    encode_public_key,
    verify_jsonl,
    verify_records,
    write_jsonl,
)


def test_the_file_format(tmp_path: Path, ledger: Ledger) -> None:
    path = tmp_path / "ledger.jsonl"
    write_jsonl(path, ledger)
    data = path.read_bytes()
    assert data == dumps_jsonl(ledger)
    assert data.endswith(b"\n")
    lines = data.split(b"\n")[:-1]
    assert len(lines) == ledger.size + 1
    assert json.loads(lines[0]) == {
        "ledger": "pact24",
        "version": 1,
        "origin": ledger.origin,
        "log_public_key": encode_public_key(ledger.log_public_key),
    }
    for i, line in enumerate(lines[1:]):
        record = json.loads(line)
        assert canonical(record) == line
        assert record == {"entry": ledger.entry(i), "checkpoint": ledger.checkpoint(i + 1)}
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_verify_returns_origin_size_and_root(tmp_path: Path, ledger: Ledger) -> None:
    path = tmp_path / "ledger.jsonl"
    write_jsonl(path, ledger)
    result = verify_jsonl(path, ledger.log_public_key, ledger.checkpoint(3))
    assert (result.origin, result.size, result.root) == (ledger.origin, ledger.size, ledger.root)


def test_stored_records_verify_without_a_file(ledger: Ledger) -> None:
    """What the store does to audit its database: the same checks, entry by entry."""
    records = [Record(e, ledger.checkpoint(i + 1)) for i, e in enumerate(ledger.entries)]
    assert verify_records(records, ledger.origin, ledger.log_public_key).root == ledger.root
    records[2] = Record({**records[2].entry, "mode": "live"}, records[2].checkpoint)
    with pytest.raises(TamperDetected, match=r"^entry 2: ") as exc:
        verify_records(records, ledger.origin, ledger.log_public_key)
    assert exc.value.entry == 2


def test_a_missing_final_newline_is_a_cut_line(tmp_path: Path, ledger: Ledger) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(dumps_jsonl(ledger)[:-1])
    with pytest.raises(TamperDetected, match="cut short") as exc:
        verify_jsonl(path)
    assert exc.value.entry == ledger.size - 1


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=st.data())
def test_any_changed_byte_names_its_entry(
    tmp_path: Path, ledger: Ledger, choice: st.DataObject
) -> None:
    data = bytearray(dumps_jsonl(ledger))
    header_end = data.index(b"\n") + 1
    at = choice.draw(st.integers(header_end, len(data) - 1), label="position")
    new = choice.draw(st.integers(0, 255).filter(lambda b: b != data[at]), label="byte")
    entry = data[:at].count(b"\n") - 1  # the line the byte is on (a newline ends its line)
    data[at] = new
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(bytes(data))
    with pytest.raises(TamperDetected) as exc:
        verify_jsonl(path)
    assert exc.value.entry == entry, exc.value.detail
    assert exc.value.detail.startswith(f"entry {entry} (line {entry + 2}): ")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(choice=st.data())
def test_any_changed_header_byte_is_refused(
    tmp_path: Path, ledger: Ledger, choice: st.DataObject
) -> None:
    data = bytearray(dumps_jsonl(ledger))
    at = choice.draw(st.integers(0, data.index(b"\n")), label="position")
    data[at] = choice.draw(st.integers(0, 255).filter(lambda b: b != data[at]), label="byte")
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(bytes(data))
    with pytest.raises(LedgerError):
        verify_jsonl(path)
