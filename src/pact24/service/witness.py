"""A witness: a guarantor's own copy of every checkpoint of a guarantee's log.

The log operator could show one history to one guarantor and another to the next (a *split
view*), or quietly rewrite the past. A witness makes that detectable. It pins the log's key and
origin the first time (or takes them from the command line), and on every poll

1. fetches the current signed checkpoint and verifies its signature and origin;
2. if the log grew, fetches a consistency proof from the last size it holds and verifies it;
3. if the size is the same, the root must be the same; a smaller size is a rollback;
4. keeps the checkpoint, one file per size, never overwritten — and every checkpoint between
   the last one it held and this one (the service keeps one per size), each checked against
   the new root, so its copy has no gaps.

Any contradiction is an ``Alarm``. An outage is not: ``watch`` tries again with waits that double
up to a cap, and gives up with ``Outage`` only once the service has been silent for a stated
time (a log that stops answering may be withholding, but a restart is not tampering). Two
witnesses (or a witness and a guarantor's auditor) compare
their folders with ``compare``: the same size must have the same root in both, or the log
showed them different histories.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from pact24.errors import LedgerError, Pact24Error, TamperDetected
from pact24.ledger import (
    Checkpoint,
    decode_public_key,
    parse_checkpoint,
    verify_checkpoint,
    verify_consistency,
)
from pact24.service.client import Unavailable, raise_for_problem


class Alarm(TamperDetected):
    """The log contradicts what this witness saw before: a split view or a rewrite."""

    def __init__(self, detail: str, size: int) -> None:
        super().__init__(detail, entry=size)


class Outage(Pact24Error):
    """The service gave no answer for longer than the witness was told to wait."""


@dataclass(frozen=True, slots=True)
class Patience:
    """How long a watching witness waits out an outage: tries ``first``, ``2 * first``, ...
    seconds apart, at most ``cap``, and gives up after ``outage`` seconds without an answer."""

    outage: float = 600.0
    first: float = 1.0
    cap: float = 30.0

    def wait(self, failures: int) -> float:
        return min(self.cap, self.first * 2.0 ** (failures - 1))


@dataclass(frozen=True, slots=True)
class Observation:
    """What one poll saw: the checkpoint, and what the witness concluded."""

    checkpoint: Checkpoint
    previous_size: int | None
    status: str  # "first", "same", "grew"


class Witness:
    """The state folder of one witness for one guarantee's log."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "checkpoints").mkdir(exist_ok=True)

    @property
    def _pin_file(self) -> Path:
        return self.folder / "log.json"

    def pinned(self) -> tuple[str, str] | None:
        """The pinned (origin, log public key in base64), if any."""
        if not self._pin_file.exists():
            return None
        data = json.loads(self._pin_file.read_text())
        return data["origin"], data["log_public_key"]

    def pin(self, origin: str, log_public_key: str) -> None:
        decode_public_key(log_public_key)
        self._pin_file.write_text(
            json.dumps({"origin": origin, "log_public_key": log_public_key}, indent=2) + "\n"
        )

    def notes(self) -> dict[int, str]:
        """Every checkpoint kept, by size."""
        out = {}
        for path in (self.folder / "checkpoints").glob("*.note"):
            out[int(path.stem)] = path.read_text()
        return out

    def latest(self) -> Checkpoint | None:
        notes = self.notes()
        return None if not notes else parse_checkpoint(notes[max(notes)])

    def keep(self, note: str, checkpoint: Checkpoint) -> None:
        path = self.folder / "checkpoints" / f"{checkpoint.size}.note"
        if path.exists():
            old = parse_checkpoint(path.read_text())
            if old.root != checkpoint.root:
                raise Alarm(
                    f"split view: two different roots for size {checkpoint.size}",
                    checkpoint.size,
                )
            return
        path.write_text(note)

    @staticmethod
    def _check_extends(client: httpx.Client, base: str, old: Checkpoint, new: Checkpoint) -> None:
        """Alarm unless the log at ``new`` provably extends the log at ``old``."""
        r = client.get(f"{base}/proof/consistency", params={"old": old.size, "new": new.size})
        raise_for_problem(r)
        proof = [base64.b64decode(h) for h in r.json()["proof"]]
        if not verify_consistency(old.size, new.size, proof, old.root, new.root):
            raise Alarm(
                f"split view: the log of {new.size} entries does not extend the log of "
                f"{old.size} entries this witness holds",
                old.size,
            )

    def observe(self, client: httpx.Client, guarantee_id: str) -> Observation:
        """One poll of the service (see the module docstring); raises Alarm on a contradiction."""
        base = f"/api/v1/guarantees/{guarantee_id}/log"
        r = client.get(f"{base}/checkpoint")
        raise_for_problem(r)
        served = r.json()
        note, served_key = served["note"], served["log_public_key"]
        pin = self.pinned()
        if pin is None:
            origin = parse_checkpoint(note).origin
            self.pin(origin, served_key)
            pin = (origin, served_key)
        origin, key_b64 = pin
        if served_key != key_b64:
            raise Alarm("the log now answers with another key than the pinned one", 0)
        try:
            cp = verify_checkpoint(note, decode_public_key(key_b64), origin)
        except LedgerError as exc:
            raise Alarm(f"the checkpoint does not verify: {exc.detail}", 0) from None
        last = self.latest()
        if last is None:
            self.keep(note, cp)
            return Observation(cp, None, "first")
        if cp.size < last.size:
            raise Alarm(
                f"rollback: the log shows {cp.size} entries after showing {last.size}", cp.size
            )
        if cp.size == last.size:
            if cp.root != last.root:
                raise Alarm(f"split view: the root of size {cp.size} changed", cp.size)
            self.keep(note, cp)
            return Observation(cp, last.size, "same")
        self._check_extends(client, base, last, cp)
        # Keep every checkpoint in between too, each checked against the new root.
        key = decode_public_key(key_b64)
        for size in range(last.size + 1, cp.size):
            r = client.get(f"{base}/checkpoint", params={"size": size})
            raise_for_problem(r)
            between_note = r.json()["note"]
            try:
                between = verify_checkpoint(between_note, key, origin)
            except LedgerError as exc:
                raise Alarm(
                    f"the checkpoint of size {size} does not verify: {exc.detail}", size
                ) from None
            if between.size != size:
                raise Alarm(f"asked for the checkpoint of size {size}, got {between.size}", size)
            self._check_extends(client, base, between, cp)
            self.keep(between_note, between)
        self.keep(note, cp)
        return Observation(cp, last.size, "grew")


def compare(a: Witness, b: Witness) -> int:
    """Check two witnesses saw one history: equal roots at every size both kept. Returns how
    many sizes were compared; raises Alarm at the first that differs."""
    notes_a, notes_b = a.notes(), b.notes()
    common = sorted(set(notes_a) & set(notes_b))
    for size in common:
        if parse_checkpoint(notes_a[size]).root != parse_checkpoint(notes_b[size]).root:
            raise Alarm(f"split view: the witnesses hold different roots for size {size}", size)
    return len(common)


def watch(
    poll: Callable[[], Observation],
    report: Callable[[Observation], None],
    warn: Callable[[str], None],
    *,
    interval: float,
    patience: Patience,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Poll every ``interval`` seconds, forever. A poll that finds no service (no connection, a
    5xx or 429) is retried with backoff (no sooner than a Retry-After); ``Outage`` once the
    service has been silent for ``patience.outage``; an ``Alarm`` goes straight up."""
    down_since: float | None = None
    failures = 0
    while True:
        try:
            seen = poll()
        except (httpx.TransportError, Unavailable) as exc:
            now = clock()
            down_since = now if down_since is None else down_since
            silent = now - down_since
            if silent >= patience.outage:
                raise Outage(
                    f"no answer for {silent:.0f} s (the limit is {patience.outage:g} s): {exc}"
                ) from None
            failures += 1
            delay = patience.wait(failures)
            if isinstance(exc, Unavailable) and exc.retry_after is not None:
                delay = max(delay, exc.retry_after)
            delay = min(delay, patience.outage - silent)
            warn(f"no answer ({exc}); trying again in {delay:g} s")
            sleep(delay)
            continue
        down_since, failures = None, 0
        report(seen)
        sleep(interval)
