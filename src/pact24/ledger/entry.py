"""The ledger entry: one JSON object per accepted event or registered key.

Other packages rely on this shape, so it is fixed here and checked on every append and every
verification::

    {"index": int, "deliberation": str, "mode": "live" | "exercise",
     "kind": "design" | "event" | "key", "body": {...}}

* ``kind = "design"``: ``body = {"name": str, "design": {...}}`` records the rules a
  deliberation runs under (the design as JSON), so a replay needs nothing but the file.

* ``kind = "event"``: ``body`` is a mechanism event as a dict, with a ``"type"`` such as
  ``"DecisionRecorded"``; a decision also has ``"guarantor"``, ``"delegate"`` and
  ``"signature"`` (the delegate's, see ``signing``).
* ``kind = "key"``: ``body = {"guarantor": ISO3, "delegate": id, "public_key": base64}``
  registers a delegate's key before their decisions.

The Merkle leaf is the RFC 8785 canonical JSON of the whole entry, index included, so that an
entry cannot be moved to another position without changing its leaf.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pact24.canonical import canonical
from pact24.errors import LedgerError, NotCanonical
from pact24.ledger.signing import SIGNATURE_KEY, decode_public_key

MODES = frozenset({"live", "exercise"})
KINDS = frozenset({"design", "event", "key"})
DESIGN_FIELDS = frozenset({"name", "design"})
DECISION = "DecisionRecorded"
ENTRY_FIELDS = frozenset({"index", "deliberation", "mode", "kind", "body"})
KEY_FIELDS = frozenset({"guarantor", "delegate", "public_key"})
_ISO3 = re.compile(r"[A-Z]{3}")


def _text(body: Mapping[str, Any], field: str, where: str) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise LedgerError(f"{where} needs a non-empty string {field!r}")
    return value


def check_entry(entry: Mapping[str, Any]) -> None:
    """Raise LedgerError, naming the field, unless ``entry`` has the ledger entry shape."""
    if not isinstance(entry, Mapping):
        raise LedgerError("an entry is a JSON object")
    if set(entry) != ENTRY_FIELDS:
        raise LedgerError(f"an entry has exactly the fields {sorted(ENTRY_FIELDS)}")
    index = entry["index"]
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise LedgerError("an entry's 'index' is an integer >= 0")
    _text(entry, "deliberation", "an entry")
    if entry["mode"] not in MODES:
        raise LedgerError(f"an entry's 'mode' is one of {sorted(MODES)}")
    if entry["kind"] not in KINDS:
        raise LedgerError(f"an entry's 'kind' is one of {sorted(KINDS)}")
    body = entry["body"]
    if not isinstance(body, Mapping):
        raise LedgerError("an entry's 'body' is a JSON object")
    if entry["kind"] == "design":
        if set(body) != DESIGN_FIELDS or not isinstance(body["design"], Mapping):
            raise LedgerError(
                f"a design entry's body has exactly the fields {sorted(DESIGN_FIELDS)}"
            )
        _text(body, "name", "a design entry")
    elif entry["kind"] == "key":
        if set(body) != KEY_FIELDS:
            raise LedgerError(f"a key entry's body has exactly the fields {sorted(KEY_FIELDS)}")
        if not isinstance(body["guarantor"], str) or not _ISO3.fullmatch(body["guarantor"]):
            raise LedgerError("a key entry's 'guarantor' is an ISO 3166 alpha-3 code")
        _text(body, "delegate", "a key entry")
        decode_public_key(_text(body, "public_key", "a key entry"))
    else:
        kind = _text(body, "type", "an event")
        if kind == DECISION:
            for field in ("guarantor", "delegate", SIGNATURE_KEY):
                _text(body, field, "a decision")


def normalise(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The entry as plain JSON values, exactly as it will read back from any JSON file.

    Tuples become lists and 1.0 becomes 1, as RFC 8785 writes them, so that the stored entry,
    its leaf bytes and the entry a reader parses back are one and the same.
    """
    try:
        value = json.loads(canonical(entry))
    except NotCanonical as exc:
        raise LedgerError(exc.detail) from None
    if not isinstance(value, dict):
        raise LedgerError("an entry is a JSON object")
    return value


def entry_bytes(entry: Mapping[str, Any]) -> bytes:
    """The leaf bytes of an entry: its RFC 8785 canonical JSON."""
    return canonical(entry)
