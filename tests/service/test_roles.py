"""Every role boundary of the API: who may do what, and nothing more."""

from __future__ import annotations

import pytest
from tests.service.support import EVIDENCE, World, bearer


def test_no_token_is_401_problem_json(world: World) -> None:
    r = world.client.get(f"{world.base}/board")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401
    assert (
        world.client.get(f"{world.base}/board", headers=bearer("p24_nope_nope")).status_code == 401
    )
    assert world.client.get(f"{world.base}/board", headers=bearer("garbage")).status_code == 401


def test_a_delegate_deciding_for_another_guarantor_gets_403(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    body = opened.decision(gbr, guarantor="FRA")
    r = opened.decide(gbr, body)
    assert r.status_code == 403
    assert "GBR" in r.json()["detail"]
    assert opened.get("/board").json()["guarantee"]["event_count"] == 2


def test_a_delegate_cannot_sign_as_its_colleague(opened: World) -> None:
    alt = opened.add_delegate("GBR", "gbr-ambassador")
    body = opened.decision(alt)
    body["delegate"] = "gbr-minister"
    assert opened.decide(alt, body).status_code == 403


@pytest.mark.parametrize("role", ["reporter", "observer", "witness", "admin"])
def test_only_delegates_decide(opened: World, role: str) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    body = opened.decision(gbr)
    r = opened.client.post(
        f"{opened.base}/decisions", json=body, headers=bearer(getattr(opened, role))
    )
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["observer", "witness"])
def test_readers_cannot_report_incidents(world: World, role: str) -> None:
    r = world.client.post(
        f"{world.base}/incidents",
        json={"kind": "strike", "severity": "low", "evidence": EVIDENCE},
        headers=bearer(getattr(world, role)),
    )
    assert r.status_code == 403


def test_delegates_cannot_report_incidents(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    r = opened.client.post(
        f"{opened.base}/incidents",
        json={"kind": "strike", "severity": "low", "evidence": EVIDENCE},
        headers=gbr.headers,
    )
    assert r.status_code == 403


@pytest.mark.parametrize("role", ["reporter", "observer", "witness"])
def test_admin_only_operations(world: World, role: str) -> None:
    h = bearer(getattr(world, role))
    c = world.client
    assert (
        c.post(
            "/api/v1/guarantees", json={"mode": "live", "preset": "meloni-24h"}, headers=h
        ).status_code
        == 403
    )
    assert (
        c.post("/api/v1/accounts", json={"name": "x", "role": "observer"}, headers=h).status_code
        == 403
    )
    assert (
        c.post(
            f"{world.base}/delegates",
            json={"guarantor": "GBR", "delegate": "gbr-minister", "public_key": "A" * 43 + "="},
            headers=h,
        ).status_code
        == 403
    )
    assert (
        c.post("/api/v1/webhooks", json={"url": "http://x.example/h"}, headers=h).status_code == 403
    )
    assert (
        c.post(f"{world.base}/attributions", json={"confidence": 0.5}, headers=h).status_code == 403
    )
    assert c.post(f"{world.base}/close", json={}, headers=h).status_code == 403


@pytest.mark.parametrize("role", ["observer", "witness", "reporter"])
def test_every_role_reads_its_guarantee(opened: World, role: str) -> None:
    token = getattr(opened, role)
    for path in (
        "/board",
        "/timeline",
        "/receipts",
        "/log/checkpoint",
        "/log/proof/consistency?old=1",
    ):
        assert opened.get(path, token).status_code == 200, path


def test_a_scoped_token_cannot_read_another_guarantee(world: World) -> None:
    r = world.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h", "id": "g-other"},
        headers=bearer(world.admin),
    )
    assert r.status_code == 201
    r = world.client.get("/api/v1/guarantees/g-other/board", headers=bearer(world.observer))
    assert r.status_code == 403
    listed = world.client.get("/api/v1/guarantees", headers=bearer(world.observer)).json()
    assert [g["id"] for g in listed] == ["g-test"]


def test_a_delegate_of_one_guarantee_cannot_decide_in_another(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    opened.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h", "id": "g-other"},
        headers=bearer(opened.admin),
    )
    body = opened.decision(gbr)
    r = opened.client.post("/api/v1/guarantees/g-other/decisions", json=body, headers=gbr.headers)
    assert r.status_code == 403


def test_a_revoked_token_is_refused(world: World) -> None:
    me = world.client.get("/api/v1/me", headers=bearer(world.observer)).json()
    r = world.client.post(f"/api/v1/tokens/{me['token_id']}/revoke", headers=bearer(world.admin))
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert world.client.get("/api/v1/me", headers=bearer(world.observer)).status_code == 401


def test_tokens_are_stored_only_as_argon2_hashes(world: World) -> None:
    from sqlalchemy import select

    from pact24.store.models import Token

    with world.service.store.read() as s:
        hashes = list(s.scalars(select(Token.secret_hash)))
    secrets = [t.split("_", 2)[2] for t in (world.admin, world.observer, world.reporter)]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any(sec in h for sec in secrets for h in hashes)


def test_delegates_must_be_the_designs(world: World) -> None:
    from pact24.ledger import encode_public_key, generate_keypair

    key = encode_public_key(generate_keypair()[1])
    r = world.client.post(
        f"{world.base}/delegates",
        json={"guarantor": "GBR", "delegate": "fra-minister", "public_key": key},
        headers=bearer(world.admin),
    )
    assert r.status_code == 422
    r = world.client.post(
        f"{world.base}/delegates",
        json={"guarantor": "ZZZ", "delegate": "x", "public_key": key},
        headers=bearer(world.admin),
    )
    assert r.status_code == 422


def test_me_says_role_and_scope(opened: World) -> None:
    gbr = opened.delegates[("GBR", "gbr-minister")]
    me = opened.client.get("/api/v1/me", headers=gbr.headers).json()
    assert (me["role"], me["guarantee_id"], me["guarantor"], me["delegate"]) == (
        "delegate",
        "g-test",
        "GBR",
        "gbr-minister",
    )
