"""The service's load test: 60 % board polls, 20 % timeline reads, 20 % signed decisions.

Run by ``tests/bench/test_load.py`` against a real ``pact24 serve --demo``; it reads the demo's
credentials from ``PACT24_LOAD_CREDENTIALS`` and writes what locust's own statistics do not
say to ``PACT24_LOAD_EXTRA`` (JSON): per endpoint, the refused answers (429, 503) and the
requests that got no answer at all (no connection, a timeout, still in flight at the end).

Readers poll the htmx board fragment as a browser does (``?v=`` the version they last saw;
204 when nothing changed) and read the API timeline; 16 delegates each sign decisions with
``client.signed_request``, revising their own troops decision, one revision counter each.
``PACT24_LOAD_READERS`` x 2 requests/s plus 16 x 2.5 decisions/s is the total rate (default
80 readers: 200 requests/s).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, constant_throughput, events, task

from pact24.ledger import decode_private_key
from pact24.mechanism import DecisionRecorded
from pact24.service.client import signed_request
from pact24.vocab import Choice, Instrument

CREDS: dict[str, Any] = json.loads(Path(os.environ["PACT24_LOAD_CREDENTIALS"]).read_text())
GID = CREDS["guarantee"]
PRIMARY = [d for d in CREDS["delegates"] if d["rank"] == "primary"]
REFUSED: Counter[str] = Counter()
UNANSWERED: Counter[str] = Counter()
IN_FLIGHT: Counter[str] = Counter()
_delegates = count()
VERSION = re.compile(r'data-version="([^"]+)"')


@events.request.add_listener
def _count(name: str, response: Any, exception: Any, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status in (429, 503):
        REFUSED[name] += 1
    elif status == 0:
        UNANSWERED[name] += 1


@events.quitting.add_listener
def _write(**_: Any) -> None:
    out = {
        "refused": dict(REFUSED),
        "unanswered": dict(UNANSWERED),
        "in_flight_at_end": {k: v for k, v in IN_FLIGHT.items() if v},
    }
    Path(os.environ["PACT24_LOAD_EXTRA"]).write_text(json.dumps(out))


class _Tracked(HttpUser):
    abstract = True

    def _send(self, method: str, path: str, name: str, **kw: Any) -> Any:
        IN_FLIGHT[name] += 1
        try:
            with self.client.request(
                method, path, name=name, timeout=60, catch_response=True, **kw
            ) as r:
                if r.status_code in (200, 201, 204):
                    r.success()
                else:
                    r.failure(f"{r.status_code}")
                return r
        finally:
            IN_FLIGHT[name] -= 1


class Reader(_Tracked):
    """An observer with the board open (polling its fragment) who also reads the timeline."""

    weight = 1
    wait_time = constant_throughput(2)

    def on_start(self) -> None:
        token = CREDS["accounts"]["observer"]["token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.client.get("/web/login", name="login")
        csrf = self.client.cookies.get("pact24_login", "")
        self.client.post("/web/login", data={"token": token, "csrf": csrf}, name="login")
        self.version = ""

    @task(3)
    def board(self) -> None:
        r = self._send("GET", f"/web/g/{GID}/board?v={self.version}", "board")
        found = VERSION.search(r.text or "") if r.status_code == 200 else None
        if found:
            self.version = found.group(1)

    @task(1)
    def timeline(self) -> None:
        self._send("GET", f"/api/v1/guarantees/{GID}/timeline", "timeline", headers=self.headers)


class Delegate(_Tracked):
    """One of the 16 primary delegates, revising its troops decision, one revision each."""

    fixed_count = 16
    wait_time = constant_throughput(2.5)

    def on_start(self) -> None:
        self.me = PRIMARY[next(_delegates) % len(PRIMARY)]
        self.key = decode_private_key(self.me["private_key"])
        self.headers = {"Authorization": f"Bearer {self.me['token']}"}
        self._sync()

    def _sync(self) -> None:
        """The next revision and the record's size, as ``pact24 decide`` reads them."""
        board = self.client.get(
            f"/api/v1/guarantees/{GID}/board", headers=self.headers, name="sync"
        ).json()
        row = next(r for r in board["guarantors"] if r["iso3"] == self.me["guarantor"])
        cell = row["decisions"].get("troops")
        self.revision = 1 if cell is None else int(cell["revision"]) + 1
        self.origin = board["guarantee"]["log_origin"]
        self.sequence = int(board["guarantee"]["event_count"])

    @task
    def decide(self) -> None:
        now = datetime.now(UTC)
        decision = DecisionRecorded(
            at=now,
            guarantor=self.me["guarantor"],
            instrument=Instrument.TROOPS,
            choice=Choice.COMMIT if self.revision % 2 else Choice.DECLINE,
            revision=self.revision,
            delegate=self.me["delegate"],
            signed_at=now,
            guarantee=GID,
            origin=self.origin,
            sequence=self.sequence,
        )
        r = self._send(
            "POST",
            f"/api/v1/guarantees/{GID}/decisions",
            "decision",
            json=signed_request(decision, self.key),
            headers=self.headers,
        )
        if r.status_code == 201:
            self.revision += 1
            self.sequence = max(e["seq"] for e in r.json()["events"])
        elif r.status_code not in (0, 429, 503):
            self._sync()
