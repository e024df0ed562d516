"""Keys and delegate signatures over canonical decisions."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from pact24.canonical import canonical
from pact24.errors import LedgerError, NotCanonical
from pact24.ledger.signing import (
    decision_bytes,
    decode_private_key,
    decode_public_key,
    encode_private_key,
    encode_public_key,
    generate_keypair,
    load_private_key,
    save_private_key,
    sign_decision,
    verify_decision,
)

BODY: dict[str, Any] = {
    "type": "DecisionRecorded",
    "guarantor": "ITA",
    "delegate": "ita-pm",
    "instrument": "troops",
    "choice": "conditional",
    "condition": {"kind": "parliament_approval", "k": None, "text": None},
    "amount": 2500.5,
    "revision": 1,
}


def test_a_signed_decision_verifies_whatever_the_key_order() -> None:
    private, public = generate_keypair()
    body = {**BODY, "signature": sign_decision(BODY, private)}
    assert verify_decision(body, public)
    assert verify_decision(dict(reversed(list(body.items()))), public)
    assert verify_decision(body, encode_public_key(public))


def test_the_signed_bytes_are_the_canonical_body_without_its_signature() -> None:
    body = {**BODY, "signature": "anything"}
    assert decision_bytes(body) == canonical(BODY)
    assert b'"amount":2500.5' in decision_bytes(body)
    # Signing ignores a signature already present.
    private, _ = generate_keypair()
    assert sign_decision(body, private) == sign_decision(BODY, private)


@pytest.mark.parametrize(
    "change",
    [
        {"choice": "commit"},
        {"guarantor": "FRA"},
        {"amount": 2500.25},
        {"extra": True},
        {"signature": None},
        {"signature": "not base64!"},
        {"signature": "AAAA"},
    ],
)
def test_a_changed_decision_or_signature_does_not_verify(change: dict[str, Any]) -> None:
    private, public = generate_keypair()
    body = {**BODY, "signature": sign_decision(BODY, private)}
    assert not verify_decision({**body, **change}, public)


def test_another_delegates_key_does_not_verify() -> None:
    private, _ = generate_keypair()
    _, other = generate_keypair()
    assert not verify_decision({**BODY, "signature": sign_decision(BODY, private)}, other)
    assert not verify_decision({**BODY, "signature": sign_decision(BODY, private)}, "bad key")


def test_an_unsigned_decision_does_not_verify() -> None:
    assert not verify_decision(BODY, generate_keypair()[1])


@given(st.binary(min_size=32, max_size=32))
def test_keys_round_trip_as_base64(seed: bytes) -> None:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    assert decode_private_key(encode_private_key(private)).private_bytes_raw() == seed
    public = private.public_key()
    encoded = encode_public_key(public)
    assert len(encoded) == 44
    assert decode_public_key(encoded).public_bytes_raw() == public.public_bytes_raw()


@pytest.mark.parametrize("text", ["", "not base64!", "AAAA", "A" * 60])
def test_a_bad_key_encoding_is_refused(text: str) -> None:
    with pytest.raises(LedgerError):
        decode_public_key(text)
    with pytest.raises(LedgerError):
        decode_private_key(text)


def test_a_private_key_file_is_base64_owner_only_and_never_overwritten(tmp_path: Path) -> None:
    private, _ = generate_keypair()
    path = tmp_path / "delegate.key"
    save_private_key(path, private)
    assert path.read_text() == encode_private_key(private) + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_private_key(path).private_bytes_raw() == private.private_bytes_raw()
    with pytest.raises(FileExistsError):
        save_private_key(path, private)


def test_a_pem_private_key_loads(tmp_path: Path) -> None:
    private, _ = generate_keypair()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path / "key.pem"
    path.write_bytes(pem)
    assert load_private_key(path).private_bytes_raw() == private.private_bytes_raw()
    path.write_bytes(b"-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    with pytest.raises(LedgerError):
        load_private_key(path)


def test_what_json_cannot_hold_exactly_is_refused() -> None:
    for value in [{"x": float("nan")}, {"x": 2**60}, {1: "non-string key"}, {"x": object()}]:
        with pytest.raises(NotCanonical):
            canonical(value)
