"""Running rows: what re-encrypts the values a :class:`~fnox_tui.core.rotation.execute.Rotation`
hands it, and tells it about each row as it starts and ends.

Two runners share one interface:

- :class:`ThreadRunner` (here) rotates in this process, on a pool of threads, with adaptive
  concurrency and back-off while the service throttles. Engine tests (moto's in-process mock,
  botocore's Stubber) and age rotations use it.
- :class:`~fnox_tui.core.rotation.process_runner.ProcessRunner` runs a ThreadRunner in a child
  process (``python -m fnox_tui.core.rotation.worker``): botocore's CPU then runs under the
  child's GIL, not the app's, so the walkthrough keeps answering keys while it re-encrypts.

A runner never writes a file and never sees the journal: the Rotation records what it is told.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from fnox_tui.core.gcpause import no_full_collections
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation.cancel import CancelCheck, Cancelled
from fnox_tui.core.rotation.limiter import AdaptiveLimiter
from fnox_tui.core.rotation.plan import PlanRow, Route
from fnox_tui.core.rotation.results import Rotated, RowResult, RowStatus

DEFAULT_CONCURRENCY = 16
MAX_ATTEMPTS = 6  # per row, when throttled
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_CAP_SECONDS = 5.0

Sleep = Callable[[float, CancelCheck], None]
Work = Sequence[tuple[PlanRow, Route]]


class Rotator(Protocol):
    def rotate(self, row: PlanRow, route: Route, cancelled: CancelCheck) -> Rotated: ...

    def close(self) -> None: ...


class RowEvents(Protocol):
    """What a runner tells about each row (from any of its threads).

    ``started(row)`` once the row holds a slot and its first call is about to go out;
    ``finished(row, outcome)`` when it is done or failed, or with None when a cancel stopped
    it (it goes back to what it was before the run). A row that never started because of a
    cancel gets neither call.
    """

    def started(self, row: PlanRow) -> None: ...

    def finished(self, row: PlanRow, outcome: RowResult | None) -> None: ...


class Runner(Protocol):
    """Re-encrypts rows. ``consent_decrypt`` is the user's consent to decrypt here when KMS
    denies ReEncrypt (the plan's checkbox, read before each run)."""

    consent_decrypt: bool

    def execute(self, work: Work, cancelled: CancelCheck, events: RowEvents) -> int:
        """Rotate every ``(row, route)`` of ``work``; blocks until each is finished or the
        cancel stopped it. Returns the KMS requests made."""
        ...

    def warm_up(self) -> None:
        """Get ready before the first row (build the AWS client; start the child)."""
        ...

    def close(self) -> None: ...


def cancellable_sleep(seconds: float, cancelled: CancelCheck) -> None:
    """Sleep ``seconds``, waking early once ``cancelled()``."""
    deadline = time.monotonic() + seconds
    while not cancelled():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))


def backoff_seconds(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with full jitter: up to 0.2 s, 0.4 s, 0.8 s ... capped at 5 s."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** (attempt - 1))
    return ceiling * (0.5 + 0.5 * (rng or random).random())


class ThreadRunner:
    """Rotates rows in this process: at most ``concurrency`` at once, fewer while throttled."""

    def __init__(
        self,
        rotator: Rotator,
        context: ProviderContext,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        sleep: Sleep = cancellable_sleep,
    ) -> None:
        self.rotator = rotator
        self.context = context
        self.concurrency = max(1, concurrency)
        self.limiter = AdaptiveLimiter(self.concurrency)
        self._sleep = sleep

    @property
    def consent_decrypt(self) -> bool:
        return bool(getattr(self.rotator, "consent_decrypt", False))

    @consent_decrypt.setter
    def consent_decrypt(self, value: bool) -> None:
        if hasattr(self.rotator, "consent_decrypt"):
            self.rotator.consent_decrypt = value  # type: ignore[attr-defined]

    def warm_up(self) -> None:
        client = getattr(self.rotator, "client", None)
        if client is not None:
            client()

    def execute(self, work: Work, cancelled: CancelCheck, events: RowEvents) -> int:
        requests_before = self.context.stats.kms_requests
        # Every request makes objects that outlive a young collection; full collections would
        # then walk the whole heap (the app's workspace with it) every few seconds, with every
        # thread stopped for up to half a second. Young ones still run.
        with no_full_collections():
            if work:
                workers = min(self.concurrency, len(work))
                with ThreadPoolExecutor(workers, thread_name_prefix="fnox-rotate") as pool:
                    futures = [
                        pool.submit(self._row, row, route, cancelled, events) for row, route in work
                    ]
                    for future in futures:
                        future.result()
        return self.context.stats.kms_requests - requests_before

    def close(self) -> None:
        self.rotator.close()

    def _row(self, row: PlanRow, route: Route, cancelled: CancelCheck, events: RowEvents) -> None:
        if cancelled() or not self.limiter.acquire(cancelled):
            return
        events.started(row)
        events.finished(row, self._attempts(row, route, cancelled))  # releases the slot

    def _attempts(self, row: PlanRow, route: Route, cancelled: CancelCheck) -> RowResult | None:
        """Rotate one row, backing off while throttled; None when cancelled. Called holding a
        limiter slot, which it releases."""
        attempts = 0
        held = True
        try:
            while True:
                attempts += 1
                try:
                    rotated = self.rotator.rotate(row, route, cancelled)
                except Cancelled:
                    return None
                except ProviderError as error:
                    if error.code != ErrorCode.THROTTLED or attempts >= MAX_ATTEMPTS:
                        return failed(row, error, attempts)
                    self.limiter.throttled()
                    self.limiter.release()
                    held = False
                    self._sleep(backoff_seconds(attempts), cancelled)
                    if cancelled() or not self.limiter.acquire(cancelled):
                        return None
                    held = True
                    continue
                except Exception as error:  # never let one row's surprise stop the others
                    return failed(row, unexpected(row, error), attempts)
                self.limiter.succeeded()
                return RowResult(
                    row.key,
                    RowStatus.DONE,
                    route=rotated.route,
                    new_ciphertext=rotated.ciphertext,
                    verified=rotated.verification.verified,
                    note=rotated.verification.note,
                    attempts=attempts,
                )
        finally:
            if held:
                self.limiter.release()


def failed(row: PlanRow, error: ProviderError, attempts: int) -> RowResult:
    return RowResult(row.key, RowStatus.FAILED, error=error, attempts=attempts)


def unexpected(row: PlanRow, error: Exception) -> ProviderError:
    """A failure no provider explained: its type only (its text might carry anything)."""
    return ProviderError(
        f"Re-encrypting {row.name} failed unexpectedly ({type(error).__name__}).",
        hint="Nothing was written; retry the row.",
    )
