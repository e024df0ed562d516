"""The witness keeps every checkpoint and alarms when the log shows a split view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.support import World, bearer

from pact24.ledger import Checkpoint, parse_checkpoint, sign_checkpoint
from pact24.service.witness import Alarm, Witness, compare
from pact24.store.logkey import log_key


class Forking:
    """A log operator that answers like the service, except for the checkpoint it shows."""

    def __init__(self, w: World, forged_note: str) -> None:
        self.w, self.note = w, forged_note

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        r = self.w.client.get(url, params=params, headers=bearer(self.w.witness))
        if url.endswith("/log/checkpoint"):
            body = {**r.json(), "note": self.note}
            return httpx.Response(200, json=body)
        return r


def _witness_client(w: World) -> httpx.Client:
    w.client.headers.update(bearer(w.witness))
    return w.client


def _decide(w: World, revision: int) -> None:
    gbr = w.delegates[("GBR", "gbr-minister")]
    choice = "commit" if revision % 2 else "decline"
    assert w.decide(gbr, w.decision(gbr, choice=choice, revision=revision)).status_code == 201


def test_a_witness_keeps_every_checkpoint_and_checks_consistency(
    opened: World, tmp_path: Path
) -> None:
    witness = Witness(tmp_path / "w")
    client = _witness_client(opened)
    assert witness.observe(client, opened.gid).status == "first"
    assert witness.observe(client, opened.gid).status == "same"
    _decide(opened, 1)
    _decide(opened, 2)
    seen = witness.observe(client, opened.gid)
    assert seen.status == "grew" and seen.previous_size == seen.checkpoint.size - 2
    assert sorted(witness.notes()) == list(
        range(seen.checkpoint.size - 2, seen.checkpoint.size + 1)
    )
    assert witness.pinned()[0] == seen.checkpoint.origin


def test_a_forked_log_signed_by_the_log_key_raises_the_alarm(opened: World, tmp_path: Path) -> None:
    witness = Witness(tmp_path / "w")
    witness.observe(_witness_client(opened), opened.gid)
    real = parse_checkpoint(opened.get("/log/checkpoint").json()["note"])
    key = log_key(opened.service.store)
    # Same size, another root: a second history, properly signed by the operator.
    fork = sign_checkpoint(Checkpoint(real.origin, real.size, b"\x07" * 32), key)
    with pytest.raises(Alarm, match="split view"):
        witness.observe(Forking(opened, fork), opened.gid)  # type: ignore[arg-type]
    # A bigger log that does not extend the kept one: no consistency proof can verify.
    _decide(opened, 1)
    grown = parse_checkpoint(opened.get("/log/checkpoint").json()["note"])
    fork = sign_checkpoint(Checkpoint(real.origin, grown.size, b"\x09" * 32), key)
    with pytest.raises(Alarm, match="does not extend"):
        witness.observe(Forking(opened, fork), opened.gid)  # type: ignore[arg-type]
    # A smaller log than one already seen is a rollback.
    witness.observe(_witness_client(opened), opened.gid)
    old = opened.get(f"/log/checkpoint?size={real.size}").json()["note"]
    with pytest.raises(Alarm, match="rollback"):
        witness.observe(Forking(opened, old), opened.gid)  # type: ignore[arg-type]


def test_two_witnesses_compare_their_copies(opened: World, tmp_path: Path) -> None:
    a, b = Witness(tmp_path / "a"), Witness(tmp_path / "b")
    client = _witness_client(opened)
    a.observe(client, opened.gid)
    b.observe(client, opened.gid)
    assert compare(a, b) == 1
    real = parse_checkpoint(next(iter(b.notes().values())))
    forged = sign_checkpoint(
        Checkpoint(real.origin, real.size, b"\x01" * 32), log_key(opened.service.store)
    )
    (b.folder / "checkpoints" / f"{real.size}.note").write_text(forged)
    with pytest.raises(Alarm):
        compare(a, b)


def test_a_key_other_than_the_pinned_one_is_an_alarm(opened: World, tmp_path: Path) -> None:
    from pact24.ledger import encode_public_key, generate_keypair

    witness = Witness(tmp_path / "w")
    origin = opened.get("/log/checkpoint").json()["origin"]
    witness.pin(origin, encode_public_key(generate_keypair()[1]))
    with pytest.raises(Alarm, match="another key"):
        witness.observe(_witness_client(opened), opened.gid)
