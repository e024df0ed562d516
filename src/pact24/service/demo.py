"""``pact24 serve --demo``: seed a demo guarantee from the ``meloni-24h`` preset.

The demo is an *exercise* (it is marked so everywhere), with an admin, a reporter, an observer,
a witness, and both delegates of every guarantor, each with a fresh Ed25519 key pair. Tokens
are shown once: they are printed, and written with the delegates' private keys to the
credentials file (mode 0600), from which ``pact24 decide --key`` can read a key.

A data folder holds one demo: a second ``serve --demo`` serves the demo already there rather
than seeding another, and an existing credentials file is never overwritten (its tokens and keys
are the only copy).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from pact24.errors import Conflict
from pact24.ledger import encode_private_key, encode_public_key, generate_keypair
from pact24.service.auth import new_id
from pact24.service.core import Service
from pact24.service.schemas import AccountIn, DelegateIn, GuaranteeIn, Mode
from pact24.store.models import Guarantee

PRESET = "meloni-24h"


def existing(service: Service) -> str | None:
    """The id of the demo guarantee this database already holds, if any."""
    query = (
        select(Guarantee.id)
        .where(Guarantee.id.like("demo-%"), Guarantee.mode == "exercise")
        .order_by(Guarantee.created_at)
    )
    with service.store.read() as s:
        return s.scalars(query).first()


def refuse_overwrite(path: Path | str) -> None:
    """Conflict if the credentials file or its key folder is already there."""
    target = Path(path)
    for taken in (target, target.with_name(target.name + ".keys")):
        if taken.exists():
            raise Conflict(f"{taken} already exists; the demo never overwrites credentials")


def seed(service: Service, preset: str = PRESET, mode: Mode = "exercise") -> dict[str, Any]:
    """Create the demo guarantee and its accounts; every credential, as one JSON object."""
    tag = new_id(3).lower()
    admin = service.bootstrap_admin(f"demo-admin-{tag}")
    actor = service.authenticate(admin.token)
    g = service.create_guarantee(
        actor,
        GuaranteeIn(mode=mode, preset=preset, id=f"demo-{tag}"),
    )
    creds: dict[str, Any] = {
        "guarantee": g.id,
        "mode": g.mode,
        "banner": g.banner,
        "log_origin": g.log_origin,
        "accounts": {"admin": {"name": admin.account.name, "token": admin.token}},
        "delegates": [],
    }
    roles: tuple[Literal["reporter", "observer", "witness"], ...] = (
        "reporter",
        "observer",
        "witness",
    )
    for role in roles:
        c = service.create_account(
            actor,
            AccountIn(name=f"{g.id}-{role}", role=role, guarantee_id=g.id),
        )
        creds["accounts"][role] = {"name": c.account.name, "token": c.token}
    design = service.design(actor, g.id)
    for guarantor in design.guarantors:
        for delegate, rank in (
            (guarantor.delegate, "primary"),
            (guarantor.alternate_delegate, "alternate"),
        ):
            private_key, public_key = generate_keypair()
            c = service.register_delegate(
                actor,
                g.id,
                DelegateIn(
                    guarantor=guarantor.iso3,
                    delegate=delegate,
                    public_key=encode_public_key(public_key),
                ),
            )
            creds["delegates"].append(
                {
                    "guarantor": guarantor.iso3,
                    "delegate": delegate,
                    "rank": rank,
                    "token": c.token,
                    "public_key": encode_public_key(public_key),
                    "private_key": encode_private_key(private_key),
                }
            )
    return creds


def _private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def write_credentials(path: Path | str, creds: dict[str, Any]) -> Path:
    """Write the credentials, and one key file per delegate (``<path>.keys/ISO3-delegate.key``,
    for ``pact24 decide --key``), all readable by their owner only. Returns the key folder."""
    target = Path(path)
    refuse_overwrite(target)
    _private(target, json.dumps(creds, indent=2) + "\n")
    keys = target.with_name(target.name + ".keys")
    keys.mkdir(mode=0o700)
    for d in creds["delegates"]:
        _private(keys / f"{d['guarantor']}-{d['delegate']}.key", d["private_key"] + "\n")
    return keys


def summary(creds: dict[str, Any]) -> list[str]:
    """Lines to print: the guarantee, then every one-time token."""
    lines = [
        f"demo guarantee {creds['guarantee']} ({creds['banner']}), log {creds['log_origin']}",
    ]
    for role, acc in creds["accounts"].items():
        lines.append(f"  {role:<9} {acc['token']}")
    for d in creds["delegates"]:
        lines.append(f"  {d['guarantor']} {d['delegate']:<16} {d['rank']:<9} {d['token']}")
    return lines
