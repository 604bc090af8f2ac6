"""The rotation worker process: ``python -m fnox_tui.core.rotation.worker``.

The app starts it (see ``process_runner``) to re-encrypt KMS values, so that botocore's CPU
runs under this process's GIL and the app's screen keeps answering keys. It speaks frames
(``core.rotation.frames``) on its standard input and output, which it keeps for itself: file
descriptors 0, 1 and 2 are pointed at the null device at once, so nothing else can read the
app's messages (a credential prompt gets end-of-file) or write into them or onto the terminal.

The app sends, in order:

- ``("setup", definition, target, consent_decrypt, old_arn, concurrency, environ, cwd,
  max_workers)``:
  the provider definition and the context the app's registry has; the credential chain,
  region and endpoint are then resolved by the same code in the environment this process
  inherited. Answered with ``("ready",)`` once the AWS client is built.
- ``("run", [(row, route), ...], consent_decrypt)``: answered with ``("started", i)`` and
  ``("finished", i, RowResult | None)`` per row (``i`` its index in the list; None when the
  cancel stopped it), gathered in ``("batch", [message, ...])`` frames, then
  ``("ended", kms_requests, {counter: n}, throttles)``.
  Should the run itself fail, ``("crashed", type name)`` ends it instead.
- ``("cancel",)`` stops the run between calls; ``("exit",)`` or end-of-file ends the process.

Plaintext (the Decrypt+Encrypt fallback, and the verifying Decrypt) stays in this process's
memory: a row's result carries the new ciphertext and a sentence, never a value.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation.cancel import CancelCheck
from fnox_tui.core.rotation.frames import FrameError, read_frame, write_frame
from fnox_tui.core.rotation.kms import KmsRotator
from fnox_tui.core.rotation.plan import PlanRow, Route
from fnox_tui.core.rotation.results import RowResult
from fnox_tui.core.rotation.runner import ThreadRunner
from fnox_tui.core.rotation.targets import KmsTarget

EXIT_JOIN_SECONDS = 10.0
BATCH_SECONDS = 0.05  # row news reach the app at most this often (its table: every 0.1 s)


class _Writer:
    """Frames to the app, from any thread. ``post`` queues a row's news, sent as one
    ``("batch", [message, ...])`` frame at most every ``interval`` seconds: the app's threads
    then wake a few times a second, not for every row, and leave its GIL to the screen.
    ``send`` writes at once, after whatever was queued."""

    def __init__(self, stream: BinaryIO, interval: float = BATCH_SECONDS) -> None:
        self._stream = stream
        self._interval = interval
        self._lock = threading.Lock()
        self._pending: list[tuple[Any, ...]] = []
        self._wake = threading.Event()
        self._flusher = threading.Thread(target=self._flush_now_and_then, daemon=True)
        self._flusher.start()

    def post(self, *message: Any) -> None:
        with self._lock:
            self._pending.append(message)
        self._wake.set()

    def send(self, *message: Any) -> None:
        with self._lock:
            self._write_pending()
            write_frame(self._stream, message)

    def _write_pending(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            write_frame(self._stream, ("batch", batch))

    def _flush_now_and_then(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self._interval)  # let the rows finishing meanwhile join the batch
            self._wake.clear()
            try:
                with self._lock:
                    self._write_pending()
            except (OSError, ValueError):
                return  # the app is gone; the main loop sees end-of-file


class _Events:
    def __init__(self, writer: _Writer, work: list[tuple[PlanRow, Route]]) -> None:
        self._writer = writer
        self._index = {row.key: index for index, (row, _) in enumerate(work)}

    def started(self, row: PlanRow) -> None:
        self._writer.post("started", self._index[row.key])

    def finished(self, row: PlanRow, outcome: RowResult | None) -> None:
        self._writer.post("finished", self._index[row.key], _plain_error(outcome))


def _plain_error(outcome: RowResult | None) -> RowResult | None:
    """The result with its error as a plain ProviderError (its four sentences, its code): any
    subclass pickles, and nothing else of the exception (cause, traceback) goes along."""
    if outcome is None or outcome.error is None:
        return outcome
    error = outcome.error
    plain = ProviderError(error.message, error.hint, error.detail, str(error.code or ""))
    return dataclasses.replace(outcome, error=plain)


class Worker:
    """The loop of the worker process, reading ``source`` and answering on ``writer``."""

    def __init__(self, source: BinaryIO, writer: _Writer) -> None:
        self._source = source
        self._writer = writer
        self._runner: ThreadRunner | None = None
        self._cancel = threading.Event()
        self._run: threading.Thread | None = None

    def serve(self) -> None:
        try:
            while True:
                try:
                    message = read_frame(self._source)
                except FrameError:
                    break
                if message is None or message[0] == "exit":
                    break
                self._handle(message)
        finally:
            self._cancel.set()
            if self._run is not None:
                self._run.join(EXIT_JOIN_SECONDS)
            if self._runner is not None:
                self._runner.close()

    def _handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "setup":
            self._setup(*message[1:])
        elif kind == "run":
            self._start(*message[1:])
        elif kind == "cancel":
            self._cancel.set()

    def _setup(
        self,
        definition: ProviderDef,
        target: KmsTarget,
        consent_decrypt: bool,
        old_arn: str | None,
        concurrency: int,
        environ: dict[str, str],
        cwd: Path,
        max_workers: int = 8,
    ) -> None:
        context = ProviderContext(
            environ=environ, cwd=cwd, max_workers=max(max_workers, concurrency)
        )
        rotator = KmsRotator(
            definition, target, context, consent_decrypt=consent_decrypt, old_arn=old_arn
        )
        self._runner = ThreadRunner(rotator, context, concurrency=concurrency)
        with contextlib.suppress(ProviderError):  # each row will say why, as in the app
            self._runner.warm_up()
        self._writer.send("ready")

    def _start(self, work: list[tuple[PlanRow, Route]], consent_decrypt: bool) -> None:
        runner = self._runner
        if runner is None or (self._run is not None and self._run.is_alive()):
            self._writer.send("ended", 0, {}, 0)  # out of order: nothing ran
            return
        runner.consent_decrypt = consent_decrypt
        self._cancel = cancel = threading.Event()
        self._run = threading.Thread(
            target=self._execute, args=(runner, work, cancel.is_set), name="fnox-rotate-run"
        )
        self._run.start()

    def _execute(
        self, runner: ThreadRunner, work: list[tuple[PlanRow, Route]], cancelled: CancelCheck
    ) -> None:
        stats = runner.context.stats
        counts, throttles = stats.snapshot(), stats.throttles
        try:
            requests = runner.execute(work, cancelled, _Events(self._writer, work))
        except Exception as error:  # the app marks the rows it was not told about as failed
            self._writer.send("crashed", type(error).__name__)
            return
        after = stats.snapshot()
        delta = {name: after[name] - counts.get(name, 0) for name in after}
        self._writer.send(
            "ended", requests, {k: v for k, v in delta.items() if v}, stats.throttles - throttles
        )


def _take_standard_streams() -> tuple[BinaryIO, BinaryIO]:
    """The pipes from and to the app, with fds 0-2 pointed at the null device."""
    source = os.fdopen(os.dup(0), "rb")
    sink = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return source, sink


def _lower_priority(argv: list[str]) -> None:
    """``--nice N``: be N steps less urgent than the app (Unix only; best effort)."""
    if "--nice" in argv and hasattr(os, "nice"):
        with contextlib.suppress(ValueError, IndexError, OSError):
            os.nice(max(0, int(argv[argv.index("--nice") + 1])))


def main() -> int:
    _lower_priority(sys.argv)
    source, sink = _take_standard_streams()
    try:
        Worker(source, _Writer(sink)).serve()
    except (BrokenPipeError, OSError):
        return 1  # the app is gone
    return 0


if __name__ == "__main__":
    sys.exit(main())
