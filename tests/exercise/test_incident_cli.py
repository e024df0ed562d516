"""``pact24 incident report``: the beneficiary's report from the command line."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.service.serving import serve_in_thread
from tests.service.support import make_world
from typer.testing import CliRunner

from pact24.cli import app
from pact24.store.db import Store


def test_incident_report_records_the_attack_with_evidence_hashes_and_engaged_forces(
    store: Store, tmp_path: Path
) -> None:
    evidence = tmp_path / "radar.png"
    evidence.write_bytes(b"radar track")
    for w in make_world(store, preset="tripwire-presence"):
        with serve_in_thread(w.client.app) as port:
            r = CliRunner().invoke(
                app,
                [
                    "incident",
                    "report",
                    w.gid,
                    "--server",
                    f"http://127.0.0.1:{port}",
                    "--token",
                    w.reporter,
                    "--kind",
                    "hybrid_incursion",
                    "--severity",
                    "medium",
                    "--summary",
                    "Unmarked troops cross the line",
                    "--engaged",
                    "gbr",
                    "--evidence",
                    str(evidence),
                ],
            )
        assert r.exit_code == 0, r.output
        assert "recorded [live] g-test: IncidentReported" in r.output
        assert "WindowOpened" in r.output
        events = w.get("/timeline").json()["events"]
        body = events[0]["body"]
        assert body["evidence"] == [hashlib.sha256(b"radar track").hexdigest()]
        assert body["engaged"] == ["GBR"] and body["summary"] == "Unmarked troops cross the line"
