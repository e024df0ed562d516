"""The Merkle tree against the RFC 6962 / Certificate Transparency reference vectors, a naive
transcription of the RFC's definitions, and properties over random trees.

The vectors are those of transparency-dev/merkle, proof/verify_test.go (the successor of the
google/certificate-transparency reference tests): leaf data, the roots of sizes 1..8, and known
inclusion and consistency proofs. Leaf indexes below are 0-based.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pact24.errors import LedgerError
from pact24.ledger.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def hx(*hashes: str) -> list[bytes]:
    return [bytes.fromhex(h) for h in hashes]


INCLUSION = [
    (
        0,
        8,
        hx(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        5,
        8,
        hx(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (2, 3, hx("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")),
    (
        1,
        5,
        hx(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
]

CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        hx(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ),
    ),
    (
        6,
        8,
        hx(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
    (
        2,
        5,
        hx(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ),
    ),
    (
        6,
        7,
        hx(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ),
    ),
]

SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


# --- a naive transcription of RFC 6962 §2.1, to check the fast tree against ---------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = _k(len(d))
    return hashlib.sha256(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:])).digest()


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def tree_of(data: list[bytes]) -> MerkleTree:
    tree = MerkleTree()
    for d in data:
        tree.append(d)
    return tree


def flip(h: bytes, at: int = 0) -> bytes:
    return h[:at] + bytes([h[at] ^ 0x10]) + h[at + 1 :]


# --- reference vectors ------------------------------------------------------------------------


def test_the_empty_tree_has_the_hash_of_nothing() -> None:
    assert MerkleTree().root() == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_the_reference_vectors(size: int) -> None:
    assert tree_of(LEAVES[:size]).root() == ROOTS[size - 1]
    # An earlier size of a bigger tree has the same root.
    assert tree_of(LEAVES).root(size) == ROOTS[size - 1]


def test_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert (
        node_hash(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()
    )


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_proofs_match_the_reference_vectors(
    index: int, size: int, proof: list[bytes]
) -> None:
    tree = tree_of(LEAVES)
    assert tree.inclusion_proof(index, size) == proof
    leaf = leaf_hash(LEAVES[index])
    root = ROOTS[size - 1]
    assert verify_inclusion(leaf, index, size, proof, root)
    assert root_from_inclusion_proof(leaf, index, size, proof) == root


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(index: int, size: int, proof: list[bytes]) -> None:
    """The probes of the reference tests: each must be refused."""
    leaf, root = leaf_hash(LEAVES[index]), ROOTS[size - 1]
    probes = [
        (index - 1, size, leaf, root, proof),
        (index + 1, size, leaf, root, proof),
        (index ^ 2, size, leaf, root, proof),
        (index, size * 2, leaf, root, proof),
        (index, size // 2, leaf, root, proof),
        (index, size, b"WrongLeaf", root, proof),
        (index, size, leaf, EMPTY_ROOT, proof),
        (index, size, leaf, SOME_HASH, proof),
        (index, size, leaf, root, [*proof, b""]),
        (index, size, leaf, root, [*proof, root]),
        (index, size, leaf, root, [b"", *proof]),
        (index, size, leaf, root, [root, *proof]),
        (index, size, leaf, root, proof[:-1]),
    ]
    probes += [
        (index, size, leaf, root, [*proof[:i], flip(proof[i]), *proof[i + 1 :]])
        for i in range(len(proof))
    ]
    if len(proof) > 1:
        probes.append((index, size, leaf, root, [proof[0], SOME_HASH, *proof[1:]]))
    for i, n, lh, r, p in probes:
        assert not verify_inclusion(lh, i, n, p, r), (i, n)


def test_inclusion_in_a_tree_of_one_has_an_empty_proof() -> None:
    h = leaf_hash(b"data")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], h)
    for index, size in [(0, 0), (1, 0), (2, 1)]:
        assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_reference_vectors(
    size1: int, size2: int, proof: list[bytes]
) -> None:
    tree = tree_of(LEAVES)
    assert tree.consistency_proof(size1, size2) == proof
    assert verify_consistency(size1, size2, proof, ROOTS[size1 - 1], ROOTS[size2 - 1])


@pytest.mark.parametrize(("size1", "size2", "proof"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_fail(size1: int, size2: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[size1 - 1], ROOTS[size2 - 1]
    probes = [
        (size1 - 1, size2, r1, r2, proof),
        (size1 + 1, size2, r1, r2, proof),
        (size1 ^ 2, size2, r1, r2, proof),
        (size1, size2 * 2, r1, r2, proof),
        (size1, size2 // 2, r1, r2, proof),
        (size1, size2, b"WrongRoot", r2, proof),
        (size1, size2, r1, b"WrongRoot", proof),
        (size1, size2, r2, r1, proof),
        (size1, size2, r1, r2, []),
        (size1, size2, r1, r2, [*proof, b""]),
        (size1, size2, r1, r2, [*proof, r1]),
        (size1, size2, r1, r2, [*proof, r2]),
        (size1, size2, r1, r2, [b"", *proof]),
        (size1, size2, r1, r2, [r1, *proof]),
        (size1, size2, r1, r2, [r2, *proof]),
        (size1, size2, r1, r2, [proof[0], *proof]),
        (size1, size2, r1, r2, proof[:-1]),
    ]
    probes += [
        (size1, size2, r1, r2, [*proof[:i], flip(proof[i]), *proof[i + 1 :]])
        for i in range(len(proof))
    ]
    for s1, s2, a, b, p in probes:
        assert not verify_consistency(s1, s2, p, a, b), (s1, s2)


@pytest.mark.parametrize(
    ("size1", "size2", "root1", "root2", "proof", "ok"),
    [
        (0, 0, b"1" * 32, b"2" * 32, [], False),
        (1, 1, b"1" * 32, b"2" * 32, [], False),
        (0, 0, b"1" * 32, b"1" * 32, [], True),
        (0, 1, b"1" * 32, b"2" * 32, [], True),
        (1, 1, b"2" * 32, b"2" * 32, [], True),
        (1, 0, b"1" * 32, b"2" * 32, [], False),
        (2, 1, b"1" * 32, b"2" * 32, [], False),
        (1, 2, b"1" * 32, b"2" * 32, [], False),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    ],
)
def test_trivial_consistency_cases(
    size1: int, size2: int, root1: bytes, root2: bytes, proof: list[bytes], ok: bool
) -> None:
    """The edge cases of the reference tests: equal sizes, the empty tree, time travel."""
    assert verify_consistency(size1, size2, proof, root1, root2) is ok


def test_proofs_out_of_range_are_refused() -> None:
    tree = tree_of(LEAVES[:3])
    with pytest.raises(LedgerError):
        tree.inclusion_proof(3)
    with pytest.raises(LedgerError):
        tree.inclusion_proof(0, 4)
    with pytest.raises(LedgerError):
        tree.consistency_proof(4)
    with pytest.raises(LedgerError):
        tree.root(4)
    with pytest.raises(LedgerError):
        tree.append_hash(b"short")


def test_a_tree_rebuilds_from_its_leaf_hashes() -> None:
    tree = tree_of(LEAVES)
    again = MerkleTree(tree.leaf_hash(i) for i in range(tree.size))
    assert again.root() == ROOTS[-1]
    assert again.inclusion_proof(5) == tree.inclusion_proof(5)


# --- properties over random trees -------------------------------------------------------------

leaves_st = st.lists(st.binary(max_size=8), min_size=1, max_size=70)


@settings(max_examples=150, deadline=None)
@given(data=leaves_st)
def test_the_tree_agrees_with_the_rfc_definitions(data: list[bytes]) -> None:
    tree = tree_of(data)
    for n in range(len(data) + 1):
        assert tree.root(n) == ref_mth(data[:n])
    n = len(data)
    for m in range(n):
        assert tree.inclusion_proof(m) == ref_path(m, data)
    for m in range(1, n):
        assert tree.consistency_proof(m) == ref_subproof(m, data, True)


@settings(max_examples=200, deadline=None)
@given(data=leaves_st, choice=st.data())
def test_every_inclusion_proof_verifies_and_a_flipped_byte_fails(
    data: list[bytes], choice: st.DataObject
) -> None:
    tree = tree_of(data)
    size = choice.draw(st.integers(1, len(data)), label="size")
    index = choice.draw(st.integers(0, size - 1), label="index")
    proof, root, leaf = tree.inclusion_proof(index, size), tree.root(size), tree.leaf_hash(index)
    assert verify_inclusion(leaf, index, size, proof, root)
    at = choice.draw(st.integers(0, 31), label="byte")
    assert not verify_inclusion(flip(leaf, at), index, size, proof, root)
    assert not verify_inclusion(leaf, index, size, proof, flip(root, at))
    if proof:
        i = choice.draw(st.integers(0, len(proof) - 1), label="element")
        bad = [*proof[:i], flip(proof[i], at), *proof[i + 1 :]]
        assert not verify_inclusion(leaf, index, size, bad, root)


@settings(max_examples=200, deadline=None)
@given(data=leaves_st, choice=st.data())
def test_every_consistency_proof_verifies_and_a_flipped_byte_fails(
    data: list[bytes], choice: st.DataObject
) -> None:
    tree = tree_of(data)
    size2 = choice.draw(st.integers(0, len(data)), label="size2")
    size1 = choice.draw(st.integers(0, size2), label="size1")
    proof = tree.consistency_proof(size1, size2)
    root1, root2 = tree.root(size1), tree.root(size2)
    assert verify_consistency(size1, size2, proof, root1, root2)
    at = choice.draw(st.integers(0, 31), label="byte")
    if size1 > 0:
        assert not verify_consistency(size1, size2, proof, flip(root1, at), root2)
    if 0 < size1 < size2:
        assert not verify_consistency(size1, size2, proof, root1, flip(root2, at))
        i = choice.draw(st.integers(0, len(proof) - 1), label="element")
        bad = [*proof[:i], flip(proof[i], at), *proof[i + 1 :]]
        assert not verify_consistency(size1, size2, bad, root1, root2)
