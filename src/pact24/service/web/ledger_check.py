"""The ledger check shown on the board: the guarantee's whole ledger verified against its
current signed checkpoint, from the export alone, as any outside party could.

Many boards refresh after the same change, so results are remembered for a few seconds per
(log, guarantee, size, root) in one process-wide ``LEDGER_CHECKS``; boards that poll and see no
change are answered 204 before any check.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from pact24.errors import LedgerError
from pact24.ledger import decode_public_key, verify_records
from pact24.ledger.jsonl import iter_records, parse_header
from pact24.service.auth import Actor
from pact24.service.core import Service
from pact24.service.schemas import CheckpointOut


@dataclass(frozen=True, slots=True)
class LedgerStatus:
    """What the board says about the ledger: verified or not, at which checkpoint."""

    verified: bool
    size: int
    root: str
    origin: str
    note: str
    detail: str


CheckKey = tuple[str, str, int, str]


class LedgerCheckCache:
    """Recent verification results by (store, guarantee, size, root), reused for ``ttl``
    seconds and at most ``capacity`` of them; safe to share between threads."""

    def __init__(self, ttl: float = 10.0, capacity: int = 256) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._results: OrderedDict[CheckKey, tuple[float, LedgerStatus]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CheckKey) -> LedgerStatus | None:
        with self._lock:
            known = self._results.get(key)
        if known is not None and time.monotonic() - known[0] < self.ttl:
            return known[1]
        return None

    def put(self, key: CheckKey, status: LedgerStatus) -> None:
        with self._lock:
            self._results[key] = (time.monotonic(), status)
            self._results.move_to_end(key)
            while len(self._results) > self.capacity:
                self._results.popitem(last=False)

    def forget(self) -> None:
        """Drop every remembered result (tests that change a stored ledger by hand)."""
        with self._lock:
            self._results.clear()


#: The one cache of this process, shared by every board.
LEDGER_CHECKS = LedgerCheckCache()


def ledger_status(service: Service, actor: Actor, guarantee_id: str) -> LedgerStatus:
    """Verify the guarantee's whole ledger against its current signed checkpoint.

    Every entry, every stored checkpoint and every delegate signature is checked from the
    ledger export alone (``verify_records``), under the service's log key, and the ledger must
    extend the checkpoint shown.
    """
    cp = service.checkpoint(actor, guarantee_id)
    key = (service.store.url, guarantee_id, cp.size, cp.root)
    known = LEDGER_CHECKS.get(key)
    if known is not None:
        return known
    try:
        status = _verify(service, actor, guarantee_id, cp)
    except LedgerError as exc:
        status = LedgerStatus(False, cp.size, cp.root, cp.origin, cp.note, exc.detail)
    LEDGER_CHECKS.put(key, status)
    return status


def _verify(service: Service, actor: Actor, guarantee_id: str, cp: CheckpointOut) -> LedgerStatus:
    log_key = decode_public_key(cp.log_public_key)
    lines = service.ledger_jsonl(actor, guarantee_id).split(b"\n")
    final_newline = lines[-1] == b""
    if final_newline:
        lines.pop()
    header = parse_header(lines[0])
    if header.log_public_key.public_bytes_raw() != log_key.public_bytes_raw():
        raise LedgerError("the export is signed by another log key than the checkpoint")
    verified = verify_records(
        iter_records(lines[1:], final_newline), cp.origin, log_key, pinned_checkpoint=cp.note
    )
    detail = f"{verified.size} entries verified"
    return LedgerStatus(True, cp.size, cp.root, cp.origin, cp.note, detail)
