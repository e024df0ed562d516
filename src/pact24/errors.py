"""Domain errors: what went wrong, in the domain's words, with no transport in them.

``detail`` is the message (the CLI prints it in one line); extra fields (``deadline``,
``entry``...) say more. How an edge answers each class is the edge's business: the API maps
them to HTTP statuses and RFC 9457 problem+json in ``pact24.service.api.problems``. Raising one
of these never leaves stored data changed: callers validate before they write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class Pact24Error(Exception):
    """Base of every error pact24 reports to a person."""

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra


# --- designs -----------------------------------------------------------------------------------


class InvalidDesign(Pact24Error):
    """A design file that does not validate; ``detail`` names the field and the line."""


class UnknownDesign(Pact24Error):
    """No design of that name."""


# --- mechanism ---------------------------------------------------------------------------------


class MechanismError(Pact24Error):
    """An event the mechanism refuses; the state is unchanged."""


class InvalidEvent(MechanismError):
    """The event is malformed or does not fit the design (unknown guarantor, instrument...)."""


class OutOfOrder(MechanismError):
    """The event comes in the wrong phase or goes back in time."""


class DeadlinePassed(MechanismError):
    """A decision that arrives at or after the deadline: it does not count."""

    def __init__(self, detail: str, deadline: datetime) -> None:
        super().__init__(detail, deadline=deadline.isoformat())
        self.deadline = deadline


class RevisionRefused(MechanismError):
    """A revision the design forbids, or a revision number that skips or repeats."""


class AmountRefused(InvalidEvent):
    """A committed amount that is not positive, exceeds its instrument's bound, or exceeds the
    guarantor's offer without saying so (``above_offer``); a decline that states an amount."""


# --- ledger ------------------------------------------------------------------------------------


class LedgerError(Pact24Error):
    """A ledger that cannot be read, written or trusted as it is."""


class TamperDetected(LedgerError):
    """The ledger does not verify; ``entry`` is the index of the first bad entry."""

    def __init__(self, detail: str, entry: int) -> None:
        super().__init__(detail, entry=entry)
        self.entry = entry


class BadSignature(LedgerError):
    """A signature that does not verify under the key it claims."""


# --- service -----------------------------------------------------------------------------------


class NotFound(Pact24Error):
    """No such guarantee, entry or object."""


class Unauthorized(Pact24Error):
    """No credential, or one that is unknown, revoked or expired."""


class Forbidden(Pact24Error):
    """The credential's role or scope does not allow this."""


class Conflict(Pact24Error):
    """The request contradicts what is already stored."""


# --- data and calibration ---------------------------------------------------------------------


class InvalidInput(Pact24Error):
    """A bad row or file given to the CLI; ``detail`` names the row and the column."""


class NotCanonical(InvalidInput):
    """A value that RFC 8785 JSON cannot hold exactly (NaN, a too-large integer...)."""


class TooManyRequests(Pact24Error):
    """Too many failed attempts; ``retry_after`` says in how many seconds to try again."""


class BodyTooLarge(Pact24Error):
    """A request body longer than the service accepts; ``limit`` says how many bytes it takes."""


class Overloaded(Pact24Error):
    """The service is answering as many requests as it can; ``retry_after`` says when to retry."""
