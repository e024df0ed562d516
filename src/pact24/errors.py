"""Domain errors: one module, so the API can answer each as RFC 9457 problem+json and the CLI
as one clear line.

Every error carries an HTTP ``status`` and a short ``title``; ``detail`` is the message. Raising
one of these never leaves stored data changed: callers validate before they write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar


class Pact24Error(Exception):
    """Base of every error pact24 reports to a person."""

    status: ClassVar[int] = 400
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra: dict[str, Any] = extra

    def problem(self) -> dict[str, Any]:
        """The RFC 9457 problem document for this error."""
        body: dict[str, Any] = {
            "type": f"https://pact24.example/problems/{type(self).__name__}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        body.update(self.extra)
        return body


# --- designs -----------------------------------------------------------------------------------


class InvalidDesign(Pact24Error):
    """A design file that does not validate; ``detail`` names the field and the line."""

    status = 422
    title = "Invalid design"


class UnknownDesign(Pact24Error):
    status = 404
    title = "Unknown design"


# --- mechanism ---------------------------------------------------------------------------------


class MechanismError(Pact24Error):
    """An event the mechanism refuses; the state is unchanged."""

    status = 422
    title = "Event refused"


class InvalidEvent(MechanismError):
    """The event is malformed or does not fit the design (unknown guarantor, instrument...)."""


class OutOfOrder(MechanismError):
    """The event comes in the wrong phase or goes back in time."""

    status = 409
    title = "Event out of order"


class DeadlinePassed(MechanismError):
    """A decision that arrives at or after the deadline: it does not count."""

    status = 409
    title = "Deadline passed"

    def __init__(self, detail: str, deadline: datetime) -> None:
        super().__init__(detail, deadline=deadline.isoformat())
        self.deadline = deadline


class RevisionRefused(MechanismError):
    """A revision the design forbids, or a revision number that skips or repeats."""

    status = 409
    title = "Revision refused"


# --- ledger ------------------------------------------------------------------------------------


class LedgerError(Pact24Error):
    status = 422
    title = "Ledger error"


class TamperDetected(LedgerError):
    """The ledger does not verify; ``entry`` is the index of the first bad entry."""

    title = "Ledger tampered"

    def __init__(self, detail: str, entry: int) -> None:
        super().__init__(detail, entry=entry)
        self.entry = entry


class BadSignature(LedgerError):
    status = 400
    title = "Bad signature"


# --- service -----------------------------------------------------------------------------------


class NotFound(Pact24Error):
    status = 404
    title = "Not found"


class Unauthorized(Pact24Error):
    status = 401
    title = "Unauthorized"


class Forbidden(Pact24Error):
    status = 403
    title = "Forbidden"


class Conflict(Pact24Error):
    status = 409
    title = "Conflict"


# --- data and calibration ---------------------------------------------------------------------


class InvalidInput(Pact24Error):
    """A bad row or file given to the CLI; ``detail`` names the row and the column."""

    status = 422
    title = "Invalid input"


class NotCanonical(InvalidInput):
    """A value that RFC 8785 JSON cannot hold exactly (NaN, a too-large integer...)."""

    title = "Not canonical JSON"


class TooManyRequests(Pact24Error):
    """Too many failed attempts; ``retry_after`` says in how many seconds to try again."""

    status = 429
    title = "Too many requests"
