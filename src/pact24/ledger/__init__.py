"""The tamper-evident record: an RFC 6962 Merkle log of canonical entries, signed checkpoints
(C2SP tlog-checkpoint) and delegate-signed decisions. See docs/ledger.md."""

from pact24.ledger.checkpoint import (
    Checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verify_checkpoint,
)
from pact24.ledger.entry import check_entry, entry_bytes
from pact24.ledger.jsonl import dumps_jsonl, verify_jsonl, write_jsonl
from pact24.ledger.ledger import DEFAULT_ORIGIN, Ledger
from pact24.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)
from pact24.ledger.signing import (
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
from pact24.ledger.verify import Record, Verified, verify_records

__all__ = [
    "DEFAULT_ORIGIN",
    "EMPTY_ROOT",
    "Checkpoint",
    "Ledger",
    "MerkleTree",
    "Record",
    "Verified",
    "check_entry",
    "decode_private_key",
    "decode_public_key",
    "dumps_jsonl",
    "encode_private_key",
    "encode_public_key",
    "entry_bytes",
    "generate_keypair",
    "leaf_hash",
    "load_private_key",
    "node_hash",
    "parse_checkpoint",
    "save_private_key",
    "sign_checkpoint",
    "sign_decision",
    "verify_checkpoint",
    "verify_consistency",
    "verify_decision",
    "verify_inclusion",
    "verify_jsonl",
    "verify_records",
    "write_jsonl",
]
