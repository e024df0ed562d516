"""`make bench`: the live service under load, with locust, on SQLite and PostgreSQL.

A real ``pact24 serve --demo --workers 2`` is started on a fresh database, the demo's window is
opened, and ``tests/bench/locustfile.py`` sends 200 requests/s for 60 s (60 % board polls, 20 %
timeline reads, 20 % signed decisions by 16 delegates). Per database and endpoint the p50, p95
and p99 latencies, the achieved rate, the refused share (429, 503), the errors and the requests
left unanswered go to ``bench-results/load.json`` with the machine and its load average. No
time is asserted; every request must have been answered.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.bench import machine
from tests.service.serving import free_port
from tests.service.test_restart import CLI, wait_healthy

pytestmark = [pytest.mark.bench, pytest.mark.timeout(600)]
OUT = Path("bench-results") / "load.json"
RATE_READERS = 80  # x 2 requests/s, plus 16 delegates x 2.5 decisions/s: 200 requests/s
SECONDS = int(os.environ.get("PACT24_LOAD_SECONDS", "60"))
WORKERS = int(os.environ.get("PACT24_LOAD_WORKERS", "2"))
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
RESULTS: dict[str, object] = {}


def _endpoints(stats_csv: Path, extra: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    out = {}
    with stats_csv.open() as f:
        for row in csv.DictReader(f):
            name = row["Name"]
            if name not in ("board", "timeline", "decision"):
                continue
            n = int(row["Request Count"])
            refused = extra["refused"].get(name, 0)
            unanswered = extra["unanswered"].get(name, 0)
            out[name] = {
                "requests": n,
                "achieved_per_s": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"]),
                "p95_ms": float(row["95%"]),
                "p99_ms": float(row["99%"]),
                "refused_share": round(refused / n, 4) if n else 0.0,
                "errors": int(row["Failure Count"]) - refused - unanswered,
                "unanswered": unanswered + extra["in_flight_at_end"].get(name, 0),
            }
    return out


def test_load_mix_at_200_requests_per_s(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    creds = tmp_path / "demo.json"
    env = {**os.environ, "PACT24_DATA_DIR": str(tmp_path / "data")}
    log = (tmp_path / "serve.log").open("wb")
    serve = [*CLI, "serve", "--demo", "--demo-credentials", str(creds), "--db", db_url]
    serve += ["--port", str(port), "--workers", str(WORKERS), "--log-level", "warning"]
    proc = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_healthy(url, proc, tmp_path, "serve")
        demo = json.loads(creds.read_text())
        r = httpx.post(
            f"{url}/api/v1/guarantees/{demo['guarantee']}/incidents",
            json={"kind": "overt_invasion", "severity": "high", "evidence": ["ab" * 32]},
            headers={"Authorization": f"Bearer {demo['accounts']['reporter']['token']}"},
        )
        assert r.status_code == 201, r.text
        extra_file = tmp_path / "extra.json"
        load = subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--only-summary",
                "-u",
                str(RATE_READERS + 16),
                "-r",
                str(RATE_READERS + 16),
                "-t",
                f"{SECONDS}s",
                "--stop-timeout",
                "30",
                "--host",
                url,
                "--csv",
                str(tmp_path / "load"),
                "--loglevel",
                "WARNING",
            ],
            env={
                **env,
                "PACT24_LOAD_CREDENTIALS": str(creds),
                "PACT24_LOAD_EXTRA": str(extra_file),
            },
            capture_output=True,
            text=True,
            timeout=SECONDS + 240,
        )
        assert extra_file.exists(), load.stderr[-3000:]
        extra = json.loads(extra_file.read_text())
        endpoints = _endpoints(tmp_path / "load_stats.csv", extra)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    RESULTS[dialect] = {
        "target_per_s": RATE_READERS * 2 + 16 * 2.5,
        "seconds": SECONDS,
        "workers": WORKERS,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "endpoints": endpoints,
    }
    assert set(endpoints) == {"board", "timeline", "decision"}, load.stderr[-3000:]
    assert all(e["unanswered"] == 0 for e in endpoints.values()), endpoints


def teardown_module() -> None:
    if not RESULTS:
        return
    OUT.parent.mkdir(exist_ok=True)
    payload = {
        "machine": machine.describe(),
        "mix": "60 % board fragment polls, 20 % API timeline, 20 % signed decisions (16)",
        "results": RESULTS,
    }
    OUT.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nload test written to {OUT}")
