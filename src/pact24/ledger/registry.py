"""Which delegate key may sign which decision.

A key entry binds a public key to one delegate of one guarantor in one deliberation. A decision
counts only if a key was registered earlier in the log for exactly that deliberation, guarantor
and delegate, and the decision's signature verifies under it. So a key registered for one
guarantor cannot sign another's decisions, and the log operator cannot slip in a decision
without a delegate's key. A later key entry for the same delegate replaces the earlier one
(key rotation) for the decisions that follow it; earlier decisions keep the key they had.

A decision's signed body also names the deliberation (``guarantee``) and the log (``origin``)
it was signed for: a decision copied from another deliberation or another log is refused even
where the same delegate key is registered.

The same rules run when an entry is appended and when a ledger file is verified.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from pact24.errors import BadSignature
from pact24.ledger.entry import DECISION
from pact24.ledger.signing import decode_public_key, verify_decision

_Who = tuple[str, str, str]  # deliberation, guarantor, delegate


class KeyRegistry:
    """Delegate keys in force, as the entries seen so far register them."""

    def __init__(self, origin: str) -> None:
        self._origin = origin
        self._keys: dict[_Who, Ed25519PublicKey] = {}

    def key_for(self, deliberation: str, guarantor: str, delegate: str) -> Ed25519PublicKey | None:
        """The key that signs ``delegate``'s decisions for ``guarantor``, if registered."""
        return self._keys.get((deliberation, guarantor, delegate))

    def check(self, entry: Mapping[str, Any]) -> None:
        """Raise BadSignature if ``entry`` is a decision its registered key did not sign.

        ``entry`` must already have the entry shape (``entry.check_entry``).
        """
        body = entry["body"]
        if entry["kind"] != "event" or body["type"] != DECISION:
            return
        deliberation, guarantor, delegate = (
            entry["deliberation"],
            body["guarantor"],
            body["delegate"],
        )
        bound = (body.get("guarantee"), body.get("origin"))
        if bound != (deliberation, self._origin):
            raise BadSignature(
                f"the decision of {delegate!r} was signed for deliberation {bound[0]!r} in log "
                f"{bound[1]!r}, not {deliberation!r} in {self._origin!r}"
            )
        key = self.key_for(deliberation, guarantor, delegate)
        if key is None:
            others = sorted(
                g for (d, g, who) in self._keys if d == deliberation and who == delegate
            )
            if others:
                raise BadSignature(
                    f"{delegate!r} has a key registered for {', '.join(others)} only, "
                    f"not {guarantor}"
                )
            raise BadSignature(f"{delegate!r} has no key registered for {guarantor}")
        if not verify_decision(body, key):
            raise BadSignature(f"the signature of {delegate!r} for {guarantor} does not verify")

    def admit(self, entry: Mapping[str, Any]) -> None:
        """Check ``entry``, then register its key if it is a key entry."""
        self.check(entry)
        if entry["kind"] == "key":
            body = entry["body"]
            who = (entry["deliberation"], body["guarantor"], body["delegate"])
            self._keys[who] = decode_public_key(body["public_key"])
