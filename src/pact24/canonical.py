"""RFC 8785 (JCS) canonical JSON: the one byte form that signatures, hashes and idempotency
keys are computed over, so any party in any language rebuilds the same bytes."""

from __future__ import annotations

from typing import Any

import rfc8785

from pact24.errors import NotCanonical


def canonical(value: Any) -> bytes:
    """The RFC 8785 bytes of ``value``; raises ``NotCanonical`` for what JSON cannot hold
    exactly (NaN, integers beyond 2**53, non-string keys, other objects)."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeError) as exc:
        raise NotCanonical(f"not canonical JSON: {exc}") from None
