"""Build a guarantee with an open window directly through the service layer (no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from pact24.clock import ManualClock
from pact24.ledger import encode_public_key, generate_keypair
from pact24.mechanism import DecisionRecorded
from pact24.service.auth import Actor
from pact24.service.client import signed_request
from pact24.service.core import Service
from pact24.service.schemas import (
    DecisionIn,
    DelegateIn,
    GuaranteeIn,
    IncidentIn,
    WebhookIn,
)
from pact24.store.db import Store
from pact24.store.models import (
    BoardCell,
    EventRow,
    Guarantee,
    LedgerRow,
    OutboxRow,
    OutcomeRow,
    ReceiptRow,
)
from pact24.vocab import Choice, IncidentKind, Instrument, Severity

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)


@dataclass
class Setup:
    service: Service
    clock: ManualClock
    admin: Actor
    gid: str
    gbr: Actor | None = None
    gbr_key: Ed25519PrivateKey | None = None

    def decision(self, choice: str = "commit", revision: int = 1) -> DecisionIn:
        assert self.gbr_key is not None
        g = self.service.guarantee(self.admin, self.gid)
        event = DecisionRecorded(
            at=self.clock.now(),
            guarantor="GBR",
            instrument=Instrument.TROOPS,
            choice=Choice(choice),
            revision=revision,
            delegate="gbr-minister",
            signed_at=self.clock.now(),
            guarantee=g.id,
            origin=g.log_origin,
            sequence=g.event_count,
        )
        return DecisionIn.model_validate(signed_request(event, self.gbr_key))


def setup(
    store: Store, gid: str = "g-store", *, webhook: bool = False, open_window: bool = True
) -> Setup:
    clock = ManualClock(T0)
    service = Service(store, clock)
    admin = service.authenticate(service.bootstrap_admin(f"root-{gid}").token)
    service.create_guarantee(admin, GuaranteeIn(mode="live", preset="meloni-24h", id=gid))
    if webhook:
        service.create_webhook(admin, WebhookIn(url="http://receiver.example/hook"))
    key, public = generate_keypair()
    creds = service.register_delegate(
        admin,
        gid,
        DelegateIn(guarantor="GBR", delegate="gbr-minister", public_key=encode_public_key(public)),
    )
    s = Setup(service, clock, admin, gid, service.authenticate(creds.token), key)
    if open_window:
        report(s)
    return s


def report(s: Setup) -> None:
    s.service.report_incident(
        s.admin,
        s.gid,
        IncidentIn(kind=IncidentKind.OVERT_INVASION, severity=Severity.HIGH, evidence=["ab" * 32]),
    )


def counts(store: Store, gid: str) -> dict[str, int]:
    """Rows per table for one guarantee, and its stored append positions."""
    out: dict[str, int] = {}
    with store.read() as s:
        for table in (EventRow, LedgerRow, BoardCell, ReceiptRow, OutcomeRow, OutboxRow):
            out[table.__tablename__] = (
                s.scalar(select(func.count()).select_from(table).where(table.guarantee_id == gid))
                or 0
            )
        g = s.get(Guarantee, gid)
        assert g is not None
        out["event_count"], out["ledger_size"] = g.event_count, g.ledger_size
    return out


def past_deadline(s: Setup) -> None:
    s.clock.set(T0 + timedelta(hours=25))
