"""The shapes the service takes and gives: pydantic models at the edge.

The service layer returns these, so the JSON API serialises them as they are and the web pages
read the same attributes. Every view of a guarantee carries its ``mode``; an exercise also says
so in ``banner``, so no export of an exercise can pass for a live guarantee.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pact24.vocab import Choice, ConditionKind, IncidentKind, Instrument, Severity

Mode = Literal["live", "exercise"]
GuaranteeId = str
ISO3 = Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")
SHA256 = r"^[0-9a-f]{64}$"

LIVE_BANNER = "LIVE guarantee"
EXERCISE_BANNER = "EXERCISE - not a live guarantee"


def banner(mode: str) -> str:
    return EXERCISE_BANNER if mode == "exercise" else LIVE_BANNER


GUARANTEE_ID = r"^[a-z0-9][a-z0-9-]{2,63}$"
OBJECT_ID = r"^[A-Za-z0-9]{1,32}$"


def _clean_text(value: Any) -> Any:
    """Refuse text no database stores faithfully: NUL characters and lone surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text must be valid Unicode (no lone surrogates)") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            _clean_text(k)
            _clean_text(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _clean_text(v)
    return value


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        return _clean_text(data)


# --- guarantees ------------------------------------------------------------------------------


class GuaranteeIn(_In):
    """A new guarantee: a design (YAML text) or a preset by name, and an explicit mode."""

    mode: Mode = Field(description="live, or exercise (marked as such everywhere)")
    design: str | None = Field(
        default=None, max_length=1_000_000, description="The design as YAML text"
    )
    preset: str | None = Field(
        default=None, max_length=100, description="A shipped preset, e.g. meloni-24h"
    )
    id: str | None = Field(
        default=None,
        pattern=GUARANTEE_ID,
        description="Identifier; made from the design name when omitted",
    )
    speed: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="An exercise's clock speed (1440: a day in a minute); default 1. "
        "A live guarantee runs on the wall clock and takes none",
    )


class GuaranteeOut(BaseModel):
    id: str
    mode: Mode
    banner: str
    title: str
    design_name: str
    design_digest: str = Field(description="SHA-256 of the design's canonical JSON")
    log_origin: str = Field(description="Origin line of this guarantee's checkpoints")
    phase: str
    created_at: datetime
    opened_at: datetime | None
    deadline: datetime | None
    closed_at: datetime | None
    event_count: int
    ledger_size: int
    speed: float = Field(
        default=1.0, description="How fast the guarantee's clock runs (1 for a live one)"
    )
    paused: bool = Field(default=False, description="An exercise whose clock is stopped")


InjectKind = Literal[
    "incident", "intelligence", "disinformation", "parliament_vote", "delegate_unreachable", "other"
]


class InjectIn(_In):
    """What the exercise's control cell tells the players (an exercise only)."""

    kind: InjectKind
    text: str = Field(min_length=1, max_length=4000)


class InjectOut(BaseModel):
    id: int
    guarantee: str
    mode: Mode
    kind: InjectKind
    text: str
    at: datetime = Field(description="The exercise's time when it was sent")
    sent_by: str


class ClockIn(_In):
    """Stop or restart an exercise's clock (the exercise director's pause)."""

    running: bool


class ConditionOut(BaseModel):
    kind: ConditionKind
    k: int | None = None
    text: str | None = None


class CellOut(BaseModel):
    """A guarantor's current decision on one instrument."""

    choice: Choice
    revision: int
    delegate: str
    condition: ConditionOut | None
    condition_met: bool | None
    amount: float | None
    note: str
    at: datetime


class ReceiptOut(BaseModel):
    guarantor: str
    instrument: Instrument
    status: str
    counts: bool
    amount: float
    revision: int
    by_silence: bool
    engaged_by_posture: bool
    condition: ConditionOut | None
    condition_met: bool | None
    frozen_at: datetime


class GuarantorRow(BaseModel):
    iso3: str
    name: str
    delegate: str
    alternate_delegate: str
    decisions: dict[str, CellOut | None] = Field(description="Per instrument; null when silent")
    silent: list[Instrument]


class OutcomeOut(BaseModel):
    guarantee: str
    mode: Mode
    banner: str
    honoured: bool
    rule: str
    declared_at: datetime
    outcome: dict[str, Any] = Field(description="Tallies and unmet conditions (codec form)")


class AcknowledgedOut(BaseModel):
    """A delegate followed the acknowledge link of an email: the latest one, and when."""

    guarantor: str
    delegate: str
    topic: str
    at: datetime


class BoardOut(BaseModel):
    """Everything a person watching the deliberation needs on one screen."""

    guarantee: GuaranteeOut
    now: datetime
    seconds_left: float | None = Field(description="Until the deadline; null when none or past")
    instruments: list[Instrument]
    guarantors: list[GuarantorRow]
    receipts: list[ReceiptOut]
    outcome: OutcomeOut | None
    refused_late: int = Field(
        default=0, description="Decisions refused after the deadline, kept at …/refused; none count"
    )
    engaged: list[str] = Field(
        default_factory=list,
        description="Guarantors whose stationed forces the reported attack touched (ISO3)",
    )
    awaiting_invocation: bool = Field(
        default=False,
        description="The incident is reported and the window waits for the guarantors' council "
        "to invoke the guarantee (POST …/invocation)",
    )
    acknowledged: list[AcknowledgedOut] = Field(
        default_factory=list,
        description="Per delegate, the last email it acknowledged (by its link), and when",
    )


# --- accounts --------------------------------------------------------------------------------


class AccountIn(_In):
    name: str = Field(min_length=1, max_length=200)
    role: Literal["admin", "reporter", "observer", "witness"]
    guarantee_id: str | None = Field(
        default=None, pattern=GUARANTEE_ID, description="Scope; null for every guarantee"
    )
    mode: Mode | None = Field(
        default=None,
        description="The only mode of guarantee the account may act on (an exercise "
        "director's admin: exercise); a scoped account takes its guarantee's",
    )
    password: str | None = Field(default=None, min_length=12, description="For the web login")


class DelegateIn(_In):
    """A delegate of one guarantor: the design's delegate or alternate, with its public key."""

    guarantor: str = ISO3
    delegate: str = Field(min_length=1, max_length=100, description="As named in the design")
    public_key: str = Field(max_length=100, description="Ed25519 public key, base64 of 32 bytes")
    name: str | None = Field(default=None, max_length=200, description="Account name")
    password: str | None = Field(default=None, min_length=12)
    email: str | None = Field(
        default=None,
        max_length=320,
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="Where reminders, escalations and the outcome are mailed (kept when left out)",
    )


class AccountOut(BaseModel):
    id: str
    name: str
    role: str
    guarantee_id: str | None
    guarantor: str | None
    delegate: str | None
    rank: str | None
    mode: Mode | None = None
    public_key: str | None
    created_at: datetime
    email: str | None = None


class Credentials(BaseModel):
    """An account and a new token. The token is shown once and never stored."""

    account: AccountOut
    token: str
    token_id: str


class TokenOut(BaseModel):
    id: str
    account_id: str
    label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


class Me(BaseModel):
    account_id: str
    name: str
    role: str
    guarantee_id: str | None
    guarantor: str | None
    delegate: str | None
    token_id: str | None


# --- what happens in a deliberation ----------------------------------------------------------


class IncidentIn(_In):
    kind: IncidentKind
    severity: Severity
    evidence: list[str] = Field(
        default_factory=list, max_length=1000, description="SHA-256 hex digests of the evidence"
    )
    summary: str = Field(default="", max_length=4000)
    incident_id: str | None = Field(default=None, min_length=1, max_length=100)
    engaged: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="ISO3 codes of the guarantors whose stationed forces the attack touched; "
        "only they are engaged by the posture (the mechanism refuses a state with no forces "
        "stationed under the design)",
    )


class AttributionIn(_In):
    confidence: float = Field(ge=0, le=1)


class InvocationIn(_In):
    """The guarantors' council invokes the guarantee (an ``on_invocation`` design): the record
    is the window's opening itself, so the request carries nothing."""


class ConditionIn(_In):
    kind: ConditionKind
    k: int | None = Field(default=None, ge=1, le=1000)
    text: str | None = Field(default=None, max_length=4000)


class DecisionIn(_In):
    """A decision exactly as its delegate signed it.

    ``signature`` is the delegate's Ed25519 signature (base64) over the RFC 8785 canonical JSON
    of this object without ``signature`` and with ``"type": "DecisionRecorded"`` added — that
    is ``codec.decision_payload`` of the event. It binds the decision to one guarantee
    (``guarantee``), one log (``origin``, the checkpoints' origin line) and the record the
    delegate saw (``sequence``, the guarantee's event count). ``signed_at`` is the delegate's
    time of signing: kept, and refused when far from the service's clock, but the service
    stamps the event with its own receipt time, which orders it and meets the deadline.
    """

    signed_at: str = Field(max_length=64, description="ISO 8601 UTC, e.g. 2027-03-01T04:00:00Z")
    guarantee: str = Field(max_length=100, description="The guarantee it was signed for")
    origin: str = Field(max_length=200, description="The log it was signed for (its origin)")
    sequence: int = Field(ge=0, description="The guarantee's event_count when it was signed")
    guarantor: str = Field(max_length=3)
    instrument: Instrument
    choice: Choice
    revision: int = Field(ge=1, le=1_000_000)
    delegate: str = Field(max_length=100)
    condition: ConditionIn | None = None
    amount: float | None = Field(
        default=None,
        ge=0,
        description="Persons for troops, EUR million otherwise, 1 for sanctions in force; "
        "omitted: the offer. The mechanism refuses 0, amounts beyond the instrument's bound, and "
        "amounts above the offer without above_offer",
    )
    note: str = Field(default="", max_length=4000)
    signature: str = Field(max_length=200)
    above_offer: bool = Field(
        default=False,
        description="Commit more than the design's offer; signed (and in the payload) only when "
        "true",
    )


class ResolutionIn(_In):
    guarantor: str = Field(max_length=3)
    instrument: Instrument
    met: bool
    note: str = Field(default="", max_length=4000)


class DeliveryIn(_In):
    guarantor: str = Field(max_length=3)
    instrument: Instrument
    amount: float = Field(gt=0)
    note: str = Field(default="", max_length=4000)


class CloseIn(_In):
    reason: Literal["deadline", "chair", "all_decided"] = "deadline"


class EventOut(BaseModel):
    seq: int
    ledger_index: int
    type: str
    at: datetime
    recorded_at: datetime
    body: dict[str, Any] = Field(description="The event in codec form, as in the ledger")


class Recorded(BaseModel):
    """The events one request appended (none when there was nothing left to do)."""

    guarantee: str
    mode: Mode
    banner: str
    phase: str
    events: list[EventOut]


class Timeline(BaseModel):
    guarantee: str
    mode: Mode
    banner: str
    events: list[EventOut]


class Receipts(BaseModel):
    guarantee: str
    mode: Mode
    banner: str
    receipts: list[ReceiptOut]


# --- ledger ----------------------------------------------------------------------------------


class CheckpointOut(BaseModel):
    guarantee: str
    mode: Mode
    origin: str
    size: int
    root: str = Field(description="base64")
    note: str = Field(description="The C2SP signed note")
    log_public_key: str = Field(description="base64 Ed25519 key that signs the checkpoints")


class EntryOut(BaseModel):
    index: int
    leaf_hash: str = Field(description="base64")
    entry: dict[str, Any]


class InclusionOut(BaseModel):
    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str] = Field(description="base64 hashes, RFC 6962 audit path")
    entry: dict[str, Any]


class ConsistencyOut(BaseModel):
    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str] = Field(description="base64 hashes, RFC 6962 consistency proof")


# --- webhooks and notifications ------------------------------------------------------------


class WebhookIn(_In):
    url: str = Field(pattern=r"^https?://", max_length=2000)
    guarantee_id: str | None = Field(
        default=None, pattern=GUARANTEE_ID, description="null: every guarantee"
    )


class WebhookOut(BaseModel):
    id: str
    url: str
    guarantee_id: str | None
    created_at: datetime
    rotated_at: datetime | None
    disabled_at: datetime | None
    secret: str | None = Field(default=None, description="Shown only when made or rotated")


class OutboxOut(BaseModel):
    id: int
    webhook_id: str
    guarantee_id: str | None
    topic: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class NotificationOut(BaseModel):
    guarantee_id: str
    guarantor: str
    delegate: str
    kind: str
    hours_before: float
    silent: list[str]
    at: datetime


class RefusedOut(BaseModel):
    """A signed decision that reached the service at or after the deadline: refused (409), kept
    to be seen, never counted. ``decision`` is what the delegate signed, with ``at`` set to the
    service's receipt time; ``tries`` counts repeats of it within the same minute."""

    guarantor: str
    delegate: str
    instrument: Instrument
    choice: Choice
    received_at: datetime
    last_at: datetime
    tries: int
    decision: dict[str, Any]


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    migration: str | None
    now: datetime


class MailOut(BaseModel):
    """One email to a delegate: its delivery (``pending``, ``sent``, ``dead`` with the last
    error) and when the delegate acknowledged it."""

    id: int
    topic: str
    guarantor: str
    delegate: str
    to: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None


class AckOut(BaseModel):
    """What an acknowledge link stands for, and whether it was acknowledged."""

    mail_id: int
    guarantee_id: str
    guarantee_title: str
    mode: Mode
    guarantor: str
    delegate: str
    topic: str
    subject: str
    acknowledged_at: datetime | None
