"""The adaptive limiter: halves on throttling, grows back after successes, honours cancel."""

from __future__ import annotations

import threading

from fnox_tui.core.rotation.execute import BACKOFF_CAP_SECONDS, backoff_seconds
from fnox_tui.core.rotation.limiter import AdaptiveLimiter


def test_halves_on_throttling_down_to_the_minimum() -> None:
    limiter = AdaptiveLimiter(16)
    limits = []
    for _ in range(6):
        limiter.throttled()
        limits.append(limiter.limit)
    assert limits == [8, 4, 2, 1, 1, 1]


def test_grows_by_one_after_a_streak_of_successes() -> None:
    limiter = AdaptiveLimiter(4)
    limiter.throttled()  # 2
    for _ in range(2):
        limiter.succeeded()
    assert limiter.limit == 3
    for _ in range(3):
        limiter.succeeded()
    assert limiter.limit == 4
    for _ in range(10):
        limiter.succeeded()
    assert limiter.limit == 4  # never above the maximum


def test_acquire_waits_for_a_slot_and_gives_up_on_cancel() -> None:
    limiter = AdaptiveLimiter(1)
    assert limiter.acquire(lambda: False)
    cancel = threading.Event()
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(limiter.acquire(cancel.is_set)))
    waiter.start()
    cancel.set()
    waiter.join(timeout=30)
    assert result == [False] and limiter.in_flight == 1
    limiter.release()
    assert limiter.acquire(lambda: False) and limiter.in_flight == 1


def test_backoff_grows_and_is_capped() -> None:
    class Half:
        def random(self) -> float:
            return 1.0

    assert [backoff_seconds(n, Half()) for n in (1, 2, 3)] == [0.2, 0.4, 0.8]  # type: ignore[arg-type]
    assert backoff_seconds(20, Half()) == BACKOFF_CAP_SECONDS  # type: ignore[arg-type]
