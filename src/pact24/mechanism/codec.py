"""Events to and from plain JSON values, for the ledger, the store and the API.

The dict form is what gets canonicalised (RFC 8785), hashed and signed, so it must be stable:
times are ISO 8601 UTC with a ``Z``, enums are their values, tuples are lists, and every dict
has a ``type`` naming the event. ``from_dict(to_dict(e)) == e`` for every event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pact24.errors import InvalidEvent
from pact24.mechanism.events import (
    EVENT_TYPES,
    AttributionAssessed,
    Condition,
    ConditionResolved,
    DecisionRecorded,
    DeliveryReported,
    Event,
    IncidentReported,
    Outcome,
    OutcomeDeclared,
    Receipt,
    ReceiptsFrozen,
    Tally,
    UnmetCondition,
    WindowClosed,
    WindowOpened,
)
from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, ReceiptStatus, Severity

Json = dict[str, Any]
_BY_NAME: dict[str, type[Event]] = {t.__name__: t for t in EVENT_TYPES}


def ts(at: datetime) -> str:
    """A UTC time as ISO 8601 with ``Z``."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_ts(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise InvalidEvent(f"time {text!r} is not ISO 8601") from None
    if at.tzinfo is None:
        raise InvalidEvent(f"time {text!r} has no timezone")
    return at.astimezone(UTC)


def to_dict(event: Event) -> Json:
    """The event as a JSON object with a ``type`` key.

    A decision's ``above_offer`` appears only when true, and an incident's ``engaged`` only when
    it names someone, so events recorded before those fields existed keep their bytes and their
    signatures.
    """
    body = _encode(event)
    assert isinstance(body, dict)
    if isinstance(event, DecisionRecorded) and not event.above_offer:
        del body["above_offer"]
    if isinstance(event, IncidentReported) and not event.engaged:
        del body["engaged"]
    return {"type": type(event).__name__, **body}


def decision_payload(event: DecisionRecorded) -> Json:
    """The bytes a delegate signs are RFC 8785 of this: the decision without its signature and
    without ``at``, the receipt time that only the driver knows (``signed_at`` is signed)."""
    body = to_dict(event)
    body.pop("signature", None)
    body.pop("at", None)
    return body


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return ts(value)
    if isinstance(
        value, (ConditionKind, Instrument, Choice, IncidentKind, Severity, ReceiptStatus)
    ):
        return value.value
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _encode(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def from_dict(data: Json) -> Event:
    """Decode an event; any malformed field is an ``InvalidEvent`` naming it."""
    if not isinstance(data, dict):
        raise InvalidEvent("an event must be a JSON object")
    name = data.get("type")
    if name not in _BY_NAME:
        raise InvalidEvent(f"unknown event type {name!r}")
    try:
        return _DECODERS[name](data)
    except InvalidEvent:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidEvent(f"{name}: bad or missing field: {exc}") from None


def _condition(d: Json | None) -> Condition | None:
    if d is None:
        return None
    return Condition(kind=ConditionKind(d["kind"]), k=d.get("k"), text=d.get("text"))


def _required(d: Json) -> Condition:
    c = _condition(d)
    if c is None:
        raise InvalidEvent("an unmet condition must name its condition")
    return c


def _receipt(d: Json) -> Receipt:
    return Receipt(
        guarantor=d["guarantor"],
        instrument=Instrument(d["instrument"]),
        status=ReceiptStatus(d["status"]),
        counts=bool(d["counts"]),
        amount=float(d["amount"]),
        revision=int(d["revision"]),
        by_silence=bool(d["by_silence"]),
        engaged_by_posture=bool(d["engaged_by_posture"]),
        condition=_condition(d.get("condition")),
        condition_met=d.get("condition_met"),
    )


def _tally(d: Json) -> Tally:
    names = ("committed", "conditional_met", "conditional_unmet", "declined", "abstained")
    lists = {k: tuple(d[k]) for k in (*names, "silent", "counted")}
    return Tally(instrument=Instrument(d["instrument"]), amount=float(d["amount"]), **lists)


def _outcome(d: Json) -> Outcome:
    unmet = tuple(
        UnmetCondition(u["guarantor"], Instrument(u["instrument"]), _required(u["condition"]))
        for u in d["unmet_conditions"]
    )
    return Outcome(
        honoured=bool(d["honoured"]),
        rule=str(d["rule"]),
        tallies=tuple(_tally(t) for t in d["tallies"]),
        unmet_conditions=unmet,
    )


def _flag(v: Any, name: str) -> bool:
    if not isinstance(v, bool):
        raise InvalidEvent(f"{name} is true or false, not {v!r}")
    return v


def _opt_float(v: Any) -> float | None:
    return None if v is None else float(v)


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


_DECODERS: dict[str, Callable[[Json], Event]] = {
    "IncidentReported": lambda d: IncidentReported(
        at=parse_ts(d["at"]),
        incident_id=str(d["incident_id"]),
        kind=IncidentKind(d["kind"]),
        severity=Severity(d["severity"]),
        evidence=tuple(str(h) for h in d["evidence"]),
        reported_by=str(d["reported_by"]),
        summary=str(d.get("summary", "")),
        engaged=tuple(str(g) for g in d.get("engaged", ())),
    ),
    "AttributionAssessed": lambda d: AttributionAssessed(
        at=parse_ts(d["at"]), confidence=float(d["confidence"]), assessed_by=str(d["assessed_by"])
    ),
    "WindowOpened": lambda d: WindowOpened(
        at=parse_ts(d["at"]),
        deadline=None if d["deadline"] is None else parse_ts(d["deadline"]),
    ),
    "DecisionRecorded": lambda d: DecisionRecorded(
        at=parse_ts(d["at"]),
        guarantor=str(d["guarantor"]),
        instrument=Instrument(d["instrument"]),
        choice=Choice(d["choice"]),
        revision=int(d["revision"]),
        delegate=str(d["delegate"]),
        condition=_condition(d.get("condition")),
        amount=_opt_float(d.get("amount")),
        signature=d.get("signature"),
        note=str(d.get("note", "")),
        above_offer=_flag(d.get("above_offer", False), "above_offer"),
        signed_at=None if d.get("signed_at") is None else parse_ts(d["signed_at"]),
        guarantee=_opt_str(d.get("guarantee")),
        origin=_opt_str(d.get("origin")),
        sequence=None if d.get("sequence") is None else int(d["sequence"]),
    ),
    "ConditionResolved": lambda d: ConditionResolved(
        at=parse_ts(d["at"]),
        guarantor=str(d["guarantor"]),
        instrument=Instrument(d["instrument"]),
        met=bool(d["met"]),
        note=str(d.get("note", "")),
    ),
    "WindowClosed": lambda d: WindowClosed(at=parse_ts(d["at"]), reason=str(d["reason"])),
    "ReceiptsFrozen": lambda d: ReceiptsFrozen(
        at=parse_ts(d["at"]), receipts=tuple(_receipt(r) for r in d["receipts"])
    ),
    "OutcomeDeclared": lambda d: OutcomeDeclared(
        at=parse_ts(d["at"]), outcome=_outcome(d["outcome"])
    ),
    "DeliveryReported": lambda d: DeliveryReported(
        at=parse_ts(d["at"]),
        guarantor=str(d["guarantor"]),
        instrument=Instrument(d["instrument"]),
        amount=float(d["amount"]),
        note=str(d.get("note", "")),
    ),
}
