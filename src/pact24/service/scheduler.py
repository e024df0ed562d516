"""The timer: close windows at their deadline, send reminders, deliver webhooks and mail.

Two background threads per service process: the timer closes windows and sends reminders, the
courier delivers webhooks and mail (so a slow receiver cannot hold back a close). Each job is
safe to run in any number of processes at once, because each claims its work in the database
(the guarantee's row lock and the close's compare-and-set; the notification's and the mail's
unique keys; the outbox's and the mail's leases), never in memory. So a second process is a
spare, not a hazard.

``start`` first closes every window that fell due while no process was running (a crash, a
SIGKILL, a restart), before the service answers anyone; the close is idempotent, so a window
is closed exactly once however many processes start together. A tick sleeps ``interval``
seconds, or less when a deadline falls sooner, so a window closes within a few milliseconds of
its deadline rather than up to a tick late; an exercise's deadline is read by its own clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pact24.service.core import Service

log = logging.getLogger("pact24.scheduler")


class Scheduler:
    """Two daemon threads until ``stop``: the timer (closes, reminders, outcome mail) and the
    courier (webhooks, mail), so that a slow receiver can never hold back a close."""

    def __init__(self, service: Service, interval: float = 1.0) -> None:
        self.service = service
        self.interval = interval
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _run_jobs(self, jobs: tuple[tuple[str, Callable[[], object]], ...]) -> dict[str, object]:
        report: dict[str, object] = {}
        for name, job in jobs:
            try:
                report[name] = job()
            except Exception:  # the timer must outlive any one failure
                log.exception("scheduler job %s failed", name)
        return report

    def _timer_jobs(self) -> tuple[tuple[str, Callable[[], object]], ...]:
        return (
            ("closed", self.service.close_overdue),
            ("reminders", self.service.send_reminders),
            ("outcome mail", self.service.mail_outcomes),
        )

    def _courier_jobs(self) -> tuple[tuple[str, Callable[[], object]], ...]:
        return (("webhooks", self.service.deliver_webhooks), ("mail", self.service.deliver_mail))

    def tick(self) -> dict[str, object]:
        """One round of every job, in this thread; an error in one does not stop the others."""
        return self._run_jobs((*self._timer_jobs(), *self._courier_jobs()))

    def _sleep_for(self) -> float:
        try:
            wait = self.service.wall_seconds_to_next_deadline()
        except Exception:
            log.exception("scheduler could not read the next deadline")
            return self.interval
        if wait is None:
            return self.interval
        return max(0.01, min(self.interval, wait + 0.001))

    def _timer(self) -> None:
        while not self._stop.is_set():
            self._run_jobs(self._timer_jobs())
            self._stop.wait(self._sleep_for())

    def _courier(self) -> None:
        while not self._stop.is_set():
            self._run_jobs(self._courier_jobs())
            self._stop.wait(self.interval)

    def start(self) -> list[str]:
        """Close what fell due while the service was down, then run in the background."""
        closed = self.service.close_overdue()
        if closed:
            log.warning("closed %d overdue window(s) at start: %s", len(closed), ", ".join(closed))
        for name, target in (("timer", self._timer), ("courier", self._courier)):
            thread = threading.Thread(target=target, name=f"pact24-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return closed

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
