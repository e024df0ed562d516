"""Builders for service tests: an app on a fresh database, a manual clock, and a ``World`` —
an admin, a guarantee, a reporter, an observer, a witness and delegates with their keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from pact24.clock import ManualClock
from pact24.ledger import encode_public_key, generate_keypair
from pact24.mechanism import Condition, DecisionRecorded
from pact24.service.app import create_app
from pact24.service.client import signed_request
from pact24.service.core import Service
from pact24.store.db import Store
from pact24.vocab import Choice, Instrument

T0 = datetime(2027, 3, 1, 4, 0, tzinfo=UTC)
EVIDENCE = ["ab" * 32]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Delegate:
    guarantor: str
    delegate: str
    token: str
    key: Ed25519PrivateKey

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.token)


@dataclass
class World:
    """A guarantee with its people, served by ``client`` on ``clock``'s time."""

    client: TestClient
    service: Service
    clock: ManualClock
    gid: str
    admin: str
    reporter: str
    observer: str
    witness: str
    delegates: dict[tuple[str, str], Delegate] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"/api/v1/guarantees/{self.gid}"

    def add_delegate(self, guarantor: str, delegate: str) -> Delegate:
        private_key, public_key = generate_keypair()
        r = self.client.post(
            f"{self.base}/delegates",
            json={
                "guarantor": guarantor,
                "delegate": delegate,
                "public_key": encode_public_key(public_key),
            },
            headers=bearer(self.admin),
        )
        assert r.status_code == 201, r.text
        d = Delegate(guarantor, delegate, r.json()["token"], private_key)
        self.delegates[(guarantor, delegate)] = d
        return d

    def open_window(self) -> dict[str, Any]:
        r = self.client.post(
            f"{self.base}/incidents",
            json={"kind": "overt_invasion", "severity": "high", "evidence": EVIDENCE},
            headers=bearer(self.reporter),
        )
        assert r.status_code == 201, r.text
        return r.json()

    def decision(
        self,
        d: Delegate,
        instrument: str = "troops",
        choice: str = "commit",
        revision: int = 1,
        *,
        condition: Condition | None = None,
        at: datetime | None = None,
        guarantor: str | None = None,
        gid: str | None = None,
    ) -> dict[str, Any]:
        """A request body for ``d``'s decision, signed with ``d``'s key at ``at`` (default: the
        service's time), bound to guarantee ``gid`` (default this one) as it stands now."""
        g = self.client.get(f"/api/v1/guarantees/{gid or self.gid}", headers=bearer(self.admin))
        assert g.status_code == 200, g.text
        signed_at = at or self.clock.now()
        event = DecisionRecorded(
            at=signed_at,
            guarantor=guarantor or d.guarantor,
            instrument=Instrument(instrument),
            choice=Choice(choice),
            revision=revision,
            delegate=d.delegate,
            condition=condition,
            signed_at=signed_at,
            guarantee=g.json()["id"],
            origin=g.json()["log_origin"],
            sequence=g.json()["event_count"],
        )
        return signed_request(event, d.key)

    def decide(self, d: Delegate, body: dict[str, Any], key: str | None = None) -> httpx.Response:
        headers = dict(d.headers)
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(f"{self.base}/decisions", json=body, headers=headers)

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        return self.client.get(f"{self.base}{path}", headers=bearer(token or self.observer))


def make_world(
    store: Store,
    *,
    mode: str = "live",
    preset: str = "meloni-24h",
    design: str | None = None,
    scheduler: bool = False,
    speed: float | None = None,
) -> Iterator[World]:
    clock = ManualClock(T0)
    service = Service(store, clock)
    app = create_app(service=service, scheduler=scheduler, run_migrations=False)
    with TestClient(app) as client:
        admin = service.bootstrap_admin("root").token
        body: dict[str, Any] = {"mode": mode, "id": "g-test"}
        if speed is not None:
            body["speed"] = speed
        body.update({"design": design} if design is not None else {"preset": preset})
        r = client.post("/api/v1/guarantees", json=body, headers=bearer(admin))
        assert r.status_code == 201, r.text
        tokens = {}
        for role in ("reporter", "observer", "witness"):
            r = client.post(
                "/api/v1/accounts",
                json={"name": f"{role}-1", "role": role, "guarantee_id": "g-test"},
                headers=bearer(admin),
            )
            assert r.status_code == 201, r.text
            tokens[role] = r.json()["token"]
        yield World(client, service, clock, "g-test", admin, **tokens)


def after(world: World, hours: float) -> datetime:
    return world.clock.advance(timedelta(hours=hours))
