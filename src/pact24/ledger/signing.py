"""Ed25519 keys and decision signatures.

A decision is signed by its delegate so that the record proves who decided, not merely that the
log operator wrote it down. The signed bytes are the RFC 8785 (JCS) canonical JSON of the
decision without its ``"signature"`` key: any party, in any language, rebuilds the same bytes
from the same JSON, whatever its key order or number formatting.

Keys travel as base64 of their raw 32 bytes. A private key file holds that base64 on one line
(``save_private_key`` writes it, mode 0600); ``load_private_key`` also reads an unencrypted
PKCS#8 PEM, as ``openssl genpkey -algorithm ed25519`` writes it.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from pact24.canonical import canonical
from pact24.errors import LedgerError

SIGNATURE_KEY = "signature"
_KEY_SIZE = 32
_SIG_SIZE = 64


def generate_keypair() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    """A fresh Ed25519 key pair."""
    private_key = Ed25519PrivateKey.generate()
    return private_key, private_key.public_key()


def _raw(text: str, what: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise LedgerError(f"{what} is not base64") from None
    if len(raw) != size:
        raise LedgerError(f"{what} has {len(raw)} bytes, not {size}")
    return raw


def encode_public_key(public_key: Ed25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key."""
    return base64.b64encode(public_key.public_bytes_raw()).decode()


def decode_public_key(text: str) -> Ed25519PublicKey:
    """The public key in base64 of its raw 32 bytes; raises LedgerError if it is not one."""
    return Ed25519PublicKey.from_public_bytes(_raw(text, "public key", _KEY_SIZE))


def encode_private_key(private_key: Ed25519PrivateKey) -> str:
    """Base64 of the raw 32-byte private key (the seed). Keep it secret."""
    return base64.b64encode(private_key.private_bytes_raw()).decode()


def decode_private_key(text: str) -> Ed25519PrivateKey:
    """The private key in base64 of its raw 32 bytes; raises LedgerError if it is not one."""
    return Ed25519PrivateKey.from_private_bytes(_raw(text, "private key", _KEY_SIZE))


def save_private_key(path: Path | str, private_key: Ed25519PrivateKey) -> None:
    """Write the key as one base64 line, readable by its owner only; never overwrite a key."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(encode_private_key(private_key) + "\n")


def load_private_key(path: Path | str) -> Ed25519PrivateKey:
    """Read a key written by ``save_private_key`` or an unencrypted Ed25519 PKCS#8 PEM."""
    return parse_private_key(Path(path).read_bytes(), source=str(path))


def parse_private_key(data: bytes, source: str = "the private key") -> Ed25519PrivateKey:
    """A private key file's bytes: base64 of the 32-byte seed (``pact24 ledger keygen``), or an
    unencrypted Ed25519 PKCS#8 PEM. LedgerError naming ``source`` if it is neither; the message
    never echoes the bytes."""
    if not data.lstrip().startswith(b"-----BEGIN"):
        try:
            return decode_private_key(data.decode("ascii", errors="replace").strip())
        except LedgerError as exc:
            raise LedgerError(f"{source}: {exc.detail}") from None
    try:
        key = load_pem_private_key(data.strip(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise LedgerError(
            f"{source}: the PEM key could not be read (it must be unencrypted)"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError(f"{source}: the PEM key is not an Ed25519 key")
    return key


#: Fields of a stored decision that its delegate does not sign: the signature itself, and
#: ``at``, the time the log operator received it (the delegate signs its own ``signed_at``).
UNSIGNED_KEYS = frozenset({SIGNATURE_KEY, "at"})


def decision_bytes(body: Mapping[str, Any]) -> bytes:
    """What a delegate signs: the canonical decision without its signature and receipt time."""
    return canonical({k: v for k, v in body.items() if k not in UNSIGNED_KEYS})


def sign_decision(body: Mapping[str, Any], private_key: Ed25519PrivateKey) -> str:
    """The delegate's signature over the decision, in base64 (to store under "signature")."""
    return base64.b64encode(private_key.sign(decision_bytes(body))).decode()


def verify_decision(body: Mapping[str, Any], public_key: Ed25519PublicKey | str) -> bool:
    """Whether the decision's "signature" verifies under ``public_key`` (a key or its base64).

    A missing, malformed or wrong signature is simply False: the caller says what that means.
    """
    signature = body.get(SIGNATURE_KEY)
    if not isinstance(signature, str):
        return False
    try:
        key = decode_public_key(public_key) if isinstance(public_key, str) else public_key
        key.verify(_raw(signature, "signature", _SIG_SIZE), decision_bytes(body))
    except (InvalidSignature, LedgerError):
        return False
    return True
