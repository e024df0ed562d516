"""Checkpoints: a C2SP tlog-checkpoint body, signed as a note by the key named after its origin."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.errors import BadSignature, LedgerError
from pact24.ledger.checkpoint import (
    Checkpoint,
    parse_body,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from pact24.ledger.merkle import EMPTY_ROOT
from pact24.ledger.note import key_hash

ROOT = bytes(range(32))
KEY = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)


def test_the_body_is_origin_size_and_base64_root() -> None:
    cp = Checkpoint("example.com/log", 12, ROOT)
    assert cp.body() == f"example.com/log\n12\n{base64.b64encode(ROOT).decode()}\n"
    assert parse_body(cp.body()) == cp


def test_extension_lines_round_trip() -> None:
    cp = Checkpoint("example.com/log", 3, ROOT, ("Timestamp: 1700000000",))
    assert parse_body(cp.body()) == cp


def test_a_signed_checkpoint_verifies_and_parses() -> None:
    cp = Checkpoint("example.com/log", 0, EMPTY_ROOT)
    note = sign_checkpoint(cp, KEY)
    body, sig_line = note.split("\n\n")
    assert body + "\n" == cp.body()
    name, blob = sig_line.removeprefix("— ").split()
    assert name == "example.com/log"
    raw = base64.b64decode(blob)
    assert raw[:4] == key_hash("example.com/log", KEY.public_key()) and len(raw) == 68
    assert verify_checkpoint(note, KEY.public_key()) == cp
    assert verify_checkpoint(note, KEY.public_key(), "example.com/log") == cp
    assert parse_checkpoint(note) == cp


def test_another_key_or_origin_is_refused() -> None:
    note = sign_checkpoint(Checkpoint("example.com/log", 5, ROOT), KEY)
    other = Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)
    with pytest.raises(BadSignature):
        verify_checkpoint(note, other.public_key())
    with pytest.raises(LedgerError):
        verify_checkpoint(note, KEY.public_key(), "example.com/other")


def test_a_changed_size_or_root_breaks_the_signature() -> None:
    note = sign_checkpoint(Checkpoint("example.com/log", 5, ROOT), KEY)
    with pytest.raises(BadSignature):
        verify_checkpoint(note.replace("\n5\n", "\n6\n"), KEY.public_key())
    changed = base64.b64encode(bytes(31) + b"\x01").decode()
    with pytest.raises(BadSignature):
        verify_checkpoint(note.replace(base64.b64encode(ROOT).decode(), changed), KEY.public_key())


@pytest.mark.parametrize(
    "body",
    [
        "example.com/log\n5\n",
        "example.com/log\n05\n" + base64.b64encode(ROOT).decode() + "\n",
        "example.com/log\n-5\n" + base64.b64encode(ROOT).decode() + "\n",
        "example.com/log\n5\nnot base64!\n",
        "example.com/log\n5\n" + base64.b64encode(ROOT[:31]).decode() + "\n",
        "example.com/log\n5\n" + base64.b64encode(ROOT).decode() + "\n\n",
        "example.com/log\n5\n" + base64.b64encode(ROOT).decode(),
    ],
)
def test_malformed_bodies_are_refused(body: str) -> None:
    with pytest.raises(LedgerError):
        parse_body(body)


def test_a_checkpoint_must_have_a_32_byte_root() -> None:
    with pytest.raises(LedgerError):
        Checkpoint("example.com/log", 1, b"short").body()
