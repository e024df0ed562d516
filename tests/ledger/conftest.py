"""Builders for ledger tests: a log key, delegate keys, a small signed deliberation record, a
forger that signs whatever a dishonest log operator likes, and the real CLI entry point."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.canonical import canonical
from pact24.ledger import Ledger, encode_public_key, sign_decision
from pact24.ledger.checkpoint import Checkpoint, sign_checkpoint
from pact24.ledger.entry import entry_bytes
from pact24.ledger.merkle import MerkleTree

ORIGIN = "pact24.test/ledger"
DELIB = "delib-1"


def seeded_key(n: int) -> Ed25519PrivateKey:
    """A deterministic key, so test files are byte-for-byte reproducible."""
    return Ed25519PrivateKey.from_private_bytes(bytes([n]) * 32)


@dataclass(frozen=True)
class Delegate:
    guarantor: str
    name: str
    key: Ed25519PrivateKey

    def key_entry(self, deliberation: str = DELIB) -> dict[str, Any]:
        return {
            "deliberation": deliberation,
            "mode": "exercise",
            "kind": "key",
            "body": {
                "guarantor": self.guarantor,
                "delegate": self.name,
                "public_key": encode_public_key(self.key.public_key()),
            },
        }

    def decision(
        self, choice: str = "commit", *, guarantor: str | None = None, revision: int = 1
    ) -> dict[str, Any]:
        """A DecisionRecorded entry signed by this delegate (for ``guarantor``, default own)."""
        body: dict[str, Any] = {
            "type": "DecisionRecorded",
            "at": "2027-03-01T05:00:00+00:00",
            "guarantor": guarantor or self.guarantor,
            "instrument": "troops",
            "choice": choice,
            "revision": revision,
            "delegate": self.name,
            "condition": None,
            "amount": 5000,
            "note": "",
            "signed_at": "2027-03-01T05:00:00Z",
            "guarantee": DELIB,
            "origin": ORIGIN,
        }
        body["signature"] = sign_decision(body, self.key)
        return {"deliberation": DELIB, "mode": "exercise", "kind": "event", "body": body}


FRA = Delegate("FRA", "fra-pm", seeded_key(11))
DEU = Delegate("DEU", "deu-chancellor", seeded_key(12))


def event(kind: str, **fields: Any) -> dict[str, Any]:
    return {
        "deliberation": DELIB,
        "mode": "exercise",
        "kind": "event",
        "body": {"type": kind, **fields},
    }


def standard_entries() -> list[dict[str, Any]]:
    """Eight entries: an incident, a window, two key registrations and four decisions."""
    return [
        event("IncidentReported", at="2027-03-01T04:00:00+00:00", incident_id="inc-1"),
        event("WindowOpened", at="2027-03-01T04:00:00+00:00", deadline="2027-03-02T04:00:00Z"),
        FRA.key_entry(),
        DEU.key_entry(),
        FRA.decision("commit"),
        DEU.decision("decline"),
        DEU.decision("commit", revision=2),
        event("WindowClosed", at="2027-03-02T04:00:00+00:00", reason="deadline"),
    ]


@pytest.fixture
def log_key() -> Ed25519PrivateKey:
    return seeded_key(1)


@pytest.fixture
def fra() -> Delegate:
    return FRA


@pytest.fixture
def deu() -> Delegate:
    return DEU


@pytest.fixture
def entries() -> list[dict[str, Any]]:
    return standard_entries()


@pytest.fixture
def make_event() -> Callable[..., dict[str, Any]]:
    return event


@pytest.fixture
def forge() -> Callable[[Path, list[dict[str, Any]], Ed25519PrivateKey], None]:
    return forge_file


@pytest.fixture
def ledger(log_key: Ed25519PrivateKey) -> Ledger:
    led = Ledger(log_key, ORIGIN)
    for entry in standard_entries():
        led.append(entry)
    return led


def forge_file(path: Path, entries: list[dict[str, Any]], log_key: Ed25519PrivateKey) -> None:
    """Write a ledger file as a dishonest log operator would: every checkpoint validly signed,
    but no check on what the entries say (indexes are assigned by position)."""
    tree = MerkleTree()
    lines = [
        canonical(
            {
                "ledger": "pact24",
                "version": 1,
                "origin": ORIGIN,
                "log_public_key": encode_public_key(log_key.public_key()),
            }
        )
    ]
    for index, entry in enumerate(entries):
        full = {"index": index, **entry}
        tree.append(entry_bytes(full))
        note = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), log_key)
        lines.append(canonical({"entry": full, "checkpoint": note}))
    path.write_bytes(b"".join(line + b"\n" for line in lines))


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def pact24(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """Run ``pact24.cli.main`` in-process, as the installed ``pact24`` command runs it."""
    from pact24.cli import main

    def run(*args: str) -> Run:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["pact24", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
