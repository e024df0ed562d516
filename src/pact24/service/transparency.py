"""The ledger, read from outside: checkpoints, entries, inclusion and consistency proofs.

Proofs are computed from the leaf hashes stored with each entry, read in one transaction, so
they always describe one consistent state of the log. Each checkpoint is the one signed when
its entry was appended, served as it was stored: a witness that kept an earlier checkpoint
asks for a consistency proof from its size to the current one, and alarms if none verifies.
"""

from __future__ import annotations

import base64
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from pact24.errors import InvalidInput, NotFound
from pact24.ledger import Ledger, MerkleTree, dumps_jsonl, encode_public_key, parse_checkpoint
from pact24.ledger.verify import Record
from pact24.service.auth import Actor, require_reader
from pact24.service.schemas import CheckpointOut, ConsistencyOut, EntryOut, InclusionOut
from pact24.store.db import Store
from pact24.store.logkey import log_key
from pact24.store.models import Guarantee, LedgerRow
from pact24.store.record import build_ledger, get_guarantee


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _tree(session: Session, g: Guarantee) -> MerkleTree:
    leaves = session.scalars(
        select(LedgerRow.leaf_hash).where(LedgerRow.guarantee_id == g.id).order_by(LedgerRow.idx)
    )
    return MerkleTree(bytes(h) for h in leaves)


def _size(g: Guarantee, size: int | None) -> int:
    if size is None:
        return g.ledger_size
    if not 0 <= size <= g.ledger_size:
        raise InvalidInput(f"size {size}: the log of {g.id} holds {g.ledger_size} entries")
    return size


def checkpoint_note(session: Session, store: Store, g: Guarantee, size: int | None = None) -> str:
    """The signed checkpoint of the log at ``size`` (default: now), as stored."""
    n = _size(g, size)
    if n == 0:
        return Ledger(log_key(store), g.log_origin).checkpoint()
    note = session.scalar(
        select(LedgerRow.checkpoint).where(LedgerRow.guarantee_id == g.id, LedgerRow.idx == n - 1)
    )
    assert note is not None
    return note


def checkpoint(
    session: Session, store: Store, actor: Actor, guarantee_id: str, size: int | None = None
) -> CheckpointOut:
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    note = checkpoint_note(session, store, g, size)
    cp = parse_checkpoint(note)
    return CheckpointOut(
        guarantee=g.id,
        mode=g.mode,  # type: ignore[arg-type]
        origin=cp.origin,
        size=cp.size,
        root=b64(cp.root),
        note=note,
        log_public_key=encode_public_key(log_key(store).public_key()),
    )


def entry(session: Session, actor: Actor, guarantee_id: str, index: int) -> EntryOut:
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    row = session.get(LedgerRow, (g.id, index))
    if row is None:
        raise NotFound(f"no entry {index} in the log of {g.id} ({g.ledger_size} entries)")
    return EntryOut(index=row.idx, leaf_hash=b64(bytes(row.leaf_hash)), entry=json.loads(row.entry))


def inclusion(
    session: Session, actor: Actor, guarantee_id: str, index: int, size: int | None = None
) -> InclusionOut:
    """The audit path of entry ``index`` in the log of ``size`` entries (default: now)."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    n = _size(g, size)
    if not 0 <= index < n:
        raise InvalidInput(f"no entry {index} in a log of {n} entries")
    tree = _tree(session, g)
    row = session.get(LedgerRow, (g.id, index))
    assert row is not None
    return InclusionOut(
        index=index,
        size=n,
        leaf_hash=b64(tree.leaf_hash(index)),
        root=b64(tree.root(n)),
        proof=[b64(h) for h in tree.inclusion_proof(index, n)],
        entry=json.loads(row.entry),
    )


def consistency(
    session: Session, actor: Actor, guarantee_id: str, old_size: int, new_size: int | None = None
) -> ConsistencyOut:
    """The proof that the log at ``new_size`` (default: now) extends the log at ``old_size``."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    n = _size(g, new_size)
    if not 0 <= old_size <= n:
        raise InvalidInput(f"no consistency proof from size {old_size} to size {n}")
    tree = _tree(session, g)
    return ConsistencyOut(
        old_size=old_size,
        new_size=n,
        old_root=b64(tree.root(old_size)),
        new_root=b64(tree.root(n)),
        proof=[b64(h) for h in tree.consistency_proof(old_size, n)],
    )


def jsonl(session: Session, store: Store, actor: Actor, guarantee_id: str) -> bytes:
    """The guarantee's whole ledger as the ledger package's JSON Lines file (verifiable with
    ``pact24 ledger verify``)."""
    require_reader(actor, guarantee_id)
    return export_jsonl(session, store, guarantee_id)


def export_jsonl(session: Session, store: Store, guarantee_id: str) -> bytes:
    g = get_guarantee(session, guarantee_id)
    return dumps_jsonl(build_ledger(session, store, g))


def records(session: Session, actor: Actor, guarantee_id: str, start: int) -> list[Record]:
    """The stored entries from index ``start`` on, each with the checkpoint signed after it:
    the rows the export is made of, for a reader that verified the entries before ``start``."""
    require_reader(actor, guarantee_id)
    g = get_guarantee(session, guarantee_id)
    rows = session.execute(
        select(LedgerRow.entry, LedgerRow.checkpoint)
        .where(LedgerRow.guarantee_id == g.id, LedgerRow.idx >= start)
        .order_by(LedgerRow.idx)
    )
    return [Record(json.loads(entry), checkpoint) for entry, checkpoint in rows]
