"""A guarantee with people who sign in to the web pages, for ``test_web*.py``.

Built through the service layer (the same calls the API makes): an admin, one guarantee of the
``meloni-24h`` preset, two delegates with their Ed25519 keys and passwords (GBR's and FRA's
ministers) and an observer with a password; optionally the window opened by an incident.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pact24.ledger import encode_private_key, encode_public_key, generate_keypair
from pact24.service import auth
from pact24.service.core import Service
from pact24.service.schemas import AccountIn, DelegateIn, GuaranteeIn, IncidentIn, Mode

GID = "g-web"
GBR = f"{GID}/GBR/gbr-minister"
FRA = f"{GID}/FRA/fra-minister"
OBSERVER = "observer-1"
PASSWORD = "correct horse battery staple"


_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash tokens and passwords at argon2's lowest cost, for one test (``auth`` hashes
    passwords at argon2's default cost, ~0.2 s each, with ``auth._passwords``, not with the
    hasher ``set_hasher`` sets for tokens). A hash names its own cost, so checking a cheap hash
    is cheap too."""
    monkeypatch.setattr(auth, "_hasher", _CHEAP, raising=False)
    monkeypatch.setattr(auth, "_passwords", _CHEAP)


@dataclass
class Seeded:
    gid: str
    admin_token: str
    gbr_token: str
    fra_token: str
    observer_token: str
    gbr_key: Ed25519PrivateKey
    fra_key: Ed25519PrivateKey

    @property
    def gbr_key_text(self) -> str:
        return encode_private_key(self.gbr_key)


def seed(service: Service, *, mode: Mode = "exercise", open_window: bool = True) -> Seeded:
    admin_creds = service.bootstrap_admin("root")
    admin = service.authenticate(admin_creds.token)
    service.create_guarantee(admin, GuaranteeIn(mode=mode, preset="meloni-24h", id=GID))
    keys = {}
    tokens = {}
    for iso3 in ("GBR", "FRA"):
        private_key, public_key = generate_keypair()
        creds = service.register_delegate(
            admin,
            GID,
            DelegateIn(
                guarantor=iso3,
                delegate=f"{iso3.lower()}-minister",
                public_key=encode_public_key(public_key),
                password=PASSWORD,
            ),
        )
        keys[iso3] = private_key
        tokens[iso3] = creds.token
    observer = service.create_account(
        admin, AccountIn(name=OBSERVER, role="observer", guarantee_id=GID, password=PASSWORD)
    )
    if open_window:
        service.report_incident(
            admin,
            GID,
            IncidentIn(
                kind="overt_invasion",
                severity="high",
                evidence=["ab" * 32],
                summary="Armoured columns crossed the line of contact.",
            ),
        )
    return Seeded(
        gid=GID,
        admin_token=admin_creds.token,
        gbr_token=tokens["GBR"],
        fra_token=tokens["FRA"],
        observer_token=observer.token,
        gbr_key=keys["GBR"],
        fra_key=keys["FRA"],
    )


def hidden(html: str, name: str) -> str:
    """The value of the hidden input ``name`` in a page."""
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert found is not None, f"no hidden input {name!r}"
    return found.group(1)
