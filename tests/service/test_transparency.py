"""Checkpoints and proofs: what a witness checks, checked here with the ledger's verifiers."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.service.support import World

from pact24.ledger import (
    decode_public_key,
    verify_checkpoint,
    verify_consistency,
    verify_inclusion,
    verify_jsonl,
)


def b(text: str) -> bytes:
    return base64.b64decode(text)


def test_checkpoints_inclusion_and_consistency_proofs_verify(opened: World) -> None:
    w = opened
    first = w.get("/log/checkpoint").json()
    gbr = w.delegates[("GBR", "gbr-minister")]
    assert w.decide(gbr, w.decision(gbr)).status_code == 201
    cp = w.get("/log/checkpoint").json()
    key = decode_public_key(cp["log_public_key"])
    checkpoint = verify_checkpoint(cp["note"], key, cp["origin"])
    assert checkpoint.size == cp["size"] == first["size"] + 1
    assert w.get("/log/checkpoint/note").text == cp["note"]
    assert w.get(f"/log/checkpoint?size={first['size']}").json()["note"] == first["note"]
    for index in range(checkpoint.size):
        p = w.get(f"/log/proof/inclusion?index={index}").json()
        assert verify_inclusion(
            b(p["leaf_hash"]), index, p["size"], [b(h) for h in p["proof"]], checkpoint.root
        )
        assert p["entry"] == w.get(f"/log/entries/{index}").json()["entry"]
    for old in range(checkpoint.size + 1):
        p = w.get(f"/log/proof/consistency?old={old}").json()
        old_root = verify_checkpoint(w.get(f"/log/checkpoint?size={old}").json()["note"], key).root
        assert b(p["old_root"]) == old_root
        assert verify_consistency(
            old, p["new_size"], [b(h) for h in p["proof"]], old_root, checkpoint.root
        )


def test_bad_proof_requests_are_4xx(opened: World) -> None:
    size = opened.get("/log/checkpoint").json()["size"]
    assert opened.get(f"/log/proof/inclusion?index={size}").status_code == 422
    assert opened.get(f"/log/proof/consistency?old={size + 1}").status_code == 422
    assert opened.get(f"/log/checkpoint?size={size + 1}").status_code == 422
    assert opened.get(f"/log/entries/{size}").status_code == 404
    assert opened.get("/log/entries/-1").status_code == 422


def test_the_jsonl_export_verifies_offline_against_the_served_checkpoint(
    opened: World, tmp_path: Path
) -> None:
    w = opened
    gbr = w.delegates[("GBR", "gbr-minister")]
    w.decide(gbr, w.decision(gbr))
    cp = w.get("/log/checkpoint").json()
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(w.get("/log/export.jsonl").content)
    verified = verify_jsonl(path, decode_public_key(cp["log_public_key"]), cp["note"])
    assert verified.size == cp["size"] and verified.origin == cp["origin"]
