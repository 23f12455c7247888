"""A per-member question allowance: a flood from one user costs that user, not the others.

A sliding window per key (a Telegram user id): at most ``limit`` questions in any
``window`` seconds. Kept in memory per process (each replica counts its own share),
and forgetful of users who stopped asking, so it cannot grow without bound.

Example::

    >>> limiter = SlidingWindowLimiter(limit=2, window=60.0, clock=lambda: 0.0)
    >>> [limiter.wait_seconds(7) for _ in range(3)]
    [0.0, 0.0, 60.0]
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, key: int) -> float:
        """0 and count this question when allowed; else how long until one is allowed (not counted)."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return events[0] + self.window - now
            events.append(now)
            if len(self._events) > 10_000:  # drop users with nothing left in their window
                self._events = {k: v for k, v in self._events.items() if v and v[-1] > now - self.window}
            return 0.0
