"""An RFC 6962 Merkle tree: the append-only log under the ledger.

Why a Merkle tree rather than a hash chain: a chain proves that one entry precedes another only
by replaying everything between them, while a Merkle tree proves, in O(log n) hashes,

* that an entry is in the log (an *inclusion proof*, RFC 6962 §2.1.1), and
* that a later log extends an earlier one without rewriting it (a *consistency proof*, §2.1.2).

Hashing is domain-separated so that no leaf can pass for an interior node:
``leaf = SHA-256(0x00 || entry)`` and ``node = SHA-256(0x01 || left || right)``. A tree of ``n``
leaves splits at ``k``, the largest power of two below ``n``: its left part is always a perfect
subtree. This module keeps every perfect subtree hash it has formed (about ``2n`` hashes), so
roots and proofs, at the current size or any earlier one, cost O(log n) hashes, never a rescan.

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency); verifiers return
``False`` on any malformed input rather than raise, so that a proof is simply good or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from pact24.errors import LedgerError

HASH_SIZE = 32
#: MTH({}) = SHA-256 of the empty string: the root of the empty log.
EMPTY_ROOT = hashlib.sha256(b"").digest()

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``): where RFC 6962 splits."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An append-only RFC 6962 tree over leaf hashes.

    ``_levels[h][i]`` is the hash of the perfect subtree of ``2**h`` leaves starting at leaf
    ``i * 2**h``. Such a subtree never changes once complete, which is why proofs for earlier
    sizes remain cheap after later appends.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for h in leaf_hashes:
            self.append_hash(h)

    @property
    def size(self) -> int:
        """How many leaves the tree holds."""
        return len(self._levels[0])

    def append(self, data: bytes) -> bytes:
        """Append one entry's bytes; return its leaf hash."""
        h = leaf_hash(data)
        self.append_hash(h)
        return h

    def append_hash(self, h: bytes) -> None:
        """Append a leaf by its hash (to rebuild from stored leaf hashes)."""
        if len(h) != HASH_SIZE:
            raise LedgerError(f"a leaf hash has {HASH_SIZE} bytes, not {len(h)}")
        self._levels[0].append(h)
        level = 0
        # A level whose length turns even has just completed a pair: form its parent.
        while len(self._levels[level]) % 2 == 0:
            left, right = self._levels[level][-2:]
            if len(self._levels) == level + 1:
                self._levels.append([])
            self._levels[level + 1].append(node_hash(left, right))
            level += 1

    def leaf_hash(self, index: int) -> bytes:
        """The stored hash of leaf ``index``."""
        self._check_index(index, self.size)
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all of them)."""
        n = self._check_size(size)
        return self._mth(0, n)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[size]) of RFC 6962 §2.1.1: the audit path of leaf ``index``."""
        n = self._check_size(size)
        self._check_index(index, n)
        return self._path(index, 0, n)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) of RFC 6962 §2.1.2 (empty when there is nothing to
        prove: an empty old tree, or equal sizes)."""
        n = self._check_size(new_size)
        if not 0 <= old_size <= n:
            raise LedgerError(f"no consistency proof from size {old_size} to size {n}")
        if old_size in (0, n):
            return []
        return self._subproof(old_size, 0, n, True)

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise LedgerError(f"no tree of size {size}: the log holds {self.size} entries")
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise LedgerError(f"no entry {index} in a tree of size {size}")

    def _mth(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]): a stored hash for an aligned perfect subtree, else split."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            height = n.bit_length() - 1
            return self._levels[height][start >> height]
        k = _split(n)
        return node_hash(self._mth(start, start + k), self._mth(start + k, end))

    def _path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return [*self._path(m, start, start + k), self._mth(start + k, end)]
        return [*self._path(m - k, start + k, end), self._mth(start, start + k)]

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self._mth(start, end)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), self._mth(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self._mth(start, start + k)]


def _well_formed(proof: Sequence[bytes], *hashes: bytes) -> bool:
    return all(len(h) == HASH_SIZE for h in (*proof, *hashes))


def root_from_inclusion_proof(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root that ``proof`` implies for leaf hash ``leaf`` at ``index`` in a tree of ``size``
    (RFC 9162 §2.1.3.2), or None when the proof cannot belong to such a tree."""
    if not 0 <= index < size or not _well_formed(proof, leaf):
        return None
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size`` with
    ``root`` (RFC 9162 §2.1.3.2)."""
    return root_from_inclusion_proof(leaf, index, size, proof) == root


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """Whether ``proof`` shows that the tree (``size2``, ``root2``) extends the tree
    (``size1``, ``root1``) (RFC 9162 §2.1.4.2).

    The trivial cases are decided without a proof, and then the proof must be empty: equal
    sizes need equal roots, and the empty tree is a prefix of every tree.
    """
    if not 0 <= size1 <= size2 or not _well_formed(proof, root1, root2):
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root starts the path.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0
