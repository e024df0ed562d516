"""A service of the exercise's own: ``pact24 serve`` as a separate process on SQLite.

A separate process, not a server thread in this one: the exercise then drives exactly what a
deployment runs (migrations, the timer closing the window, the courier), over HTTP, and a
crash of either side cannot take the other's state with it. The first admin is made with
``pact24 db create-admin``, the way an operator makes one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from pact24.errors import Conflict

_CLI = [sys.executable, "-c", "from pact24.cli import main; main()"]
#: How long the server may take to answer its first health check.
START_SECONDS = 60.0


@dataclass(frozen=True)
class Local:
    """A running local service: its base URL and the admin (exercise director) token."""

    url: str
    token: str


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def local_service(folder: Path, tick: float = 0.2) -> Iterator[Local]:
    """Serve a new SQLite database in ``folder`` on a free loopback port until the block ends;
    the server's log is ``folder/server.log``."""
    folder.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{folder / 'exercise.sqlite'}"
    env = {**os.environ, "PACT24_DATA_DIR": str(folder / "data")}
    made = subprocess.run(
        [*_CLI, "db", "create-admin", "exercise-director", "--db", db],
        capture_output=True,
        text=True,
        env=env,
    )
    if made.returncode != 0:
        raise Conflict(f"could not make the exercise's admin: {made.stderr.strip()}")
    url = f"http://127.0.0.1:{free_port()}"
    port = url.rsplit(":", 1)[1]
    serve = [*_CLI, "serve", "--db", db, "--port", port, "--tick", str(tick)]
    with (folder / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*serve, "--log-level", "warning"], stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            _wait_healthy(url, proc, folder / "server.log")
            yield Local(url, made.stdout.strip().splitlines()[-1])
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-1:]
            raise Conflict(f"the exercise's server stopped at start: {' '.join(tail)}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise Conflict(f"the exercise's server did not answer within {START_SECONDS:g} s (see {log})")
