"""The ledger: entries in a Merkle log, with a signed checkpoint for every size.

``Ledger`` is the log operator's in-memory structure. It is pure (no files, no database, no
clock): the store persists what it returns — each entry and the checkpoint signed after it —
and rebuilds a ``Ledger`` with ``Ledger.from_entries``. Ed25519 signatures are deterministic, so
a rebuilt ledger signs exactly the checkpoints that were stored, and a stored checkpoint that
differs shows the store was altered.

An append is checked in full before anything changes: the entry shape, its canonical JSON and,
for a decision, the delegate's signature under the key registered for it. A refused entry
leaves the ledger as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pact24.errors import LedgerError, TamperDetected
from pact24.ledger.checkpoint import Checkpoint, sign_checkpoint
from pact24.ledger.entry import check_entry, entry_bytes, normalise
from pact24.ledger.merkle import MerkleTree
from pact24.ledger.note import check_key_name
from pact24.ledger.registry import KeyRegistry

#: The origin (and checkpoint key name) of a ledger when none is given.
DEFAULT_ORIGIN = "pact24.example/ledger"


class Ledger:
    """An append-only, signed record of entries (see ``entry`` for their shape)."""

    def __init__(self, log_key: Ed25519PrivateKey, origin: str = DEFAULT_ORIGIN) -> None:
        self._origin = check_key_name(origin)
        self._log_key = log_key
        self._tree = MerkleTree()
        self._entries: list[bytes] = []
        self._registry = KeyRegistry(self._origin)
        self._checkpoints = [self._sign()]

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[Mapping[str, Any]],
        log_key: Ed25519PrivateKey,
        origin: str = DEFAULT_ORIGIN,
        checkpoints: Sequence[str] | None = None,
    ) -> Ledger:
        """Rebuild a ledger from stored entries (each with its index), re-checking each one.

        With ``checkpoints`` (the one stored after each entry), each must equal the checkpoint
        the rebuilt ledger signs. Raises TamperDetected naming the first entry that fails.
        """
        ledger = cls(log_key, origin)
        for position, entry in enumerate(entries):
            if entry.get("index") != position:
                raise TamperDetected(
                    f"entry {position}: stored with index {entry.get('index')!r}", entry=position
                )
            try:
                ledger._add(entry)
            except LedgerError as exc:
                raise TamperDetected(f"entry {position}: {exc.detail}", entry=position) from None
            stored = checkpoints[position : position + 1] if checkpoints is not None else []
            if stored and stored[0] != ledger.checkpoint():
                raise TamperDetected(
                    f"entry {position}: the stored checkpoint is not the one signed for it",
                    entry=position,
                )
        if checkpoints is not None and len(checkpoints) != ledger.size:
            raise TamperDetected(
                f"{len(checkpoints)} stored checkpoints for {ledger.size} entries",
                entry=min(len(checkpoints), ledger.size),
            )
        return ledger

    @property
    def origin(self) -> str:
        """The log's name: the first line of its checkpoints and the name of its key."""
        return self._origin

    @property
    def log_public_key(self) -> Ed25519PublicKey:
        """The key that verifies this ledger's checkpoints."""
        return self._log_key.public_key()

    @property
    def size(self) -> int:
        return self._tree.size

    @property
    def root(self) -> bytes:
        """The Merkle root of all entries (SHA-256 of nothing when empty)."""
        return self._tree.root()

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry, in order (fresh copies: the ledger itself cannot be edited)."""
        return [json.loads(data) for data in self._entries]

    def entry(self, index: int) -> dict[str, Any]:
        """Entry ``index`` (a fresh copy)."""
        value: dict[str, Any] = json.loads(self.entry_bytes(index))
        return value

    def entry_bytes(self, index: int) -> bytes:
        """The canonical bytes of entry ``index``: its Merkle leaf data."""
        if not 0 <= index < self.size:
            raise LedgerError(f"no entry {index}: the ledger holds {self.size} entries")
        return self._entries[index]

    def leaf_hash(self, index: int) -> bytes:
        return self._tree.leaf_hash(index)

    def delegate_key(
        self, deliberation: str, guarantor: str, delegate: str
    ) -> Ed25519PublicKey | None:
        """The key now registered for a delegate of ``guarantor`` in ``deliberation``."""
        return self._registry.key_for(deliberation, guarantor, delegate)

    def append(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """Append an entry (without "index": the ledger assigns it); return the full entry.

        Raises LedgerError for a malformed entry, BadSignature for a decision whose delegate
        key is missing or whose signature does not verify; the ledger is then unchanged.
        """
        if "index" in entry:
            raise LedgerError("the ledger assigns an entry's index: append it without one")
        return self._add({"index": self.size, **entry})

    def checkpoint(self, size: int | None = None) -> str:
        """The signed checkpoint (C2SP signed note) of the log at ``size`` (default: now)."""
        if size is None:
            return self._checkpoints[-1]
        if not 0 <= size <= self.size:
            raise LedgerError(f"no checkpoint for size {size}: the ledger holds {self.size}")
        return self._checkpoints[size]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path of entry ``index`` in the tree of ``size`` entries (default: now)."""
        return self._tree.inclusion_proof(index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """The proof that the log at ``new_size`` (default: now) extends it at ``old_size``."""
        return self._tree.consistency_proof(old_size, new_size)

    def _add(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        full = normalise(entry)
        check_entry(full)
        data = entry_bytes(full)
        self._registry.admit(full)  # the last check, and the first change
        self._tree.append(data)
        self._entries.append(data)
        self._checkpoints.append(self._sign())
        return full

    def _sign(self) -> str:
        return sign_checkpoint(Checkpoint(self._origin, self.size, self.root), self._log_key)
