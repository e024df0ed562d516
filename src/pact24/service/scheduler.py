"""The timer: close windows at their deadline, send reminders, deliver webhooks.

One background thread per service process. Every tick it runs the three jobs of ``Service``;
each is safe to run in any number of processes at once, because each claims its work in the
database (the guarantee's row lock and the close's compare-and-set; the notification's unique
key; the outbox lease), never in memory. So a second process is a spare, not a hazard.

``start`` first closes every window that fell due while no process was running (a crash, a
SIGKILL, a restart), before the service answers anyone; the close is idempotent, so a window
is closed exactly once however many processes start together. A tick sleeps ``interval``
seconds, or less when a deadline falls sooner, so a window closes within a few milliseconds of
its deadline rather than up to a tick late.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from sqlalchemy import func, select

from pact24.service.core import Service
from pact24.store.models import Guarantee

log = logging.getLogger("pact24.scheduler")


class Scheduler:
    """Runs ``tick`` on a daemon thread until ``stop``."""

    def __init__(self, service: Service, interval: float = 1.0) -> None:
        self.service = service
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> dict[str, object]:
        """One round of every job; an error in one is logged and does not stop the others."""
        report: dict[str, object] = {}
        for name, job in (
            ("closed", self.service.close_overdue),
            ("reminders", self.service.send_reminders),
            ("webhooks", self.service.deliver_webhooks),
        ):
            try:
                report[name] = job()
            except Exception:  # the timer must outlive any one failure
                log.exception("scheduler job %s failed", name)
        return report

    def _next_deadline(self) -> datetime | None:
        now = self.service.now()
        with self.service.store.read() as s:
            return s.scalar(
                select(func.min(Guarantee.deadline)).where(
                    Guarantee.phase == "window_open", Guarantee.deadline > now
                )
            )

    def _sleep_for(self) -> float:
        try:
            nxt = self._next_deadline()
        except Exception:
            log.exception("scheduler could not read the next deadline")
            return self.interval
        if nxt is None:
            return self.interval
        seconds = (nxt - self.service.now()).total_seconds()
        return max(0.01, min(self.interval, seconds + 0.001))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self._sleep_for())

    def start(self) -> list[str]:
        """Close what fell due while the service was down, then tick in the background."""
        closed = self.service.close_overdue()
        if closed:
            log.warning("closed %d overdue window(s) at start: %s", len(closed), ", ".join(closed))
        self._thread = threading.Thread(target=self._run, name="pact24-scheduler", daemon=True)
        self._thread.start()
        return closed

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
