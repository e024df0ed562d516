"""Read a ledger file back into deliberations by replaying its events through the mechanism.

The ledger is verified first (entries, checkpoints, signatures); then every event is decoded
and folded with ``engine.apply``, so the state shown is the one the rules give, not one the
file claims. A ledger names its design in a ``design`` entry; ``design`` overrides or fills in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pact24.designs import Design, resolve_design
from pact24.designs.schema import Design as DesignModel
from pact24.errors import InvalidInput, MechanismError
from pact24.ledger import Verified, verify_jsonl
from pact24.mechanism import Deliberation, codec, engine


@dataclass(frozen=True)
class Replayed:
    deliberation: str
    mode: str
    state: Deliberation


def read_entries(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["entry"] for line in lines[1:] if line.strip()]


def replay_file(path: Path, design: str | None = None) -> tuple[Verified, list[Replayed]]:
    """Verify ``path`` and replay each deliberation in it, in ledger order."""
    verified = verify_jsonl(path)
    designs: dict[str, Design] = {}
    states: dict[str, Deliberation] = {}
    modes: dict[str, str] = {}
    for entry in read_entries(path):
        did, kind, body = str(entry["deliberation"]), entry["kind"], entry["body"]
        assert isinstance(body, dict)
        modes[did] = str(entry["mode"])
        if kind == "design":
            designs[did] = DesignModel.model_validate(body["design"])
        if kind != "event":
            continue
        if did not in states:
            chosen = resolve_design(design) if design else designs.get(did)
            if chosen is None:
                raise InvalidInput(
                    f"{path}: deliberation {did} names no design; pass --design NAME|FILE"
                )
            states[did] = engine.start(chosen)
        try:
            states[did] = engine.apply(states[did], codec.from_dict(body))
        except MechanismError as exc:
            raise InvalidInput(
                f"{path}: entry {entry['index']}: the mechanism refuses it: {exc.detail}"
            ) from None
    return verified, [Replayed(d, modes[d], s) for d, s in states.items()]
