"""The ledger check shown on the board: the guarantee's ledger verified against its current
signed checkpoint from the stored entries and checkpoints alone (the rows the export is made
of), as any outside party could, under the log key the checkpoint names.

It is checked the way a witness checks a log: once in full, then only the entries added since,
each against the tree rebuilt so far and its own signed checkpoint (``ledger.Verifier``, kept
per log and guarantee in one process-wide ``LEDGER_CHECKS``). A board read costs the new
entries, not the whole ledger, however long it grows; one thread checks a guarantee at a time
and the others wait for its answer. An extension that does not verify is checked again from
entry 0 before the board says so. An entry changed in the database after it was verified is
found by a fresh check (another process, ``pact24 ledger verify`` of the export); boards that
poll and see no change are answered 204 before any check.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from pact24.errors import LedgerError
from pact24.ledger import decode_public_key
from pact24.ledger.verify import Verifier
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


@dataclass
class _Progress:
    """How far one guarantee's ledger has been verified in this process, and the answer."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    verifier: Verifier | None = None
    status: LedgerStatus | None = None


class LedgerCheckCache:
    """The verification progress per (store, guarantee); safe to share between threads."""

    def __init__(self) -> None:
        self._progress: dict[tuple[str, str], _Progress] = {}
        self._lock = threading.Lock()

    def progress(self, store_url: str, guarantee_id: str) -> _Progress:
        with self._lock:
            return self._progress.setdefault((store_url, guarantee_id), _Progress())

    def forget(self) -> None:
        """Drop every result and progress (tests that change a stored ledger by hand)."""
        with self._lock:
            self._progress.clear()


#: The one cache of this process, shared by every board.
LEDGER_CHECKS = LedgerCheckCache()


def ledger_status(service: Service, actor: Actor, guarantee_id: str) -> LedgerStatus:
    """The guarantee's ledger verified against its current signed checkpoint: every entry,
    every stored checkpoint and every delegate signature, and the ledger extends the
    checkpoint shown."""
    cp = service.checkpoint(actor, guarantee_id)
    progress = LEDGER_CHECKS.progress(service.store.url, guarantee_id)
    with progress.lock:
        known = progress.status
        if known is not None and (known.size, known.root) == (cp.size, cp.root):
            return known
        try:
            status = _extend(service, actor, guarantee_id, cp, progress)
        except LedgerError:
            progress.verifier = None  # from entry 0 once more before saying it failed
            try:
                status = _extend(service, actor, guarantee_id, cp, progress)
            except LedgerError as exc:
                progress.verifier = None
                status = LedgerStatus(False, cp.size, cp.root, cp.origin, cp.note, exc.detail)
        progress.status = status
        return status


def _extend(
    service: Service, actor: Actor, guarantee_id: str, cp: CheckpointOut, progress: _Progress
) -> LedgerStatus:
    log_key = decode_public_key(cp.log_public_key)
    verifier = progress.verifier
    if (
        verifier is None
        or verifier.origin != cp.origin
        or verifier.log_key.public_bytes_raw() != log_key.public_bytes_raw()
    ):
        verifier = progress.verifier = Verifier(cp.origin, log_key)
    for record in service.ledger_records(actor, guarantee_id, verifier.size):
        verifier.add(record)
    verifier.check_pinned(cp.note)
    detail = f"{verifier.size} entries verified"
    return LedgerStatus(True, cp.size, cp.root, cp.origin, cp.note, detail)
