"""The command line: ``db``, ``ledger export``, and ``serve --demo`` with ``decide`` and
``witness`` against the real server process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from tests.service.support import World
from tests.service.test_restart import CLI, server, wait_healthy
from typer.testing import CliRunner

from pact24.cli import app
from pact24.errors import InvalidInput
from pact24.ledger import verify_jsonl
from pact24.store import migrate
from pact24.store.db import Store

runner = CliRunner()


def test_db_upgrade_and_create_admin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    r = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert r.exit_code == 0, r.output
    assert f"at migration {migrate.head()}" in r.output
    r = runner.invoke(app, ["db", "create-admin", "root", "--db", url])
    assert r.exit_code == 0 and r.output.startswith("p24_")


def test_ledger_export_writes_a_verifiable_file(opened: World, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "g.jsonl"
    r = runner.invoke(app, ["ledger", "export", "--db", db_url, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert verify_jsonl(out).size == opened.get("").json()["ledger_size"]
    opened.client.post(
        "/api/v1/guarantees",
        json={"mode": "live", "preset": "meloni-24h", "id": "g-second"},
        headers={"Authorization": f"Bearer {opened.admin}"},
    )
    r = runner.invoke(app, ["ledger", "export", "--db", db_url, "--out", str(out)])
    assert isinstance(r.exception, InvalidInput) and "g-second" in r.exception.detail
    r = runner.invoke(
        app, ["ledger", "export", "--db", db_url, "--guarantee", "g-second", "--out", str(out)]
    )
    assert r.exit_code == 0 and "[live]" in r.output


@pytest.mark.timeout(120)
def test_serve_demo_then_decide_and_witness(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    creds_path = tmp_path / "demo.json"
    with server(db, tmp_path, "demo", ["--demo", "--demo-credentials", str(creds_path)]) as (
        proc,
        url,
    ):
        wait_healthy(url, proc, tmp_path, "demo")
        creds = json.loads(creds_path.read_text())
        assert creds["mode"] == "exercise" and len(creds["delegates"]) == 32
        assert oct(creds_path.stat().st_mode & 0o777) == "0o600"
        gbr = next(d for d in creds["delegates"] if d["delegate"] == "gbr-minister")
        key = tmp_path / "demo.json.keys" / "GBR-gbr-minister.key"
        gid = creds["guarantee"]
        reporter = creds["accounts"]["reporter"]["token"]
        r = httpx.post(
            f"{url}/api/v1/guarantees/{gid}/incidents",
            json={"kind": "hybrid_incursion", "severity": "medium"},
            headers={"Authorization": f"Bearer {reporter}"},
        )
        assert r.status_code == 201, r.text
        decide = [
            *CLI,
            "decide",
            "--server",
            url,
            "--token",
            gbr["token"],
            "--key",
            str(key),
            "--instrument",
            "troops",
            "--commit",
            "--condition",
            "parliament_approval",
            "--idempotency-key",
            "gbr-troops-1",
        ]
        decided = subprocess.run(decide, capture_output=True, text=True, timeout=60)
        assert decided.returncode == 0, decided.stderr
        # The same command again (a retry after a lost answer): the same answer, recorded once.
        retried = subprocess.run(decide, capture_output=True, text=True, timeout=60)
        assert retried.returncode == 0, retried.stderr
        assert retried.stdout == decided.stdout
        assert "[exercise]" in decided.stdout and "troops conditional" in decided.stdout
        watched = subprocess.run(
            [
                *CLI,
                "witness",
                url,
                "--guarantee",
                gid,
                "--state",
                str(tmp_path / "w"),
                "--token",
                creds["accounts"]["witness"]["token"],
                "--once",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert watched.returncode == 0, watched.stderr
        assert json.loads(watched.stdout)["status"] == "first"
        assert list((tmp_path / "w" / gid / "checkpoints").glob("*.note"))
        exported = tmp_path / "served.jsonl"
        r = runner.invoke(
            app,
            ["ledger", "export", "--server", url, "--token", reporter, "--out", str(exported)],
        )
        assert r.exit_code == 0, r.output
        assert verify_jsonl(exported).size == json.loads(watched.stdout)["size"]
        assert f"of {gid} [exercise]" in r.output
    out = Store(db)
    with out.read() as s:
        from pact24.store.models import Guarantee

        g = s.get(Guarantee, gid)
        assert g is not None and g.mode == "exercise" and g.event_count == 3


def test_serve_demo_never_overwrites_credentials_nor_seeds_a_second_demo(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    from pact24.service import demo
    from pact24.service.core import Service

    service = Service(store)
    assert demo.existing(service) is None
    creds_path = tmp_path / "demo.json"
    demo.write_credentials(creds_path, demo.seed(service))
    first = creds_path.read_text()
    gid = demo.existing(service)
    assert gid == json.loads(first)["guarantee"]

    def serve(credentials: Path) -> subprocess.CompletedProcess[str]:
        args = ["serve", "--db", db_url, "--demo", "--demo-credentials", str(credentials)]
        return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60)

    again = serve(creds_path)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert again.stderr.strip() == (
        f"error: {creds_path} already exists; the demo never overwrites credentials"
    )
    assert creds_path.read_text() == first
    elsewhere = serve(tmp_path / "other.json")
    assert elsewhere.returncode == 2 and len(elsewhere.stderr.strip().splitlines()) == 1
    assert f"already holds the demo {gid}" in elsewhere.stderr
    assert not (tmp_path / "other.json").exists()
    with store.read() as s:
        from sqlalchemy import func, select

        from pact24.store.models import Guarantee

        assert s.scalar(select(func.count()).select_from(Guarantee)) == 1


def test_decide_retries_transient_failures_and_a_kept_request_records_once(
    opened: World, tmp_path: Path
) -> None:
    from pact24.errors import Conflict
    from pact24.service import client as c
    from pact24.vocab import Choice, Instrument

    gbr = opened.delegates[("GBR", "gbr-minister")]
    failures = [httpx.ConnectError("refused"), httpx.Response(503, headers={"Retry-After": "3"})]
    posts: list[bytes] = []

    def network(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(request.content)
            if failures:
                failure = failures.pop(0)
                if isinstance(failure, Exception):
                    raise failure
                return failure
        r = opened.client.request(
            request.method, str(request.url), content=request.content, headers=request.headers
        )
        return httpx.Response(r.status_code, headers=r.headers, content=r.content)

    kept = c.kept_request(tmp_path / "gbr.key", "http://service", "retry-me")
    slept: list[float] = []
    with httpx.Client(
        base_url="http://testserver", headers=gbr.headers, transport=httpx.MockTransport(network)
    ) as http:

        def decide(choice: Choice) -> dict[str, object]:
            return c.decide(
                http,
                gbr.key,
                Instrument.TROOPS,
                choice,
                idempotency_key="retry-me",
                kept=kept,
                now=opened.clock.now(),
                sleep=slept.append,
            )

        first = decide(Choice.COMMIT)
        # No connection: 1 s; a 503 asking for 3 s: 3 s; then recorded, all as one request.
        assert slept == [1, 3] and len(set(posts)) == 1 and len(posts) == 3
        opened.clock.advance(90)
        again = decide(Choice.COMMIT)
        assert again == first and len(set(posts)) == 1
        with pytest.raises(Conflict, match="another decision"):
            decide(Choice.DECLINE)
    board = opened.get("/board").json()
    gbr_row = next(row for row in board["guarantors"] if row["iso3"] == "GBR")
    assert gbr_row["decisions"]["troops"]["revision"] == 1
