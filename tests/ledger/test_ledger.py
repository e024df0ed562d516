"""The in-memory ledger: entry format, checks on append, checkpoints, proofs, rebuilding."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from pact24.canonical import canonical
from pact24.errors import BadSignature, LedgerError, TamperDetected
from pact24.ledger import Ledger, verify_checkpoint
from pact24.ledger.entry import entry_bytes
from pact24.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from pact24.ledger.signing import sign_decision

ORIGIN = "pact24.test/ledger"


def test_append_assigns_indexes_and_returns_the_full_entry(
    log_key: Ed25519PrivateKey, entries: list[dict[str, Any]]
) -> None:
    led = Ledger(log_key, ORIGIN)
    assert led.size == 0 and led.root == EMPTY_ROOT
    for i, entry in enumerate(entries):
        full = led.append(entry)
        assert full == {"index": i, **entry}
    assert led.size == len(entries)
    assert led.entries == [{"index": i, **e} for i, e in enumerate(entries)]
    assert led.entry(4)["body"]["type"] == "DecisionRecorded"


def test_the_leaf_is_the_canonical_entry(ledger: Ledger) -> None:
    for i in range(ledger.size):
        data = ledger.entry_bytes(i)
        assert data == canonical(ledger.entry(i)) == entry_bytes(ledger.entry(i))
        assert ledger.leaf_hash(i) == leaf_hash(data)


def test_entries_are_normalised_to_plain_json(log_key: Ed25519PrivateKey) -> None:
    led = Ledger(log_key, ORIGIN)
    full = led.append(
        {
            "deliberation": "d",
            "mode": "live",
            "kind": "event",
            "body": {"type": "IncidentReported", "evidence": ("ab", "cd"), "severity": 1.0},
        }
    )
    assert full["body"] == {"type": "IncidentReported", "evidence": ["ab", "cd"], "severity": 1}
    assert led.entry(0) == full


def test_the_ledger_cannot_be_edited_through_what_it_returns(ledger: Ledger) -> None:
    root = ledger.root
    ledger.entries[0]["body"]["type"] = "Changed"
    ledger.entry(0)["mode"] = "live"
    assert ledger.root == root and ledger.entry(0)["body"]["type"] == "IncidentReported"


def test_one_signed_checkpoint_per_size(ledger: Ledger) -> None:
    for size in range(ledger.size + 1):
        cp = verify_checkpoint(ledger.checkpoint(size), ledger.log_public_key, ORIGIN)
        assert cp.size == size
        assert cp.root == MerkleTree(ledger.leaf_hash(i) for i in range(size)).root()
    assert ledger.checkpoint() == ledger.checkpoint(ledger.size)
    with pytest.raises(LedgerError):
        ledger.checkpoint(ledger.size + 1)


def test_proofs_verify_against_the_signed_checkpoints(ledger: Ledger) -> None:
    key = ledger.log_public_key
    roots = [verify_checkpoint(ledger.checkpoint(n), key).root for n in range(ledger.size + 1)]
    for size in range(1, ledger.size + 1):
        for index in range(size):
            proof = ledger.inclusion_proof(index, size)
            assert verify_inclusion(ledger.leaf_hash(index), index, size, proof, roots[size])
        for old in range(size + 1):
            proof = ledger.consistency_proof(old, size)
            assert verify_consistency(old, size, proof, roots[old], roots[size])


BAD_ENTRIES: list[tuple[dict[str, Any], str]] = [
    (
        {"index": 0, "deliberation": "d", "mode": "live", "kind": "event", "body": {"type": "X"}},
        "index",
    ),
    ({"deliberation": "d", "mode": "live", "kind": "event"}, "fields"),
    ({"deliberation": "d", "mode": "live", "kind": "event", "body": {}, "x": 1}, "fields"),
    ({"deliberation": "", "mode": "live", "kind": "event", "body": {"type": "X"}}, "deliberation"),
    ({"deliberation": "d", "mode": "drill", "kind": "event", "body": {"type": "X"}}, "mode"),
    ({"deliberation": "d", "mode": "live", "kind": "vote", "body": {"type": "X"}}, "kind"),
    ({"deliberation": "d", "mode": "live", "kind": "event", "body": []}, "body"),
    ({"deliberation": "d", "mode": "live", "kind": "event", "body": {"at": "t"}}, "type"),
    (
        {
            "deliberation": "d",
            "mode": "live",
            "kind": "event",
            "body": {"type": "DecisionRecorded"},
        },
        "guarantor",
    ),
    (
        {
            "deliberation": "d",
            "mode": "live",
            "kind": "key",
            "body": {"guarantor": "France", "delegate": "x", "public_key": "A" * 43 + "="},
        },
        "ISO",
    ),
    (
        {
            "deliberation": "d",
            "mode": "live",
            "kind": "key",
            "body": {"guarantor": "FRA", "delegate": "x", "public_key": "AAAA"},
        },
        "bytes",
    ),
    (
        {"deliberation": "d", "mode": "live", "kind": "key", "body": {"guarantor": "FRA"}},
        "fields",
    ),
    (
        {"deliberation": "d", "mode": "live", "kind": "event", "body": {"type": "X", "v": 2**60}},
        "canonical",
    ),
]


@pytest.mark.parametrize(("entry", "says"), BAD_ENTRIES)
def test_a_malformed_entry_is_refused_and_changes_nothing(
    ledger: Ledger, entry: dict[str, Any], says: str
) -> None:
    size, root, cp = ledger.size, ledger.root, ledger.checkpoint()
    with pytest.raises(LedgerError, match=says):
        ledger.append(entry)
    assert (ledger.size, ledger.root, ledger.checkpoint()) == (size, root, cp)


def test_a_decision_needs_a_registered_key(log_key: Ed25519PrivateKey, fra: Any) -> None:
    led = Ledger(log_key, ORIGIN)
    with pytest.raises(BadSignature, match="no key registered"):
        led.append(fra.decision())
    assert led.size == 0
    led.append(fra.key_entry())
    led.append(fra.decision())
    assert led.size == 2


def test_a_key_for_one_guarantor_cannot_sign_for_another(
    log_key: Ed25519PrivateKey, fra: Any
) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry())
    with pytest.raises(BadSignature, match="registered for FRA only"):
        led.append(fra.decision(guarantor="DEU"))


def test_a_key_counts_only_in_its_deliberation(log_key: Ed25519PrivateKey, fra: Any) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry("another-deliberation"))
    with pytest.raises(BadSignature, match="no key registered"):
        led.append(fra.decision())


def test_a_forged_or_altered_decision_is_refused(
    log_key: Ed25519PrivateKey, fra: Any, deu: Any
) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry())
    altered = fra.decision("commit")
    altered["body"]["choice"] = "decline"
    with pytest.raises(BadSignature, match="does not verify"):
        led.append(altered)
    forged = fra.decision()
    forged["body"]["signature"] = sign_decision(forged["body"], deu.key)
    with pytest.raises(BadSignature, match="does not verify"):
        led.append(forged)
    assert led.size == 1


def test_a_decision_signed_for_another_deliberation_or_log_is_refused(
    log_key: Ed25519PrivateKey, fra: Any
) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry())
    other_log = Ledger(log_key, "pact24.test/other-log")
    other_log.append(fra.key_entry())
    with pytest.raises(BadSignature, match="signed for deliberation 'delib-1' in log"):
        other_log.append(fra.decision())  # a genuine signature, for the first log
    moved = fra.decision()
    moved["deliberation"] = "delib-2"
    led.append(fra.key_entry("delib-2"))
    with pytest.raises(BadSignature, match="not 'delib-2'"):
        led.append(moved)
    assert (led.size, other_log.size) == (2, 1)


def test_the_receipt_time_is_not_signed_but_the_signed_time_is(
    log_key: Ed25519PrivateKey, fra: Any
) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry())
    moved_claim = fra.decision()
    moved_claim["body"]["signed_at"] = "2027-03-01T05:01:00Z"
    with pytest.raises(BadSignature, match="does not verify"):
        led.append(moved_claim)
    received = fra.decision()
    received["body"]["at"] = "2027-03-01T05:00:07Z"  # the operator's receipt time
    led.append(received)
    assert led.size == 2


def test_a_rotated_key_signs_the_decisions_after_it(
    log_key: Ed25519PrivateKey, fra: Any, deu: Any
) -> None:
    led = Ledger(log_key, ORIGIN)
    led.append(fra.key_entry())
    led.append(fra.decision())
    rotated = fra.key_entry()
    rotated["body"]["public_key"] = deu.key_entry()["body"]["public_key"]
    led.append(rotated)
    with pytest.raises(BadSignature):
        led.append(fra.decision(revision=2))
    new = fra.decision(revision=2)
    new["body"]["signature"] = sign_decision(new["body"], deu.key)
    led.append(new)
    assert led.delegate_key("delib-1", "FRA", "fra-pm") is not None


def test_a_rebuilt_ledger_signs_the_same_checkpoints(
    ledger: Ledger, log_key: Ed25519PrivateKey
) -> None:
    stored = [ledger.checkpoint(n) for n in range(1, ledger.size + 1)]
    again = Ledger.from_entries(ledger.entries, log_key, ORIGIN, checkpoints=stored)
    assert again.root == ledger.root
    assert [again.checkpoint(n) for n in range(ledger.size + 1)] == [
        ledger.checkpoint(n) for n in range(ledger.size + 1)
    ]


def test_rebuilding_names_the_first_bad_stored_entry(
    ledger: Ledger, log_key: Ed25519PrivateKey
) -> None:
    entries = ledger.entries
    stored = [ledger.checkpoint(n) for n in range(1, ledger.size + 1)]
    changed = json.loads(json.dumps(entries))
    changed[5]["body"]["choice"] = "commit"
    with pytest.raises(TamperDetected) as exc:
        Ledger.from_entries(changed, log_key, ORIGIN, checkpoints=stored)
    assert exc.value.entry == 5
    with pytest.raises(TamperDetected) as exc:
        Ledger.from_entries([entries[0], entries[2]], log_key, ORIGIN)
    assert exc.value.entry == 1
    other = [*stored[:3], ledger.checkpoint(2), *stored[4:]]
    with pytest.raises(TamperDetected) as exc:
        Ledger.from_entries(entries, log_key, ORIGIN, checkpoints=other)
    assert exc.value.entry == 3
    with pytest.raises(TamperDetected) as exc:
        Ledger.from_entries(entries, log_key, ORIGIN, checkpoints=stored[:-1])
    assert exc.value.entry == 7


def test_the_index_is_assigned_by_the_ledger(ledger: Ledger) -> None:
    with pytest.raises(LedgerError, match="assigns"):
        ledger.append({"index": ledger.size, **ledger.entries[0]})


def test_an_origin_is_a_key_name(log_key: Ed25519PrivateKey) -> None:
    with pytest.raises(LedgerError):
        Ledger(log_key, "has space")


@settings(max_examples=25, deadline=None)
@given(
    bodies=st.lists(
        st.dictionaries(st.text(max_size=5), st.integers(-9, 9), max_size=3), max_size=12
    )
)
def test_any_sequence_of_events_round_trips_through_from_entries(
    bodies: list[dict[str, Any]],
) -> None:
    key = Ed25519PrivateKey.from_private_bytes(b"\x05" * 32)
    led = Ledger(key, ORIGIN)
    for body in bodies:
        event = {
            "deliberation": "d",
            "mode": "live",
            "kind": "event",
            "body": {**body, "type": "N"},
        }
        led.append(event)
    again = Ledger.from_entries(led.entries, key, ORIGIN)
    assert again.checkpoint() == led.checkpoint()
