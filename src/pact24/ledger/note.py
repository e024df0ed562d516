"""C2SP signed notes: a text and the Ed25519 signatures over it (https://c2sp.org/signed-note).

A checkpoint travels as a signed note so that any transparency-log tool (Go's ``sumdb/note``,
Trillian's witnesses) can check it. The format is plain text::

    <text, ending in a newline>
    <blank line>
    — <key name> <base64(4-byte key hash || 64-byte Ed25519 signature)>

The key hash, the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), lets a verifier
pick the right key among several signatures (witnesses may add theirs) without trying each.
Signatures by keys the verifier does not know are ignored, as the spec requires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pact24.errors import BadSignature, LedgerError

#: The signature type byte of Ed25519 in the signed-note spec.
ED25519_TYPE = b"\x01"
_DASH = "\u2014 "


@dataclass(frozen=True, slots=True)
class NoteSignature:
    """One signature line of a note, not yet checked."""

    name: str
    key_hash: bytes
    signature: bytes


def check_key_name(name: str) -> str:
    """A key name is non-empty, has no whitespace and no '+' (it is a field of a vkey)."""
    if not name or "+" in name or any(c.isspace() for c in name):
        raise LedgerError(f"bad key name {name!r}: it must be non-empty, with no space or '+'")
    return name


def key_hash(name: str, public_key: Ed25519PublicKey) -> bytes:
    """The 4-byte key hash of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    material = name.encode() + b"\n" + ED25519_TYPE + public_key.public_bytes_raw()
    return hashlib.sha256(material).digest()[:4]


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The vkey text ``<name>+<hex key hash>+<base64(0x01 || key)>`` other tools accept."""
    blob = base64.b64encode(ED25519_TYPE + public_key.public_bytes_raw()).decode()
    return f"{check_key_name(name)}+{key_hash(name, public_key).hex()}+{blob}"


def parse_verifier_key(vkey: str) -> tuple[str, Ed25519PublicKey]:
    """The name and key of a vkey; raises LedgerError unless its hash and type check out."""
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise LedgerError("a verifier key reads <name>+<hash>+<key>")
    name, hash_hex, blob = parts
    try:
        raw = base64.b64decode(blob, validate=True)
        expected = bytes.fromhex(hash_hex)
    except (binascii.Error, ValueError) as exc:
        raise LedgerError(f"malformed verifier key: {exc}") from None
    if len(raw) != 33 or raw[:1] != ED25519_TYPE or len(hash_hex) != 8:
        raise LedgerError("a verifier key holds type 0x01 and a 32-byte Ed25519 key")
    public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    if key_hash(check_key_name(name), public_key) != expected:
        raise LedgerError("the verifier key's hash does not match its name and key")
    return name, public_key


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise LedgerError("a note's text ends with a newline")
    if any(c < " " and c != "\n" for c in text):
        raise LedgerError("a note's text holds no control characters but newlines")


def sign_note(text: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note: ``text``, a blank line, and one signature line by ``name``."""
    _check_text(text)
    check_key_name(name)
    sig = private_key.sign(text.encode())
    blob = base64.b64encode(key_hash(name, private_key.public_key()) + sig).decode()
    return f"{text}\n{_DASH}{name} {blob}\n"


def split_note(note: str) -> tuple[str, list[NoteSignature]]:
    """The text and the signature lines of a note, parsed but not verified."""
    cut = note.rfind("\n\n")
    if cut < 0:
        raise LedgerError("a signed note has a blank line before its signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    _check_text(text)
    if not block.endswith("\n"):
        raise LedgerError("a signed note ends with a newline")
    signatures = []
    for line in block[:-1].split("\n"):
        if not line.startswith(_DASH):
            raise LedgerError(f"a signature line starts with '— ': {line[:40]!r}")
        fields = line[len(_DASH) :].split(" ")
        if len(fields) != 2:
            raise LedgerError("a signature line reads '— <name> <signature>'")
        name, blob = fields
        try:
            raw = base64.b64decode(blob, validate=True)
        except binascii.Error:
            raise LedgerError(f"the signature by {name!r} is not base64") from None
        if len(raw) < 5:
            raise LedgerError(f"the signature by {name!r} is too short")
        signatures.append(NoteSignature(check_key_name(name), raw[:4], raw[4:]))
    return text, signatures


def open_note(note: str, name: str, public_key: Ed25519PublicKey) -> str:
    """The text of ``note`` once its signature by (``name``, ``public_key``) verifies.

    Raises BadSignature when no signature line is by that key, or when it does not verify.
    """
    text, signatures = split_note(note)
    wanted = key_hash(name, public_key)
    mine = [s for s in signatures if s.name == name and s.key_hash == wanted]
    if not mine:
        raise BadSignature(f"the note carries no signature by the key of {name!r}")
    for s in mine:
        try:
            public_key.verify(s.signature, text.encode())
        except InvalidSignature:
            raise BadSignature(f"the signature by {name!r} does not verify") from None
    return text
