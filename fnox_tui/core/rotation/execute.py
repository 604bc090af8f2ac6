"""Running a rotation plan: bounded, adaptive concurrency, cancellation, a result per value.

Typical use (the walkthrough runs ``run`` in a worker thread)::

    rotation = Rotation(plan, KmsTarget(key_id, arn), registry.context, journal=journal)
    summary = rotation.run(cancel=event, progress=on_progress, on_row=on_row)
    if not summary.complete:
        summary = rotation.retry_failed(cancel=event, progress=on_progress)
    output = rotation.output()  # -> the commit step

The Rotation keeps the results, the counts and the journal; a runner (``core.rotation.runner``)
does the work: in this process on threads (the default), or in a child process
(``core.rotation.process_runner``, what the walkthrough uses for KMS keys).
``progress(done, failed, total)`` and ``on_row(result)`` are called from worker threads.
Nothing here writes a configuration file; the journal (if given) records finished rows.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.gcpause import no_full_collections
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation.age import AgeRotator
from fnox_tui.core.rotation.cancel import CancelCheck, as_check
from fnox_tui.core.rotation.journal import Journal
from fnox_tui.core.rotation.kms import KmsRotator
from fnox_tui.core.rotation.limiter import AdaptiveLimiter
from fnox_tui.core.rotation.plan import PlanRow, RotationPlan, RowKey
from fnox_tui.core.rotation.results import RotationOutput, RowResult, RowStatus, RunSummary
from fnox_tui.core.rotation.runner import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_CAP_SECONDS,
    DEFAULT_CONCURRENCY,
    MAX_ATTEMPTS,
    Rotator,
    Runner,
    Sleep,
    ThreadRunner,
    backoff_seconds,
    cancellable_sleep,
)
from fnox_tui.core.rotation.targets import AgeTarget, KmsTarget, Target

__all__ = [
    "BACKOFF_BASE_SECONDS",
    "BACKOFF_CAP_SECONDS",
    "DEFAULT_CONCURRENCY",
    "MAX_ATTEMPTS",
    "Rotation",
    "RotationIncomplete",
    "Rotator",
    "backoff_seconds",
    "cancellable_sleep",
    "make_rotator",
]

Progress = Callable[[int, int, int], None]
RowCallback = Callable[[RowResult], None]


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


class Rotation:
    """Re-encrypts a plan's values. ``results`` holds a RowResult per plan row.

    ``context`` is the app's provider context (environment, request counters, references);
    the rotation uses a copy sized for ``concurrency`` connections. ``runner`` does the work
    (default: a :class:`ThreadRunner` in this process over ``rotator``, made from the plan
    when not given); ``rotator`` and ``sleep`` may be replaced in tests.
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
        runner: Runner | None = None,
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
        if runner is None:
            runner = ThreadRunner(
                rotator or make_rotator(plan, target, self.context, old_arn=old_arn),
                self.context,
                concurrency=self.concurrency,
                sleep=sleep,
            )
        self.runner = runner
        self._clock = clock
        self._lock = threading.Lock()
        self._rows = {row.key: row for row in plan.rows}
        self.results: dict[RowKey, RowResult] = {
            row.key: RowResult(row.key, RowStatus.PENDING) for row in plan.rows
        }
        self._tally = dict.fromkeys(RowStatus, 0)
        self._tally[RowStatus.PENDING] = len(self.results)

    @property
    def rotator(self) -> Rotator:
        """The in-process runner's rotator (tests reach its AWS client through it)."""
        assert isinstance(self.runner, ThreadRunner), "only an in-process runner has a rotator"
        return self.runner.rotator

    @property
    def limiter(self) -> AdaptiveLimiter:
        assert isinstance(self.runner, ThreadRunner), "only an in-process runner has a limiter"
        return self.runner.limiter

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
        before = {row.key: self.results[row.key] for row in selected}
        events = _RunEvents(self, before, progress, on_row)
        work = [(row, self.plan.route_for(row)) for row in selected]
        # Every result makes objects that outlive a young collection; full collections would
        # then walk the whole heap (the app's workspace and screens with it) every few seconds
        # with every thread stopped: a key would wait. Young ones still run.
        with no_full_collections():
            requests = self.runner.execute(work, cancelled, events) if work else 0
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
            kms_requests=requests,
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
        self.runner.close()

    def _set(self, result: RowResult, on_row: RowCallback | None) -> None:
        with self._lock:
            self._tally[self.results[result.key].status] -= 1
            self._tally[result.status] += 1
            self.results[result.key] = result
        if on_row is not None:
            on_row(result)


class _RunEvents:
    """What a runner tells during one ``Rotation.run``, turned into results, the journal,
    progress and ``on_row``."""

    def __init__(
        self,
        rotation: Rotation,
        before: dict[RowKey, RowResult],
        progress: Progress | None,
        on_row: RowCallback | None,
    ) -> None:
        self._rotation = rotation
        self._before = before
        self._progress = progress
        self._on_row = on_row

    def started(self, row: PlanRow) -> None:
        attempts = self._before[row.key].attempts
        self._rotation._set(RowResult(row.key, RowStatus.WORKING, attempts=attempts), self._on_row)

    def finished(self, row: PlanRow, outcome: RowResult | None) -> None:
        rotation = self._rotation
        if outcome is None:  # cancelled: back to where it was (pending, or failed)
            rotation._set(self._before[row.key], self._on_row)
            return
        rotation._set(outcome, self._on_row)
        if rotation.journal is not None and outcome.done:
            rotation.journal.record(row, outcome)
        if self._progress is not None:
            self._progress(*rotation.counts())
