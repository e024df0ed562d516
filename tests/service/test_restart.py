"""The real server, killed with SIGKILL in the middle of a window and restarted after its
deadline: the window is closed exactly once, at start, and every decision made before the kill
is kept. Two servers are restarted at once on the same database, so this also shows that
several processes close a window once between them.

The window is short (``window_hours: 0.0015``, 5.4 s) so the test runs on the real clock.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from tests.service.serving import free_port

from pact24.clock import SystemClock
from pact24.designs.loader import preset_path
from pact24.ledger import encode_public_key, generate_keypair, save_private_key
from pact24.mechanism import codec
from pact24.service import client as delegate_client
from pact24.service.core import Service
from pact24.service.schemas import AccountIn, DelegateIn, GuaranteeIn
from pact24.store.db import Store
from pact24.vocab import Choice, Instrument

pytestmark = pytest.mark.timeout(120)
WINDOW_HOURS = 0.0015
CLI = [sys.executable, "-c", "from pact24.cli import main; main()"]


def short_design() -> str:
    text = preset_path("meloni-24h").read_text()
    text = text.replace("window_hours: 24", f"window_hours: {WINDOW_HOURS}")
    return text.replace("reminders_hours_before: [12, 3, 1]", "reminders_hours_before: []")


@contextmanager
def server(
    db_url: str, tmp: Path, name: str, extra: list[str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    log = (tmp / f"{name}.log").open("wb")
    env = {**os.environ, "PACT24_DATA_DIR": str(tmp / "data")}
    proc = subprocess.Popen(
        [
            *CLI,
            "serve",
            "--db",
            db_url,
            "--port",
            str(port),
            "--tick",
            "0.2",
            "--log-level",
            "warning",
            *(extra or []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)
        log.close()


def wait_healthy(url: str, proc: subprocess.Popen[bytes], tmp: Path, name: str) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise AssertionError(f"{name} exited: {(tmp / f'{name}.log').read_text()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{name} never became healthy")


def test_sigkill_mid_window_then_restart_closes_once_and_keeps_decisions(
    db_url: str, tmp_path: Path
) -> None:
    store = Store(db_url)
    service = Service(store, SystemClock())
    admin = service.authenticate(service.bootstrap_admin("root").token)
    gid = service.create_guarantee(admin, GuaranteeIn(mode="live", design=short_design())).id
    reporter = service.create_account(
        admin, AccountIn(name="ukr", role="reporter", guarantee_id=gid)
    ).token
    delegates = {}
    for iso3, who in (("GBR", "gbr-minister"), ("FRA", "fra-minister")):
        key, public = generate_keypair()
        creds = service.register_delegate(
            admin,
            gid,
            DelegateIn(guarantor=iso3, delegate=who, public_key=encode_public_key(public)),
        )
        delegates[iso3] = (creds.token, key)
    save_private_key(tmp_path / "gbr.key", delegates["GBR"][1])
    store.dispose()

    with server(db_url, tmp_path, "first") as (first, url):
        wait_healthy(url, first, tmp_path, "first")
        r = httpx.post(
            f"{url}/api/v1/guarantees/{gid}/incidents",
            json={"kind": "overt_invasion", "severity": "high", "evidence": ["ab" * 32]},
            headers={"Authorization": f"Bearer {reporter}"},
        )
        assert r.status_code == 201, r.text
        deadline = codec.parse_ts(r.json()["events"][1]["body"]["deadline"])
        # One decision through the real command line, one through the client library.
        cli = subprocess.run(
            [
                *CLI,
                "decide",
                "--server",
                url,
                "--token",
                delegates["GBR"][0],
                "--key",
                str(tmp_path / "gbr.key"),
                "--instrument",
                "troops",
                "--commit",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert cli.returncode == 0, cli.stderr
        assert "GBR troops commit (revision 1)" in cli.stdout
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {delegates['FRA'][0]}"}
        ) as http:
            delegate_client.decide(http, delegates["FRA"][1], Instrument.TROOPS, Choice.DECLINE)
        assert datetime.now(UTC) < deadline, "the window must still be open at the kill"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)

    time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.3)
    with Store(db_url).read() as s:
        from pact24.store.models import Guarantee

        g = s.get(Guarantee, gid)
        assert g is not None and g.phase == "window_open"  # nobody closed it while down

    with (
        server(db_url, tmp_path, "second") as (second, url2),
        server(db_url, tmp_path, "third") as (third, url3),
    ):
        wait_healthy(url2, second, tmp_path, "second")
        wait_healthy(url3, third, tmp_path, "third")
        # Healthy means started, and start closes what is overdue before answering.
        h = {"Authorization": f"Bearer {reporter}"}
        timeline = httpx.get(f"{url2}/api/v1/guarantees/{gid}/timeline", headers=h).json()
        types = [e["type"] for e in timeline["events"]]
        assert types == [
            "IncidentReported",
            "WindowOpened",
            "DecisionRecorded",
            "DecisionRecorded",
            "WindowClosed",
            "ReceiptsFrozen",
            "OutcomeDeclared",
        ]
        closed = timeline["events"][4]
        assert codec.parse_ts(closed["body"]["at"]) == deadline
        assert codec.parse_ts(closed["recorded_at"]) > deadline
        receipts = httpx.get(f"{url3}/api/v1/guarantees/{gid}/receipts", headers=h).json()
        troops = {r["guarantor"]: r for r in receipts["receipts"] if r["instrument"] == "troops"}
        assert troops["GBR"]["status"] == "commit" and not troops["GBR"]["by_silence"]
        assert troops["FRA"]["status"] == "decline" and not troops["FRA"]["by_silence"]
        assert troops["DEU"]["by_silence"]
