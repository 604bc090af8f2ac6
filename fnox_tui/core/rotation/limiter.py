"""How many calls may be in flight: halved when the service throttles, grown back slowly."""

from __future__ import annotations

import threading

from fnox_tui.core.rotation.cancel import CancelCheck

POLL_SECONDS = 0.05


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
