"""Decrypted values, held only in memory, forgotten on hide, reload and after idle time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable

DEFAULT_IDLE_SECONDS = 300.0


class PlaintextStore:
    """A thread-safe map from a secret's key to its plaintext.

    Nothing here is ever written anywhere: values live in this dict until :meth:`forget`,
    :meth:`clear` or :meth:`expire_idle` drop them.
    """

    def __init__(
        self,
        idle_seconds: float = DEFAULT_IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._values: dict[Hashable, str] = {}
        self._lock = threading.Lock()
        self._last_activity = clock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: Hashable, value: str) -> None:
        with self._lock:
            self._values[key] = value

    def put_many(self, items: Iterable[tuple[Hashable, str]]) -> None:
        with self._lock:
            self._values.update(items)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._values.pop(key, None)

    def forget_many(self, keys: Iterable[Hashable]) -> None:
        with self._lock:
            pop = self._values.pop
            for key in keys:
                pop(key, None)

    def clear(self) -> int:
        """Drop every value; returns how many there were."""
        with self._lock:
            count = len(self._values)
            self._values.clear()
            return count

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._values)

    def touch(self) -> None:
        """Record user activity: the idle clock starts again."""
        self._last_activity = self._clock()

    def is_idle(self) -> bool:
        """Whether the user has been idle for the idle time (never, when it is 0)."""
        if self.idle_seconds <= 0:
            return False
        return self._clock() - self._last_activity >= self.idle_seconds

    def expire_idle(self) -> int:
        """Clear everything when the user has been idle too long; returns how many went."""
        if not self.is_idle():
            return 0
        return self.clear()
