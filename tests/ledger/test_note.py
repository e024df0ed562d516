"""Signed notes against the known-answer vector of Go's golang.org/x/mod/sumdb/note (the
reference implementation of the C2SP signed-note spec): same key, same text, same bytes."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.errors import BadSignature, LedgerError
from pact24.ledger.note import (
    key_hash,
    open_note,
    parse_verifier_key,
    sign_note,
    split_note,
    verifier_key,
)

# From golang.org/x/mod/sumdb/note (note.go's package example and note_test.go).
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
SIGNED = TEXT + "\n" + "— PeterNeumann " + SIG + "\n"


def peter() -> Ed25519PrivateKey:
    raw = base64.b64decode(SKEY.split("+", 4)[4])
    assert raw[0] == 1
    return Ed25519PrivateKey.from_private_bytes(raw[1:])


def test_signing_reproduces_the_reference_note() -> None:
    assert sign_note(TEXT, "PeterNeumann", peter()) == SIGNED


def test_the_key_hash_and_vkey_match_the_reference() -> None:
    public = peter().public_key()
    assert key_hash("PeterNeumann", public).hex() == "c74f20a3"
    assert verifier_key("PeterNeumann", public) == VKEY
    name, key = parse_verifier_key(VKEY)
    assert name == "PeterNeumann"
    assert key.public_bytes_raw() == public.public_bytes_raw()


@pytest.mark.parametrize(
    "bad",
    [
        VKEY[:-1],
        VKEY.replace("c74f20a3", "c74f20a4"),
        VKEY.replace("PeterNeumann", "PeterNeumanm"),
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a3+AQ==",
    ],
)
def test_a_mangled_vkey_is_refused(bad: str) -> None:
    with pytest.raises(LedgerError):
        parse_verifier_key(bad)


def test_opening_the_reference_note_returns_its_text() -> None:
    _, key = parse_verifier_key(VKEY)
    assert open_note(SIGNED, "PeterNeumann", key) == TEXT


def test_a_changed_text_or_signature_does_not_verify() -> None:
    key = peter().public_key()
    with pytest.raises(BadSignature):
        open_note(SIGNED.replace("cryptography", "cryptographY"), "PeterNeumann", key)
    blob = SIGNED.rsplit(" ", 1)[1].strip()
    raw = bytearray(base64.b64decode(blob))
    raw[10] ^= 1
    forged = SIGNED.replace(blob, base64.b64encode(bytes(raw)).decode())
    with pytest.raises(BadSignature):
        open_note(forged, "PeterNeumann", key)


def test_signatures_by_other_keys_are_ignored_but_one_by_ours_is_required() -> None:
    other = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    cosigned = SIGNED + sign_note(TEXT, "witness.example", other).split("\n\n", 1)[1]
    key = peter().public_key()
    assert open_note(cosigned, "PeterNeumann", key) == TEXT
    assert [s.name for s in split_note(cosigned)[1]] == ["PeterNeumann", "witness.example"]
    with pytest.raises(BadSignature):
        open_note(SIGNED, "witness.example", other.public_key())


@pytest.mark.parametrize(
    "bad",
    [
        TEXT,  # no signature block
        TEXT + "\n",  # an empty signature block
        TEXT + "\n— PeterNeumann\n",
        TEXT + "\n— PeterNeumann !!notbase64!!\n",
        TEXT + "\n- PeterNeumann AAAAAAAA\n",
        SIGNED.rstrip("\n"),
    ],
)
def test_malformed_notes_are_refused(bad: str) -> None:
    with pytest.raises(LedgerError):
        open_note(bad, "PeterNeumann", peter().public_key())


@pytest.mark.parametrize("name", ["", "has space", "a+b", "tab\tname"])
def test_key_names_have_no_space_or_plus(name: str) -> None:
    with pytest.raises(LedgerError):
        sign_note(TEXT, name, peter())


def test_a_note_text_ends_with_a_newline() -> None:
    with pytest.raises(LedgerError):
        sign_note("no newline", "PeterNeumann", peter())
