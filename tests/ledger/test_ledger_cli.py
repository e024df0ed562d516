"""``pact24 ledger verify`` on intact and tampered files, each tampering kind on its own.

Each test builds a ledger, writes it, changes the file's bytes as an attacker would, and runs
the real entry point (``pact24.cli.main``): exit 2 and one line naming the first bad entry.
In the standard ledger, entry ``i`` is on line ``i + 2``: 0 incident, 1 window, 2 FRA key,
3 DEU key, 4 FRA decision, 5 DEU decision, 6 DEU revision, 7 window closed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.canonical import canonical
from pact24.ledger import Ledger, encode_public_key, sign_decision, write_jsonl

Forge = Callable[[Path, list[dict[str, Any]], Ed25519PrivateKey], None]


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


@pytest.fixture
def written(tmp_path: Path, ledger: Ledger) -> Path:
    path = tmp_path / "ledger.jsonl"
    write_jsonl(path, ledger)
    return path


def assert_names(run: Any, entry: int, *words: str) -> None:
    """Exit 2, one line on stderr, no traceback, naming ``entry`` and its line."""
    assert run.code == 2, (run.out, run.err)
    message = run.err.strip()
    assert "\n" not in message, message
    assert "Traceback" not in run.err
    assert re.search(rf"\bentr(y|ies) {entry}\b", message), message
    for word in words:
        assert word in message, message


def test_an_intact_ledger_verifies(written: Path, ledger: Ledger, pact24: Any) -> None:
    run = pact24("ledger", "verify", str(written))
    assert run.code == 0, run.err
    assert "size 8" in run.out
    assert f"root {ledger.root.hex()}" in run.out
    assert run.out.strip().endswith("verified")


def test_an_empty_ledger_verifies(tmp_path: Path, log_key: Ed25519PrivateKey, pact24: Any) -> None:
    path = tmp_path / "empty.jsonl"
    write_jsonl(path, Ledger(log_key, "pact24.test/ledger"))
    run = pact24("ledger", "verify", str(path))
    assert run.code == 0 and "size 0" in run.out


def test_a_changed_decision_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    assert b'"choice":"decline"' in lines[6]
    lines[6] = lines[6].replace(b'"choice":"decline"', b'"choice":"commit"')
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 5, "line 7", "changed")


def test_a_byte_changed_without_changing_the_json_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    lines[3] = lines[3].replace(b'"kind":"key"', b'"kind":"\\u006bey"', 1)
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 2, "line 4", "canonical")


def test_a_removed_entry_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    del lines[4]  # entry 3
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 3, "line 5", "removed")


def test_an_inserted_copy_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    lines.insert(4, lines[3])  # entry 2 again, at position 3
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 3, "line 5", "inserted")


def test_an_inserted_entry_with_a_plausible_index_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    record = json.loads(lines[4])  # entry 3, changed, with its checkpoint, before the real one
    record["entry"] = {**record["entry"], "body": {"type": "WindowClosed", "reason": "forged"}}
    lines.insert(4, canonical(record))
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 3, "line 5")


def test_two_swapped_entries_are_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    lines[5], lines[6] = lines[6], lines[5]  # entries 4 and 5
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 4, "line 6", "reordered")


def test_swapped_entries_with_swapped_indexes_are_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    a, b = json.loads(lines[5]), json.loads(lines[6])
    a["entry"]["index"], b["entry"]["index"] = 5, 4
    lines[5], lines[6] = canonical(b), canonical(a)
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 4, "line 6")


def test_a_broken_checkpoint_signature_is_named(written: Path, pact24: Any) -> None:
    lines = lines_of(written)
    record = json.loads(lines[7])  # entry 6
    body, signature = record["checkpoint"].rsplit(" ", 1)
    record["checkpoint"] = (
        f"{body} {signature[:10]}{'A' if signature[10] != 'A' else 'B'}{signature[11:]}"
    )
    lines[7] = canonical(record)
    write_lines(written, lines)
    assert_names(pact24("ledger", "verify", str(written)), 6, "line 8", "checkpoint signature")


def test_a_forged_decision_signature_is_named(
    tmp_path: Path,
    entries: list[dict[str, Any]],
    log_key: Ed25519PrivateKey,
    deu: Any,
    forge: Forge,
    pact24: Any,
) -> None:
    """The log operator itself signs checkpoints over a decision the delegate never signed."""
    entries[4]["body"]["choice"] = "decline"
    entries[4]["body"]["signature"] = sign_decision(entries[4]["body"], deu.key)
    path = tmp_path / "forged.jsonl"
    forge(path, entries, log_key)
    assert_names(pact24("ledger", "verify", str(path)), 4, "line 6", "does not verify")


def test_a_decision_by_a_delegate_without_a_key_is_named(
    tmp_path: Path,
    entries: list[dict[str, Any]],
    log_key: Ed25519PrivateKey,
    forge: Forge,
    pact24: Any,
) -> None:
    del entries[2]  # FRA's key entry: FRA's decision moves to entry 3
    path = tmp_path / "forged.jsonl"
    forge(path, entries, log_key)
    assert_names(pact24("ledger", "verify", str(path)), 3, "line 5", "no key registered")


def test_a_key_of_one_guarantor_signing_for_another_is_named(
    tmp_path: Path,
    entries: list[dict[str, Any]],
    log_key: Ed25519PrivateKey,
    fra: Any,
    forge: Forge,
    pact24: Any,
) -> None:
    entries.insert(5, fra.decision("commit", guarantor="DEU"))
    path = tmp_path / "forged.jsonl"
    forge(path, entries, log_key)
    assert_names(pact24("ledger", "verify", str(path)), 5, "line 7", "registered for FRA only")


def test_a_ledger_resigned_with_another_key_verifies_alone_but_not_against_a_pinned_key(
    tmp_path: Path,
    written: Path,
    entries: list[dict[str, Any]],
    log_key: Ed25519PrivateKey,
    forge: Forge,
    pact24: Any,
) -> None:
    """Trust: the key in the file vouches only for the file; a pinned key catches a rewrite."""
    attacker = Ed25519PrivateKey.from_private_bytes(b"\x66" * 32)
    del entries[5:7]  # DEU's decisions vanish
    path = tmp_path / "rewritten.jsonl"
    forge(path, entries, attacker)
    assert pact24("ledger", "verify", str(path)).code == 0
    key = encode_public_key(log_key.public_key())
    assert_names(pact24("ledger", "verify", str(path), "--log-key", key), 0, "pinned key")
    pinned = tmp_path / "checkpoint.txt"
    pinned.write_text(json.loads(lines_of(written)[-1])["checkpoint"])
    assert_names(pact24("ledger", "verify", str(path), "--checkpoint", str(pinned)), 0, "pinned")
    assert pact24("ledger", "verify", str(written), "--log-key", key).code == 0


def test_history_rewritten_with_the_log_key_fails_a_pinned_checkpoint(
    tmp_path: Path,
    written: Path,
    entries: list[dict[str, Any]],
    log_key: Ed25519PrivateKey,
    forge: Forge,
    pact24: Any,
) -> None:
    pinned = tmp_path / "checkpoint.txt"
    pinned.write_text(json.loads(lines_of(written)[5])["checkpoint"])  # after entry 4: size 5
    entries[0]["body"]["incident_id"] = "inc-2"
    path = tmp_path / "rewritten.jsonl"
    forge(path, entries, log_key)
    assert pact24("ledger", "verify", str(path)).code == 0
    run = pact24("ledger", "verify", str(path), "--checkpoint", str(pinned))
    assert_names(run, 0, "pinned checkpoint", "rewritten")


def test_a_truncated_ledger_fails_a_pinned_checkpoint(
    tmp_path: Path, written: Path, pact24: Any
) -> None:
    lines = lines_of(written)
    pinned = tmp_path / "checkpoint.txt"
    pinned.write_text(json.loads(lines[-1])["checkpoint"])
    write_lines(written, lines[:-2])
    assert pact24("ledger", "verify", str(written)).code == 0  # a shorter ledger, alone, is fine
    run = pact24("ledger", "verify", str(written), "--checkpoint", str(pinned))
    assert_names(run, 6, "missing")


def test_a_ledger_extends_its_earlier_checkpoint(
    tmp_path: Path, written: Path, ledger: Ledger, pact24: Any
) -> None:
    pinned = tmp_path / "checkpoint.txt"
    pinned.write_text(ledger.checkpoint(5))
    run = pact24("ledger", "verify", str(written), "--checkpoint", str(pinned))
    assert run.code == 0 and "extends the pinned checkpoint" in run.out
    run = pact24("ledger", "verify", str(written), "--checkpoint", ledger.checkpoint(5))
    assert run.code == 0 and "extends the pinned checkpoint" in run.out


@pytest.mark.parametrize(
    "content",
    [b"", b"not json\n", b'{"ledger":"other","version":1}\n', b"[1,2]\n"],
)
def test_a_file_that_is_not_a_ledger_is_one_line(
    tmp_path: Path, content: bytes, pact24: Any
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    run = pact24("ledger", "verify", str(path))
    assert run.code == 2 and "\n" not in run.err.strip() and "Traceback" not in run.err


def test_bad_options_are_one_line(written: Path, tmp_path: Path, pact24: Any) -> None:
    for args in (
        ["--log-key", "nope"],
        ["--checkpoint", str(tmp_path / "missing.txt")],
    ):
        run = pact24("ledger", "verify", str(written), *args)
        assert run.code == 2 and "\n" not in run.err.strip(), run.err
    run = pact24("ledger", "verify", str(tmp_path / "missing.jsonl"))
    assert run.code == 2 and "no such file" in run.err


def test_keygen_writes_a_key_once(tmp_path: Path, pact24: Any) -> None:
    path = tmp_path / "log.key"
    run = pact24("ledger", "keygen", str(path))
    assert run.code == 0 and len(run.out.strip()) == 44
    assert pact24("ledger", "keygen", str(path)).code == 2


def test_the_installed_command_exits_2_with_one_line(written: Path) -> None:
    exe = Path(sys.executable).with_name("pact24")
    if not exe.exists():
        exe = Path(sys.prefix) / "bin" / "pact24"
    env = {**os.environ, "COLUMNS": "60"}
    ok = subprocess.run([exe, "ledger", "verify", written], capture_output=True, text=True, env=env)
    assert ok.returncode == 0 and "verified" in ok.stdout
    lines = lines_of(written)
    lines[8] = lines[8].replace(b"deadline", b"Deadline")  # entry 7
    write_lines(written, lines)
    bad = subprocess.run(
        [exe, "ledger", "verify", written], capture_output=True, text=True, env=env
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "entry 7 (line 9)" in bad.stderr
