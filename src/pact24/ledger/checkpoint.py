"""Signed checkpoints: the log's commitment to its size and root (https://c2sp.org/tlog-checkpoint).

A checkpoint is the small thing a verifier keeps: with the log key it pins one state of the whole
log, and any later state must extend it (a consistency proof) or the log was rewritten. Its body
is three lines, then optional extension lines::

    <origin>
    <tree size, decimal>
    <base64 root hash>

and it is signed as a C2SP signed note by a key whose name is the origin.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pact24.errors import LedgerError
from pact24.ledger.merkle import HASH_SIZE
from pact24.ledger.note import check_key_name, open_note, sign_note, split_note

_SIZE = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The log of ``origin`` had ``size`` entries with Merkle root ``root``."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        """The checkpoint text that the log key signs."""
        if self.size < 0 or len(self.root) != HASH_SIZE:
            raise LedgerError("a checkpoint has a size >= 0 and a 32-byte root")
        check_key_name(self.origin)
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "".join(f"{line}\n" for line in (*lines, *self.extensions))


def parse_body(text: str) -> Checkpoint:
    """The checkpoint in a note's text; raises LedgerError if it is not one."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise LedgerError("a checkpoint has an origin, a size and a root, one per line")
    origin, size, root_b64, *extensions = lines[:-1]
    if not _SIZE.fullmatch(size):
        raise LedgerError(f"checkpoint size {size!r} is not a decimal number")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except binascii.Error:
        raise LedgerError("checkpoint root is not base64") from None
    if len(root) != HASH_SIZE:
        raise LedgerError(f"checkpoint root has {len(root)} bytes, not {HASH_SIZE}")
    if any(not line for line in extensions):
        raise LedgerError("a checkpoint has no empty extension line")
    return Checkpoint(check_key_name(origin), int(size), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, private_key: Ed25519PrivateKey) -> str:
    """The checkpoint as a signed note, signed by the key named after its origin."""
    return sign_note(checkpoint.body(), checkpoint.origin, private_key)


def parse_checkpoint(note: str) -> Checkpoint:
    """The checkpoint in a signed note, without checking any signature (to read, not trust)."""
    text, _ = split_note(note)
    return parse_body(text)


def verify_checkpoint(
    note: str, public_key: Ed25519PublicKey, origin: str | None = None
) -> Checkpoint:
    """The checkpoint in ``note`` once the log key's signature on it verifies.

    With ``origin`` the checkpoint must also be for that log, so that a checkpoint of another
    log signed by the same key cannot stand in. Raises BadSignature or LedgerError.
    """
    checkpoint = parse_checkpoint(note)
    if origin is not None and checkpoint.origin != origin:
        raise LedgerError(f"checkpoint is for log {checkpoint.origin!r}, not {origin!r}")
    open_note(note, checkpoint.origin, public_key)
    return checkpoint
