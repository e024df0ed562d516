"""Verify a ledger from its entries and checkpoints alone, naming the first bad entry.

The verifier does not trust the log operator: it rebuilds the Merkle tree itself and checks,
entry by entry, that

1. the entry sits at its own index (catches removed, inserted and swapped entries),
2. it has the entry shape,
3. the checkpoint stored after it is signed by the log key, for this origin and this size,
4. that checkpoint's root is the root of the tree rebuilt so far (catches any changed byte that
   the steps above let through), and
5. a decision verifies under the key registered for its delegate and guarantor (catches a
   forged decision, even one the log operator signed into a checkpoint).

Because there is a checkpoint per size, the first entry whose checkpoint fails is the first bad
entry. Trust: the log key is whatever the caller passes. A key read from the same file proves
only that the file is self-consistent; a key or a checkpoint pinned from elsewhere proves that
the file is the log that key or checkpoint vouched for (see docs/ledger.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pact24.errors import BadSignature, LedgerError, NotCanonical, TamperDetected
from pact24.ledger.checkpoint import verify_checkpoint
from pact24.ledger.entry import check_entry, entry_bytes
from pact24.ledger.merkle import MerkleTree, verify_consistency
from pact24.ledger.registry import KeyRegistry


@dataclass(frozen=True, slots=True)
class Record:
    """One entry as stored, with the checkpoint signed after it; ``line`` locates it in a file."""

    entry: Any
    checkpoint: Any
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Verified:
    """A ledger that verified: its origin, size and root."""

    origin: str
    size: int
    root: bytes


def where(index: int, line: int | None) -> str:
    """How an error names an entry: its index, and its line when it came from a file."""
    return f"entry {index}" if line is None else f"entry {index} (line {line})"


def _check_record(
    index: int,
    record: Record,
    tree: MerkleTree,
    registry: KeyRegistry,
    origin: str,
    log_key: Ed25519PublicKey,
) -> None:
    def bad(reason: str) -> TamperDetected:
        return TamperDetected(f"{where(index, record.line)}: {reason}", entry=index)

    entry = record.entry
    if not isinstance(entry, dict):
        raise bad("not a JSON object")
    found = entry.get("index")
    if found != index or isinstance(found, bool):
        raise bad(f"holds entry {found!r}: entries removed, inserted or reordered")
    try:
        check_entry(entry)
    except (LedgerError, NotCanonical) as exc:
        raise bad(f"malformed: {exc.detail}") from None
    if not isinstance(record.checkpoint, str):
        raise bad("has no checkpoint")
    try:
        checkpoint = verify_checkpoint(record.checkpoint, log_key, origin)
    except BadSignature:
        raise bad("checkpoint signature does not verify") from None
    except LedgerError as exc:
        raise bad(f"malformed checkpoint: {exc.detail}") from None
    if checkpoint.size != index + 1:
        raise bad(f"its checkpoint is for size {checkpoint.size}, not {index + 1}")
    tree.append(entry_bytes(entry))
    if checkpoint.root != tree.root():
        raise bad("changed: its signed checkpoint does not match")
    try:
        registry.admit(entry)
    except BadSignature as exc:
        raise bad(exc.detail) from None


def verify_records(
    records: Iterable[Record],
    origin: str,
    log_key: Ed25519PublicKey,
    pinned_checkpoint: str | None = None,
) -> Verified:
    """Verify every record in order; raise TamperDetected naming the first bad entry.

    ``records`` may be lazy: a reader that fails on a line raises when that line is reached,
    after every earlier entry has verified. With ``pinned_checkpoint`` (a checkpoint obtained
    earlier, out of band), the ledger must also extend it.
    """
    verifier = Verifier(origin, log_key)
    for record in records:
        verifier.add(record)
    if pinned_checkpoint is not None:
        verifier.check_pinned(pinned_checkpoint)
    return verifier.verified()


class Verifier:
    """``verify_records`` one record at a time: a reader that keeps it between visits checks
    only the entries added since, as a witness does (each new checkpoint must still match the
    tree it rebuilt). After a ``TamperDetected`` it is spent: start a new one."""

    def __init__(self, origin: str, log_key: Ed25519PublicKey) -> None:
        self.origin = origin
        self.log_key = log_key
        self.tree = MerkleTree()
        self.registry = KeyRegistry(origin)

    @property
    def size(self) -> int:
        return self.tree.size

    def add(self, record: Record) -> None:
        """Verify the next record (entry ``size``) and take it into the tree."""
        _check_record(self.tree.size, record, self.tree, self.registry, self.origin, self.log_key)

    def check_pinned(self, note: str) -> None:
        """The log verified so far extends ``note``, a checkpoint obtained out of band."""
        _check_pinned(note, self.tree, self.origin, self.log_key)

    def verified(self) -> Verified:
        return Verified(self.origin, self.tree.size, self.tree.root())


def _check_pinned(note: str, tree: MerkleTree, origin: str, log_key: Ed25519PublicKey) -> None:
    try:
        pinned = verify_checkpoint(note, log_key, origin)
    except BadSignature:
        raise TamperDetected(
            "entry 0 on: the pinned checkpoint is signed by another log key",
            entry=0,
        ) from None
    except LedgerError as exc:
        raise LedgerError(f"the pinned checkpoint: {exc.detail}") from None
    if pinned.size > tree.size:
        raise TamperDetected(
            f"entry {tree.size}: missing; the pinned checkpoint has {pinned.size} entries",
            entry=tree.size,
        )
    proof = tree.consistency_proof(pinned.size)
    if not verify_consistency(pinned.size, tree.size, proof, pinned.root, tree.root()):
        raise TamperDetected(
            f"entries 0 to {pinned.size - 1}: rewritten: they do not match the pinned checkpoint",
            entry=0,
        )
