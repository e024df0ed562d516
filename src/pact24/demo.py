"""The scripted demo: one deliberation under ``meloni-24h`` through the mechanism and the ledger.

It shows what the seed worries about, on the real mechanism: a commitment, conditional
commitments (one tied to a parliament, one to a demand on Ukraine), a revision that withdraws
an offer, a silent guarantor, and a late decision that is refused. Every accepted event goes
into a signed Merkle ledger; decisions carry their delegate's Ed25519 signature.

Keys are derived from fixed seeds so the demo ledger is the same file on every run: these are
demonstration keys, published by being in this source, and never to be used for a real record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.designs import Design, resolve_design
from pact24.errors import MechanismError
from pact24.ledger import Ledger, encode_public_key, sign_decision
from pact24.mechanism import (
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    Deliberation,
    DeliveryReported,
    Event,
    IncidentReported,
    codec,
    engine,
)
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, Severity

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
DELIBERATION = "demo-meloni-24h-overt"
ORIGIN = "pact24.example/demo"
TROOPS = Instrument.TROOPS


def demo_key(name: str) -> Ed25519PrivateKey:
    """A deterministic demonstration key (never a secret)."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"pact24-demo:{name}".encode()).digest()
    )


@dataclass(frozen=True)
class Refusal:
    """An event the mechanism refused, kept to show the person why."""

    event: Event
    reason: str


@dataclass(frozen=True)
class DemoRun:
    state: Deliberation
    ledger: Ledger
    refused: tuple[Refusal, ...]


def _h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _decision(
    design: Design,
    guarantor: str,
    hours: float,
    choice: Choice,
    instrument: Instrument = TROOPS,
    condition: Condition | None = None,
    revision: int = 1,
    note: str = "",
) -> DecisionRecorded:
    g = design.guarantor(guarantor)
    assert g is not None
    unsigned = DecisionRecorded(
        _h(hours),
        guarantor,
        instrument,
        choice,
        revision,
        g.delegate,
        condition,
        note=note,
        signed_at=_h(hours),
        guarantee=DELIBERATION,
        origin=ORIGIN,
    )
    body = codec.decision_payload(unsigned)
    return replace(unsigned, signature=sign_decision(body, demo_key(g.delegate)))


def script(design: Design) -> list[Event]:
    """The scripted events, in the order they arrive (the late one included)."""
    d = design
    overt = IncidentReported(
        _h(0),
        "inc-2027-03-01",
        IncidentKind.OVERT_INVASION,
        Severity.HIGH,
        (hashlib.sha256(b"satellite imagery, Kharkiv axis").hexdigest(),),
        "UKR",
        "armoured columns cross the line of contact north of Kharkiv",
    )
    return [
        overt,
        AttributionAssessed(_h(0), 0.95, "joint intelligence cell"),
        # The window opens here (the driver asks the engine; see run()).
        _decision(d, "GBR", 1.5, Choice.COMMIT, note="VJTF-like battalion at 48 h notice"),
        _decision(d, "FRA", 2, Choice.COMMIT),
        _decision(
            d, "DEU", 3, Choice.CONDITIONAL, condition=Condition(ConditionKind.PARLIAMENT_APPROVAL)
        ),
        _decision(
            d,
            "POL",
            4,
            Choice.CONDITIONAL,
            condition=Condition(ConditionKind.OTHERS_COMMIT_FIRST, k=2),
        ),
        _decision(d, "ITA", 5, Choice.COMMIT, Instrument.SANCTIONS),
        _decision(d, "ITA", 5, Choice.COMMIT, Instrument.ECONOMIC_AID),
        _decision(d, "NLD", 6, Choice.COMMIT),
        _decision(
            d,
            "TUR",
            9,
            Choice.CONDITIONAL,
            condition=Condition(
                ConditionKind.BENEFICIARY_CONCESSION, text="Ukraine accepts the current line"
            ),
        ),
        ConditionResolved(_h(18), "DEU", TROOPS, True, "Bundestag approves the mandate"),
        _decision(
            d, "NLD", 20, Choice.DECLINE, revision=2, note="coalition partner withdraws support"
        ),
        _decision(d, "USA", 25, Choice.COMMIT, note="air support offered after the deadline"),
    ]


def _entry(kind: str, body: dict[str, object]) -> dict[str, object]:
    return {"deliberation": DELIBERATION, "mode": "exercise", "kind": kind, "body": body}


def run(design_name: str = "meloni-24h") -> DemoRun:
    """Drive the script through the mechanism, appending each accepted event to the ledger."""
    design = resolve_design(design_name)
    ledger = Ledger(demo_key("log"), origin=ORIGIN)
    ledger.append(_entry("design", {"name": design.name, "design": design.model_dump(mode="json")}))
    for g in design.guarantors:
        pub = encode_public_key(demo_key(g.delegate).public_key())
        ledger.append(
            _entry("key", {"guarantor": g.iso3, "delegate": g.delegate, "public_key": pub})
        )
    state = engine.start(design)
    refused: list[Refusal] = []

    def accept(event: Event) -> None:
        nonlocal state
        state = engine.apply(state, event)
        ledger.append(_entry("event", codec.to_dict(event)))

    for event in script(design):
        if state.deadline is not None and event.at >= state.deadline:
            for closing in engine.close(state, state.deadline):
                accept(closing)
        try:
            accept(event)
        except MechanismError as exc:
            refused.append(Refusal(event, exc.detail))
        if engine.activation_due(state):
            accept(engine.open_window(state, event.at))
    assert state.outcome is not None, "the script runs past the deadline"
    for guarantor, hours, amount, note in (
        ("GBR", 60, 700, "lead elements in theatre (VJTF anchor: 48-72 h)"),
        ("FRA", 72, 1000, "first battalion arrives"),
    ):
        accept(DeliveryReported(_h(hours), guarantor, TROOPS, amount, note))
    return DemoRun(state, ledger, tuple(refused))


def default_ledger_path() -> Path:
    return Path("out") / "demo-ledger.jsonl"
