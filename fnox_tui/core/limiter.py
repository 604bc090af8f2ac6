"""How many calls may be in flight: halved when the service throttles, grown back slowly.

Used by the rotation engine (which waits for a slot with ``acquire``) and by `V` (which reads
``limit`` as it hands out work).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

CancelCheck = Callable[[], bool]

POLL_SECONDS = 0.05
# How many values `V` resolves at once to start with: enough to keep a 20-100 ms link busy.
DEFAULT_CONCURRENCY = 32


class AdaptiveLimiter:
    """At most ``limit`` holders at once, ``minimum <= limit <= maximum``.

    Additive increase, multiplicative decrease: ``throttled()`` halves the limit;
    ``succeeded()`` adds one after ``limit`` successes in a row.
    """

    def __init__(self, maximum: int, minimum: int = 1) -> None:
        self.maximum = max(1, maximum)
        self.minimum = max(1, min(minimum, self.maximum))
        self._limit = self.maximum
        self._in_flight = 0
        self._streak = 0
        self._condition = threading.Condition()

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def acquire(self, cancelled: CancelCheck) -> bool:
        """Wait for a free slot; False (no slot taken) once ``cancelled()`` is true."""
        with self._condition:
            while self._in_flight >= self._limit:
                if cancelled():
                    return False
                self._condition.wait(POLL_SECONDS)
            if cancelled():
                return False
            self._in_flight += 1
            return True

    def release(self) -> None:
        with self._condition:
            self._in_flight -= 1
            self._condition.notify()

    def throttled(self) -> None:
        with self._condition:
            self._limit = max(self.minimum, self._limit // 2)
            self._streak = 0

    def succeeded(self) -> None:
        with self._condition:
            self._streak += 1
            if self._streak >= self._limit and self._limit < self.maximum:
                self._limit += 1
                self._streak = 0
                self._condition.notify()


class RoundLimiter:
    """How many requests a caller that hands them out itself may have in flight.

    An :class:`AdaptiveLimiter` halved at most once per round: once throttled, the answers to
    the requests that were already in flight say nothing new (as TCP halves its window once
    per loss, not once per lost packet), so the next halving waits until they are all back.
    """

    def __init__(self, maximum: int) -> None:
        self._limiter = AdaptiveLimiter(maximum)
        self._completed = 0
        self._hold_until = -1  # answers up to this one belong to a round already halved for

    @property
    def limit(self) -> int:
        return self._limiter.limit

    @property
    def maximum(self) -> int:
        return self._limiter.maximum

    def completed(self, ok: bool) -> None:
        """A request came back (``ok``: with an answer, not a refusal to serve it)."""
        self._completed += 1
        if ok:
            self._limiter.succeeded()

    def throttled(self, in_flight: int) -> None:
        """The service throttles; ``in_flight`` requests are still out."""
        if self._completed > self._hold_until:
            self._limiter.throttled()
            self._hold_until = self._completed + in_flight
