"""Failed sign-ins slow an attacker down: after ``limit`` failures for one account name within
``window``, further attempts are refused (429) until the oldest failure leaves the window.

Tokens are long and random, so only password sign-in needs this. The count lives in the
process: several service processes each allow ``limit``, which still bounds guessing to a few
tries per minute. A success clears the name's count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pact24.errors import TooManyRequests


@dataclass
class LoginThrottle:
    limit: int = 5
    window: timedelta = timedelta(minutes=15)
    max_names: int = 10_000
    _failures: OrderedDict[str, deque[datetime]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, name: str, now: datetime) -> None:
        """Raise ``TooManyRequests`` (with ``retry_after`` seconds) while ``name`` is locked."""
        with self._lock:
            recent = self._recent(name.casefold(), now)
            if len(recent) >= self.limit:
                wait = recent[0] + self.window - now
                seconds = max(1, int(wait.total_seconds()) + 1)
                raise TooManyRequests(
                    f"too many failed sign-ins for this account; try again in {seconds} s",
                    retry_after=seconds,
                )

    def failed(self, name: str, now: datetime) -> None:
        with self._lock:
            key = name.casefold()
            self._recent(key, now).append(now)
            self._failures.move_to_end(key)
            while len(self._failures) > self.max_names:
                self._failures.popitem(last=False)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.casefold(), None)

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q
