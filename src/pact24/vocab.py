"""The words of DESIGN.md as enums, shared by designs, mechanism, simulator and service."""

from __future__ import annotations

from enum import StrEnum


class Instrument(StrEnum):
    """What a guarantor can give."""

    TROOPS = "troops"
    DEFENCE_SUPPORT = "defence_support"
    ECONOMIC_AID = "economic_aid"
    SANCTIONS = "sanctions"


class IncidentKind(StrEnum):
    """How a reported attack looks when it is reported."""

    OVERT_INVASION = "overt_invasion"
    STRIKE = "strike"
    HYBRID_INCURSION = "hybrid_incursion"
    MARITIME = "maritime"
    CYBER = "cyber"


class Choice(StrEnum):
    """A guarantor's answer for one instrument."""

    COMMIT = "commit"
    DECLINE = "decline"
    CONDITIONAL = "conditional"


class SilenceRule(StrEnum):
    """What a missing decision counts as at the deadline."""

    DECLINE = "decline"
    COMMIT = "commit"
    ABSTAIN = "abstain"


class ConditionKind(StrEnum):
    """Typed conditions a guarantor may attach to a commitment."""

    PARLIAMENT_APPROVAL = "parliament_approval"
    OTHERS_COMMIT_FIRST = "others_commit_first"
    UN_MANDATE = "un_mandate"
    ATTRIBUTION_CONFIRMED = "attribution_confirmed"
    BENEFICIARY_CONCESSION = "beneficiary_concession"
    OTHER = "other"


class ReceiptStatus(StrEnum):
    """A guarantor's final answer per instrument, frozen at close."""

    COMMIT = "commit"
    CONDITIONAL = "conditional"
    DECLINE = "decline"
    ABSTAIN = "abstain"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReadinessTier(StrEnum):
    """NATO-style readiness: very_high ~ VJTF (48-72 h), high ~ NRF (5-30 d), low (follow-on)."""

    VERY_HIGH = "very_high"
    HIGH = "high"
    LOW = "low"


class PostureKind(StrEnum):
    """What stands before any attack."""

    NONE = "none"
    QRF = "qrf"
    TRIPWIRE = "tripwire"
    DMZ = "dmz"
    MEMBERSHIP = "membership"
