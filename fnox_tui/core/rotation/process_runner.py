"""Re-encrypting KMS values in a child process, so that the app's GIL stays free for its screen.

botocore spends 1-2 ms of CPU per request (HTTP parsing, signing, its event hooks, JSON);
2,000 requests in a few seconds on threads of the app's process keep its GIL so busy that a
key waits up to 200 ms. :class:`ProcessRunner` runs the very same :class:`ThreadRunner` in
``python -m fnox_tui.core.rotation.worker`` instead and only reads its answers: a result per
row, streamed as it ends.

Why a ``python -m`` child over pipes rather than ``multiprocessing``: ``fork`` is unsafe in a
process with threads (the app's, botocore's locks); ``spawn``/``forkserver`` re-import the
parent's ``__main__`` (the app's script, or pytest) and add helper processes; a plain child
imports only the engine, ends when its input closes (so it never outlives the app), and
its death is end-of-file on a pipe, with an exit status that says how it ended.

Promises kept from the in-process runner:

- the child inherits this process's environment (the credential chain, ``AWS_*``, proxies and
  CA bundle are botocore's, resolved there by the same code) and is handed the provider
  definition, the target and the context's ``environ``/``cwd`` explicitly;
- a cancel stops it between calls; rows it was working on go back to what they were, and
  should it not stop within ``cancel_grace`` seconds it is killed (nothing is written either
  way: the child never writes a file, the journal is the app's);
- the child dying fails every row it had not finished, with a sentence that says so; the
  next run (a retry) starts a new child;
- errors arrive as the providers explained them (``ProviderError``: message, hint, the IAM
  policy, the code), never as the child's exception texts, and plaintext never leaves it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import fnox_tui
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation.cancel import CancelCheck
from fnox_tui.core.rotation.frames import FrameError, read_frame, write_frame
from fnox_tui.core.rotation.plan import PlanRow
from fnox_tui.core.rotation.results import RowResult, RowStatus
from fnox_tui.core.rotation.runner import DEFAULT_CONCURRENCY, RowEvents, Work
from fnox_tui.core.rotation.targets import KmsTarget

WORKER_MODULE = "fnox_tui.core.rotation.worker"
WORKER_STOPPED = "worker-stopped"
CANCEL_GRACE_SECONDS = 5.0  # a cancelled child that has not stopped by then is killed
READY_SECONDS = 60.0  # warm_up waits this long for the child's client
EXIT_SECONDS = 3.0  # close(): time to exit on its own before it is killed
POLL_SECONDS = 0.05
WORKER_NICE = 5  # how much lower the worker's CPU priority is than the app's

_DIED = ("died",)

# Whether the walkthrough re-encrypts KMS values in a worker process. Tests whose AWS is moto's
# in-process mock set it False: a child process cannot see that mock.
WALKTHROUGH_ISOLATES = True


def worker_command(python: str = sys.executable, nice: int = WORKER_NICE) -> list[str]:
    """``python -P -m fnox_tui.core.rotation.worker --nice N``: ``-P`` keeps the working
    directory (the user's project) off the module path; the package comes from
    ``PYTHONPATH``. The worker lowers its CPU priority by ``nice``: where the cores are busy,
    the app's screen goes first and the rotation takes what is left."""
    return [python, "-P", "-m", WORKER_MODULE, "--nice", str(nice)]


def worker_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment, with the directory this ``fnox_tui`` was imported from
    first on ``PYTHONPATH``: the child runs the same code as the app."""
    env = dict(os.environ if environ is None else environ)
    root = str(Path(fnox_tui.__file__).resolve().parent.parent)
    paths = [root, *(p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != root)]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def stopped_error(
    returncode: int | None, *, started: bool, crash: str | None = None
) -> ProviderError:
    """Why a row failed when the worker process ended under it (or its run failed)."""
    if crash is not None:
        how = f"failed unexpectedly ({crash})"
    elif returncode is None:
        how = "stopped answering"
    elif returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        how = f"was stopped ({name})"
    else:
        how = f"exited (status {returncode})"
    where = "while re-encrypting this value" if started else "before this value"
    return ProviderError(
        f"The fnox-tui process that re-encrypts the values {how} {where}.",
        hint="Nothing was written. r retries the failed values in a new process.",
        code=WORKER_STOPPED,
    )


class _Child:
    """One worker process: frames to it, and a thread that queues its frames to us."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # never onto the app's terminal
            env=env,
            close_fds=True,
            start_new_session=True,  # the terminal's signals are the app's to handle
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin = self.process.stdin
        self._stdout = self.process.stdout
        self._lock = threading.Lock()
        self.frames: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.ready = threading.Event()
        self.gone = threading.Event()
        self._reader = threading.Thread(target=self._read, name="fnox-rotate-reader", daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return not self.gone.is_set() and self.process.poll() is None

    def send(self, *message: Any) -> bool:
        """False when the child can no longer be written to."""
        with self._lock:
            try:
                write_frame(self._stdin, message)
            except (OSError, ValueError):
                return False
        return True

    def _read(self) -> None:
        try:
            while True:
                message = read_frame(self._stdout)
                if message is None:
                    break
                if message[0] == "ready":
                    self.ready.set()
                elif message[0] == "batch" and isinstance(message[1], list):
                    for item in message[1]:
                        self.frames.put(item)
                else:
                    self.frames.put(message)
        except (FrameError, OSError, ValueError):
            pass  # a broken stream is a dead child to us
        finally:
            self.gone.set()
            self.frames.put(_DIED)

    def returncode(self, wait: float = 1.0) -> int | None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            return self.process.wait(wait)
        return None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.process.kill()

    def close(self, wait: float = EXIT_SECONDS) -> None:
        """Ask the child to exit; kill it if it has not after ``wait`` seconds. Returns at once
        (a daemon thread waits)."""
        self.send("exit")
        with self._lock, contextlib.suppress(OSError):
            self._stdin.close()

        def reap() -> None:
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                self.kill()
                self.process.wait()
            with contextlib.suppress(OSError):
                self._stdout.close()

        threading.Thread(target=reap, name="fnox-rotate-reaper", daemon=True).start()


class ProcessRunner:
    """A :class:`~fnox_tui.core.rotation.runner.Runner` whose rows run in a worker process."""

    def __init__(
        self,
        definition: ProviderDef,
        target: KmsTarget,
        context: ProviderContext,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        consent_decrypt: bool = False,
        old_arn: str | None = None,
        command: list[str] | None = None,
        cancel_grace: float = CANCEL_GRACE_SECONDS,
    ) -> None:
        self.definition = definition
        self.target = target
        self.context = context
        self.concurrency = max(1, concurrency)
        self.consent_decrypt = consent_decrypt
        self.old_arn = old_arn
        self.command = command or worker_command()
        self.cancel_grace = cancel_grace
        self._child: _Child | None = None
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The worker's process id while one runs (tests stop it)."""
        child = self._child
        return child.pid if child is not None and child.alive() else None

    def _ensure_child(self) -> _Child:
        with self._lock:
            child = self._child
            if child is not None and child.alive():
                return child
            if child is not None:
                child.close(0)
            try:
                child = _Child(self.command, worker_environment())
            except OSError as error:
                raise ProviderError(
                    f"fnox-tui could not start the process that re-encrypts the values "
                    f"({error.strerror or type(error).__name__}).",
                    hint="Nothing was written. Retry; if it fails again, report it.",
                    code=WORKER_STOPPED,
                ) from None
            child.send(
                "setup",
                self.definition,
                self.target,
                self.consent_decrypt,
                self.old_arn,
                self.concurrency,
                dict(self.context.environ),
                self.context.cwd,
                max(self.context.max_workers, self.concurrency),
            )
            self._child = child
            return child

    def warm_up(self) -> None:
        """Start the worker and let it build its AWS client (its imports and the client take a
        second of CPU, spent while the user reads the plan, and not under the app's GIL)."""
        child = self._ensure_child()
        deadline = time.monotonic() + READY_SECONDS
        while not child.ready.wait(POLL_SECONDS):
            if child.gone.is_set() or time.monotonic() > deadline:
                return  # the run will say what happened

    def execute(self, work: Work, cancelled: CancelCheck, events: RowEvents) -> int:
        rows: list[PlanRow] = [row for row, _ in work]
        if not rows:
            return 0
        child = self._ensure_child()
        started: set[int] = set()
        finished: set[int] = set()
        if not child.send("run", list(work), self.consent_decrypt):
            return self._lost(child, rows, events, started, finished, cancelled=cancelled())
        cancel_sent: float | None = None
        while True:
            if cancel_sent is None and cancelled():
                child.send("cancel")
                cancel_sent = time.monotonic()
            elif cancel_sent is not None and time.monotonic() - cancel_sent > self.cancel_grace:
                child.kill()
                return self._lost(child, rows, events, started, finished, cancelled=True)
            try:
                message = child.frames.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            kind = message[0]
            if kind == "started":
                started.add(message[1])
                events.started(rows[message[1]])
            elif kind == "finished":
                index, outcome = message[1], message[2]
                finished.add(index)
                events.finished(rows[index], _checked(rows[index], outcome))
            elif kind == "ended":
                _, requests, counts, throttles = message
                self.context.stats.merge(counts, throttles)
                return int(requests)
            else:  # "died", or "crashed" (the run failed in the child: it is ended too)
                crash = str(message[1]) if kind == "crashed" and len(message) > 1 else None
                return self._lost(
                    child,
                    rows,
                    events,
                    started,
                    finished,
                    cancelled=cancel_sent is not None,
                    crash=crash,
                )

    def _lost(
        self,
        child: _Child,
        rows: list[PlanRow],
        events: RowEvents,
        started: set[int],
        finished: set[int],
        *,
        cancelled: bool,
        crash: str | None = None,
    ) -> int:
        """The child died (or was killed, or its run failed: ``crash`` names the exception's
        type): rows it had not finished fail, or, after a cancel, go back to what they were."""
        child.kill()
        returncode = child.returncode()
        for index, row in enumerate(rows):
            if index in finished:
                continue
            if cancelled:
                if index in started:
                    events.finished(row, None)
                continue
            error = stopped_error(returncode, started=index in started, crash=crash)
            attempts = 1 if index in started else 0
            failed = RowResult(row.key, RowStatus.FAILED, error=error, attempts=attempts)
            events.finished(row, failed)
        return 0

    def close(self) -> None:
        with self._lock:
            child, self._child = self._child, None
        if child is not None:
            child.close()


def _checked(row: PlanRow, outcome: Any) -> RowResult | None:
    """The child's answer for ``row``, or a failure if it is not a result for that row."""
    if outcome is None:
        return None
    if isinstance(outcome, RowResult) and outcome.key == row.key:
        return outcome
    return RowResult(
        row.key,
        RowStatus.FAILED,
        error=ProviderError(
            "The process that re-encrypts the values answered something unexpected.",
            hint="Nothing was written; retry the row.",
            code=WORKER_STOPPED,
        ),
    )
