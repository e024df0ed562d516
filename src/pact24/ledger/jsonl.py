"""The ledger as a JSON Lines file: one canonical JSON object per line.

Line 1 is a header, then one line per entry with the checkpoint signed after it::

    {"ledger":"pact24","log_public_key":"<base64>","origin":"<origin>","version":1}
    {"checkpoint":"<signed checkpoint note>","entry":{...}}

Every line is exactly the RFC 8785 canonical JSON of its object. Reading insists on it, so that
any changed byte, even one JSON would ignore (a space, an escape, a reordered key), is caught.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pact24.canonical import canonical
from pact24.errors import LedgerError, NotCanonical, TamperDetected
from pact24.files import write_atomic
from pact24.ledger.ledger import Ledger
from pact24.ledger.signing import decode_public_key, encode_public_key
from pact24.ledger.verify import Record, Verified, verify_records, where

FORMAT = "pact24"
VERSION = 1
_HEADER_FIELDS = frozenset({"ledger", "version", "origin", "log_public_key"})
_RECORD_FIELDS = frozenset({"entry", "checkpoint"})


@dataclass(frozen=True, slots=True)
class Header:
    """The first line: which log this is and the key that signs its checkpoints."""

    origin: str
    log_public_key: Ed25519PublicKey


def dumps_jsonl(ledger: Ledger) -> bytes:
    """The whole file's bytes."""
    header = {
        "ledger": FORMAT,
        "version": VERSION,
        "origin": ledger.origin,
        "log_public_key": encode_public_key(ledger.log_public_key),
    }
    lines = [canonical(header)]
    for index, entry in enumerate(ledger.entries):
        lines.append(canonical({"entry": entry, "checkpoint": ledger.checkpoint(index + 1)}))
    return b"".join(line + b"\n" for line in lines)


def write_jsonl(path: Path | str, ledger: Ledger) -> None:
    """Write the ledger to ``path`` atomically: a reader sees the old file or the new one."""
    write_atomic(path, dumps_jsonl(ledger))


def _parse_line(raw: bytes) -> Any:
    """The JSON value of a line, or None unless the line is its exact canonical form."""
    try:
        value = json.loads(raw)
        return value if canonical(value) == raw else None
    except (ValueError, LedgerError, NotCanonical):
        return None


def parse_header(raw: bytes) -> Header:
    """The header line; raises LedgerError if this is not a pact24 ledger file."""
    value = _parse_line(raw)
    if not isinstance(value, dict) or set(value) != _HEADER_FIELDS:
        raise LedgerError("line 1: not a pact24 ledger header (or not in canonical form)")
    if value["ledger"] != FORMAT or value["version"] != VERSION:
        raise LedgerError(f"line 1: not a {FORMAT} ledger of version {VERSION}")
    if not isinstance(value["origin"], str) or not isinstance(value["log_public_key"], str):
        raise LedgerError("line 1: the header's origin and log_public_key are strings")
    try:
        key = decode_public_key(value["log_public_key"])
    except LedgerError as exc:
        raise LedgerError(f"line 1: the header's log key: {exc.detail}") from None
    return Header(value["origin"], key)


def iter_records(lines: list[bytes], final_newline: bool) -> Iterator[Record]:
    """The entry lines as records, raising TamperDetected on a bad line only when reached."""
    for offset, raw in enumerate(lines):
        index, line = offset, offset + 2
        if offset == len(lines) - 1 and not final_newline:
            raise TamperDetected(f"{where(index, line)}: the line is cut short", entry=index)
        value = _parse_line(raw)
        if value is None:
            raise TamperDetected(
                f"{where(index, line)}: bytes changed: not canonical JSON", entry=index
            )
        if not isinstance(value, dict) or set(value) != _RECORD_FIELDS:
            raise TamperDetected(
                f"{where(index, line)}: a line holds exactly an entry and a checkpoint",
                entry=index,
            )
        yield Record(value["entry"], value["checkpoint"], line)


def verify_jsonl(
    path: Path | str,
    log_key: Ed25519PublicKey | None = None,
    pinned_checkpoint: str | None = None,
) -> Verified:
    """Verify a ledger file; raise TamperDetected naming the first bad entry and its line.

    Without ``log_key`` the key in the file's header is trusted (see docs/ledger.md).
    """
    data = Path(path).read_bytes()
    if not data:
        raise LedgerError(f"{path}: empty file, not a pact24 ledger")
    lines = data.split(b"\n")
    final_newline = lines[-1] == b""
    if final_newline:
        lines.pop()
    elif len(lines) == 1:
        raise LedgerError("line 1: the header is cut short")
    header = parse_header(lines[0])
    if (
        log_key is not None
        and log_key.public_bytes_raw() != header.log_public_key.public_bytes_raw()
    ):
        raise TamperDetected(
            "entry 0 on: the file's log key (line 1) is not the pinned key",
            entry=0,
        )
    key = header.log_public_key if log_key is None else log_key
    return verify_records(
        iter_records(lines[1:], final_newline), header.origin, key, pinned_checkpoint
    )
