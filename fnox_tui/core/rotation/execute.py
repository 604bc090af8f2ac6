"""Running a rotation plan: bounded, adaptive concurrency, cancellation, a result per value.

Typical use (the walkthrough runs ``run`` in a worker thread)::

    rotation = Rotation(plan, KmsTarget(key_id, arn), registry.context, journal=journal)
    summary = rotation.run(cancel=event, progress=on_progress, on_row=on_row)
    if not summary.complete:
        summary = rotation.retry_failed(cancel=event, progress=on_progress)
    output = rotation.output()  # -> the commit step

``progress(done, failed, total)`` and ``on_row(result)`` are called from worker threads.
Nothing here writes a configuration file; the journal (if given) records finished rows.
"""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.gcpause import no_full_collections
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation.age import AgeRotator
from fnox_tui.core.rotation.cancel import CancelCheck, Cancelled, as_check
from fnox_tui.core.rotation.journal import Journal
from fnox_tui.core.rotation.kms import KmsRotator
from fnox_tui.core.rotation.limiter import AdaptiveLimiter
from fnox_tui.core.rotation.plan import PlanRow, RotationPlan, Route, RowKey
from fnox_tui.core.rotation.results import (
    Rotated,
    RotationOutput,
    RowResult,
    RowStatus,
    RunSummary,
)
from fnox_tui.core.rotation.targets import AgeTarget, KmsTarget, Target

DEFAULT_CONCURRENCY = 16
MAX_ATTEMPTS = 6  # per row, when throttled
BACKOFF_BASE_SECONDS = 0.2
BACKOFF_CAP_SECONDS = 5.0

Progress = Callable[[int, int, int], None]
RowCallback = Callable[[RowResult], None]
Sleep = Callable[[float, CancelCheck], None]


class Rotator(Protocol):
    def rotate(self, row: PlanRow, route: Route, cancelled: CancelCheck) -> Rotated: ...

    def close(self) -> None: ...


class RotationIncomplete(FnoxTuiError):
    """``output()`` before every value was re-encrypted."""


def make_rotator(
    plan: RotationPlan, target: Target, context: ProviderContext, *, old_arn: str | None = None
) -> Rotator:
    if plan.is_kms:
        if not isinstance(target, KmsTarget):
            raise TypeError("an aws-kms provider rotates to a KmsTarget")
        return KmsRotator(
            plan.definition,
            target,
            context,
            consent_decrypt=plan.consent_decrypt,
            old_arn=old_arn,
        )
    if not isinstance(target, AgeTarget):
        raise TypeError("an age provider rotates to an AgeTarget")
    return AgeRotator(plan.definition, target, context)


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


class Rotation:
    """Re-encrypts a plan's values. ``results`` holds a RowResult per plan row.

    ``context`` is the app's provider context (environment, request counters, references);
    the rotation uses a copy sized for ``concurrency`` connections. ``rotator`` and ``sleep``
    may be replaced in tests.
    """

    def __init__(
        self,
        plan: RotationPlan,
        target: Target,
        context: ProviderContext,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        journal: Journal | None = None,
        rotator: Rotator | None = None,
        sleep: Sleep = cancellable_sleep,
        old_arn: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.plan = plan
        self.target = target
        self.concurrency = max(1, concurrency)
        self.context = dataclasses.replace(
            context, max_workers=max(context.max_workers, self.concurrency)
        )
        self.journal = journal
        self.rotator = rotator or make_rotator(plan, target, self.context, old_arn=old_arn)
        self.limiter = AdaptiveLimiter(self.concurrency)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._rows = {row.key: row for row in plan.rows}
        self.results: dict[RowKey, RowResult] = {
            row.key: RowResult(row.key, RowStatus.PENDING) for row in plan.rows
        }
        self._tally = dict.fromkeys(RowStatus, 0)
        self._tally[RowStatus.PENDING] = len(self.results)

    # Results -----------------------------------------------------------------------------

    def restore(self, done: Mapping[RowKey, RowResult]) -> int:
        """Take rows finished in an earlier run (``Journal.reusable``); returns how many."""
        restored = 0
        for key, result in done.items():
            if key in self.results and result.done:
                self._set(result, None)
                restored += 1
        return restored

    def counts(self) -> tuple[int, int, int]:
        """(done, failed, total)."""
        with self._lock:
            return (
                self._tally[RowStatus.DONE],
                self._tally[RowStatus.FAILED],
                len(self.results),
            )

    @property
    def complete(self) -> bool:
        done, _, total = self.counts()
        return done == total

    def failed(self) -> list[RowResult]:
        return [r for r in self.results.values() if r.status is RowStatus.FAILED]

    def unverified(self) -> list[RowResult]:
        return [r for r in self.results.values() if r.done and not r.verified]

    def output(self) -> RotationOutput:
        """What the commit writes. Raises RotationIncomplete unless every row is done."""
        done, failed, total = self.counts()
        if done != total:
            raise RotationIncomplete(
                f"{total - done} of {total} values are not re-encrypted yet ({failed} failed): "
                "nothing can be written until every value is."
            )
        output = RotationOutput(
            provider=self.plan.provider,
            provider_fields=self.target.provider_fields(),
            files=dict(self.plan.files),
        )
        for row in self.plan.rows:
            result = self.results[row.key]
            assert result.new_ciphertext is not None
            output.values.setdefault(row.entry, {})[row.key.slot] = result.new_ciphertext
        return output

    # Running -----------------------------------------------------------------------------

    def run(
        self,
        keys: Iterable[RowKey] | None = None,
        *,
        cancel: threading.Event | CancelCheck | None = None,
        progress: Progress | None = None,
        on_row: RowCallback | None = None,
    ) -> RunSummary:
        """Re-encrypt ``keys`` (default: every row not done yet). Blocks until every selected
        row is done or failed, or until cancel; a cancelled row goes back to pending."""
        cancelled = as_check(cancel)
        if keys is None:
            selected = [row for row in self.plan.rows if not self.results[row.key].done]
        else:
            wanted = set(keys)
            selected = [row for row in self.plan.rows if row.key in wanted]
        started = self._clock()
        requests_before = self.context.stats.kms_requests
        # Every request makes objects that outlive a young collection; full collections would
        # then walk the whole heap (the app's workspace with it) every few seconds, with every
        # thread stopped for up to half a second. Young ones still run.
        with no_full_collections():
            if selected:
                workers = min(self.concurrency, len(selected))
                with ThreadPoolExecutor(workers, thread_name_prefix="fnox-rotate") as pool:
                    futures = [
                        pool.submit(self._row, row, cancelled, progress, on_row) for row in selected
                    ]
                    for future in futures:
                        future.result()
            if self.journal is not None:
                self.journal.flush()
        done, failed, total = self.counts()
        return RunSummary(
            done=done,
            failed=failed,
            pending=total - done - failed,
            total=total,
            cancelled=cancelled() and done < total,
            seconds=self._clock() - started,
            kms_requests=self.context.stats.kms_requests - requests_before,
        )

    def retry_failed(
        self,
        *,
        cancel: threading.Event | CancelCheck | None = None,
        progress: Progress | None = None,
        on_row: RowCallback | None = None,
    ) -> RunSummary:
        """Run the failed rows again, alone."""
        keys = [result.key for result in self.failed()]
        return self.run(keys, cancel=cancel, progress=progress, on_row=on_row)

    def close(self) -> None:
        self.rotator.close()

    def _set(self, result: RowResult, on_row: RowCallback | None) -> None:
        with self._lock:
            self._tally[self.results[result.key].status] -= 1
            self._tally[result.status] += 1
            self.results[result.key] = result
        if on_row is not None:
            on_row(result)

    def _row(
        self,
        row: PlanRow,
        cancelled: CancelCheck,
        progress: Progress | None,
        on_row: RowCallback | None,
    ) -> None:
        before = self.results[row.key]
        if cancelled() or not self.limiter.acquire(cancelled):
            return
        self._set(RowResult(row.key, RowStatus.WORKING, attempts=before.attempts), on_row)
        outcome = self._attempts(row, cancelled)  # releases the limiter slot
        if outcome is None:  # cancelled: back to where it was (pending, or failed)
            self._set(before, on_row)
            return
        self._set(outcome, on_row)
        if self.journal is not None and outcome.done:
            self.journal.record(row, outcome)
        if progress is not None:
            progress(*self.counts())

    def _attempts(self, row: PlanRow, cancelled: CancelCheck) -> RowResult | None:
        """Rotate one row, backing off while throttled; None when cancelled. Called holding a
        limiter slot, which it releases."""
        attempts = 0
        held = True
        try:
            while True:
                attempts += 1
                try:
                    rotated = self.rotator.rotate(row, self.plan.route_for(row), cancelled)
                except Cancelled:
                    return None
                except ProviderError as error:
                    if error.code != ErrorCode.THROTTLED or attempts >= MAX_ATTEMPTS:
                        return _failed(row, error, attempts)
                    self.limiter.throttled()
                    self.limiter.release()
                    held = False
                    self._sleep(backoff_seconds(attempts), cancelled)
                    if cancelled() or not self.limiter.acquire(cancelled):
                        return None
                    held = True
                    continue
                except Exception as error:  # never let one row's surprise stop the others
                    return _failed(row, _unexpected(row, error), attempts)
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


def _failed(row: PlanRow, error: ProviderError, attempts: int) -> RowResult:
    return RowResult(row.key, RowStatus.FAILED, error=error, attempts=attempts)


def _unexpected(row: PlanRow, error: Exception) -> ProviderError:
    """A failure no provider explained: its type only (its text might carry anything)."""
    return ProviderError(
        f"Re-encrypting {row.name} failed unexpectedly ({type(error).__name__}).",
        hint="Nothing was written; retry the row.",
    )
