"""The witness keeps every checkpoint and alarms when the log shows a split view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.service.support import World, bearer

from pact24.ledger import Checkpoint, parse_checkpoint, sign_checkpoint
from pact24.service.witness import Alarm, Observation, Outage, Patience, Witness, compare, watch
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


class Flaky:
    """The service behind a network that fails the next ``down`` requests: no connection, then
    a 503 with Retry-After, alternately."""

    def __init__(self, w: World, down: int) -> None:
        self.w, self.down, self.sent = w, down, 0

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        self.sent += 1
        if self.down > 0:
            self.down -= 1
            if self.down % 2:
                raise httpx.ConnectError("connection refused")
            return httpx.Response(503, json={"detail": "restarting"}, headers={"Retry-After": "3"})
        return self.w.client.get(url, params=params, headers=bearer(self.w.witness))


class Enough(Exception):
    """Stops a watch after the polls a test needs."""


class FakeTime:
    """A clock that moves only when the witness sleeps."""

    def __init__(self) -> None:
        self.now, self.slept = 0.0, list[float]()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _watch(
    witness: Witness, gid: str, net: Flaky, time: FakeTime, polls: int, outage: float
) -> list[Observation]:
    seen: list[Observation] = []
    warnings: list[str] = []

    def report(o: Observation) -> None:
        seen.append(o)
        if len(seen) == polls:
            raise Enough

    with pytest.raises(Enough):
        watch(
            lambda: witness.observe(net, gid),  # type: ignore[arg-type]
            report,
            warnings.append,
            interval=30,
            patience=Patience(outage=outage, first=1, cap=30),
            sleep=time.sleep,
            clock=lambda: time.now,
        )
    assert len(warnings) == len(time.slept) - len(seen) + 1
    return seen


def test_a_watching_witness_rides_out_a_short_outage(opened: World, tmp_path: Path) -> None:
    witness, time = Witness(tmp_path / "w"), FakeTime()
    net = Flaky(opened, down=0)
    first = _watch(witness, opened.gid, net, time, polls=1, outage=60)
    assert first[0].status == "first"
    _decide(opened, 1)
    net.down = 2
    time.slept.clear()
    seen = _watch(witness, opened.gid, net, time, polls=1, outage=60)
    # No connection: wait 1 s; then a 503 asking for 3 s: wait 3 s (not 2); then it answers.
    assert time.slept == [1, 3] and seen[0].status == "grew"
    assert net.down == 0


def test_a_watching_witness_gives_up_after_the_stated_outage(opened: World, tmp_path: Path) -> None:
    witness, time = Witness(tmp_path / "w"), FakeTime()
    net = Flaky(opened, down=10**6)
    with pytest.raises(Outage, match="no answer for 60 s"):
        watch(
            lambda: witness.observe(net, opened.gid),  # type: ignore[arg-type]
            lambda o: None,
            lambda line: None,
            interval=30,
            patience=Patience(outage=60, first=1, cap=30),
            sleep=time.sleep,
            clock=lambda: time.now,
        )
    # Waits double (a 503 asks for 3 s: no sooner), and the last one ends at the limit.
    assert time.slept == [1, 3, 4, 8, 16, 28]
    assert [Patience(cap=30).wait(n) for n in (5, 6, 7)] == [16, 30, 30]
    assert not (witness.folder / "ALARM").exists()


def test_a_watching_witness_still_alarms_at_once_on_a_fork(opened: World, tmp_path: Path) -> None:
    witness, time = Witness(tmp_path / "w"), FakeTime()
    witness.observe(_witness_client(opened), opened.gid)
    real = parse_checkpoint(opened.get("/log/checkpoint").json()["note"])
    fork = sign_checkpoint(
        Checkpoint(real.origin, real.size, b"\x07" * 32), log_key(opened.service.store)
    )
    with pytest.raises(Alarm, match="split view"):
        watch(
            lambda: witness.observe(Forking(opened, fork), opened.gid),  # type: ignore[arg-type]
            lambda o: None,
            lambda line: None,
            interval=30,
            patience=Patience(outage=60),
            sleep=time.sleep,
            clock=lambda: time.now,
        )
    assert time.slept == []
