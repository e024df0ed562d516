"""``pact24 serve --workers 2``: two processes on one port, each with its own timer, serve the
API and close a window exactly once between them."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tests.service.test_restart import server, short_design, wait_healthy

from pact24.clock import SystemClock
from pact24.mechanism import codec
from pact24.service.core import Service
from pact24.service.schemas import AccountIn, GuaranteeIn
from pact24.store.db import Store
from pact24.store.models import EventRow

pytestmark = pytest.mark.timeout(120)


def test_two_workers_serve_and_close_the_window_once(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    service = Service(store, SystemClock())
    admin = service.authenticate(service.bootstrap_admin("root").token)
    gid = service.create_guarantee(admin, GuaranteeIn(mode="live", design=short_design())).id
    reporter = service.create_account(
        admin, AccountIn(name="ukr", role="reporter", guarantee_id=gid)
    ).token
    store.dispose()
    h = {"Authorization": f"Bearer {reporter}"}

    extra = ["--workers", "2", "--log-level", "info"]
    with server(db_url, tmp_path, "workers", extra) as (proc, url):
        wait_healthy(url, proc, tmp_path, "workers")
        log = tmp_path / "workers.log"
        for _ in range(200):  # both workers report their start-up
            if log.read_text().count("Application startup complete") == 2:
                break
            time.sleep(0.05)
        assert log.read_text().count("Application startup complete") == 2, log.read_text()
        r = httpx.post(
            f"{url}/api/v1/guarantees/{gid}/incidents",
            json={"kind": "overt_invasion", "severity": "high", "evidence": ["ab" * 32]},
            headers=h,
        )
        assert r.status_code == 201, r.text
        deadline = codec.parse_ts(r.json()["events"][1]["body"]["deadline"])
        time.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1.0)
        # Neither read below closes: the timers of the two workers have, once between them.
        check = Store(db_url)
        with check.read() as s:
            types = list(s.scalars(select(EventRow.type).where(EventRow.guarantee_id == gid)))
        check.dispose()
        assert types.count("WindowClosed") == 1 and types.count("OutcomeDeclared") == 1, types
        answers = {httpx.get(f"{url}/api/v1/guarantees/{gid}", headers=h).status_code}
        assert answers == {200}
