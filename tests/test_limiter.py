"""RoundLimiter: V's in-flight limit, halved once per round of throttled answers."""

from __future__ import annotations

from fnox_tui.core.limiter import DEFAULT_CONCURRENCY, RoundLimiter


def test_a_round_of_throttled_answers_halves_the_limit_once() -> None:
    limiter = RoundLimiter(32)
    assert limiter.limit == 32
    # 32 requests were out; the first answer says "throttled": halve, and the 31 still out
    # (sent at the old rate) say nothing new when they are throttled too.
    limiter.completed(ok=False)
    limiter.throttled(in_flight=31)
    assert limiter.limit == 16
    for in_flight in range(30, -1, -1):
        limiter.completed(ok=False)
        limiter.throttled(in_flight=in_flight)
    assert limiter.limit == 16
    # A throttled answer to a request of the new round halves again.
    limiter.completed(ok=False)
    limiter.throttled(in_flight=15)
    assert limiter.limit == 8


def test_the_limit_grows_back_by_one_per_round_of_answers_up_to_the_maximum() -> None:
    limiter = RoundLimiter(4)
    limiter.completed(ok=False)
    limiter.throttled(in_flight=0)
    assert limiter.limit == 2
    limiter.completed(ok=True)
    limiter.completed(ok=True)
    assert limiter.limit == 3
    for _ in range(100):
        limiter.completed(ok=True)
    assert limiter.limit == limiter.maximum == 4


def test_V_starts_with_enough_for_a_slow_link() -> None:
    assert DEFAULT_CONCURRENCY >= 32


def test_throttles_seen_before_any_answer_halve_the_limit() -> None:
    """botocore retries a throttled request itself; V learns of it before the answer."""
    limiter = RoundLimiter(32)
    limiter.throttled(in_flight=32)
    assert limiter.limit == 16
    limiter.throttled(in_flight=32)  # the same round
    assert limiter.limit == 16
