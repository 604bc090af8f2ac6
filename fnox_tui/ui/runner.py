"""Running the app so that every way out leaves the terminal and the clipboard clean.

``run_app`` runs the app on an event loop of its own rather than through ``asyncio.run``,
whose shutdown waits for every worker thread: a KMS call to an endpoint that never answers, or
a read that never returns, would keep the process alive long after ``q``. What happens to such
threads afterwards is the caller's business (the command line ends the process).

While the app runs, SIGTERM, SIGHUP and SIGINT ask it to exit the ordinary way: values
forgotten, a copied value cleared from the clipboard, terminal restored by Textual. If it has
not exited ``GRACE_SECONDS`` later (or a second signal comes) the terminal is restored and the
clipboard cleared directly, and the process ends. An OSC 52 clear after the driver is gone
goes straight to the terminal (see ``terminal_restore``); an ``atexit`` hook does the same
clean-up for any exit Python runs while the app is still up.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from fnox_tui.ui.terminal_restore import TerminalModes, write_to_terminal

if TYPE_CHECKING:
    from fnox_tui.ui.app import FnoxTuiApp

GRACE_SECONDS = 2.0
HANDLED_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def signal_status(signum: int) -> int:
    """The shell's exit status for a process ended by ``signum``."""
    return 128 + signum


class ExitGuard:
    """Signal handlers and an ``atexit`` hook for the time ``app`` runs on ``loop``."""

    def __init__(
        self,
        app: FnoxTuiApp,
        loop: asyncio.AbstractEventLoop,
        *,
        grace: float = GRACE_SECONDS,
        end_process: Callable[[int], None] = os._exit,
    ) -> None:
        self.app = app
        self.loop = loop
        self.grace = grace
        self.signum: int | None = None
        self._end_process = end_process
        self._terminal = TerminalModes()
        self._previous: dict[int, Any] = {}
        self._finished = threading.Event()
        self._cleaned = threading.Lock()
        self._timer: threading.Timer | None = None

    # -- installing ----------------------------------------------------------------------

    def install(self) -> None:
        atexit.register(self._at_exit)
        if threading.current_thread() is not threading.main_thread():
            return
        for name in HANDLED_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            with contextlib.suppress(OSError, ValueError):
                self._previous[signum] = signal.signal(signum, self._on_signal)

    def uninstall(self) -> None:
        self._finished.set()
        if self._timer is not None:
            self._timer.cancel()
        atexit.unregister(self._at_exit)
        previous, self._previous = self._previous, {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum, handler in previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(signum, handler)

    # -- the signal paths ----------------------------------------------------------------

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:  # a second signal: no more waiting
            self.hard_exit()
            return
        self.signum = signum
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to ask
            self.loop.call_soon_threadsafe(self._ask_app_to_exit, signum)
        timer = threading.Timer(self.grace, self.hard_exit)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _ask_app_to_exit(self, signum: int) -> None:
        self.app.shut_down(signal_status(signum))

    def hard_exit(self) -> None:
        """The app did not exit in time: clean up around it and end the process."""
        if self._finished.is_set():
            return
        self._clean_up_directly()
        signum = self.signum if self.signum is not None else signal.SIGTERM
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        self._end_process(signal_status(signum))

    def _at_exit(self) -> None:
        if not self._finished.is_set():
            self._clean_up_directly()

    def _clean_up_directly(self) -> None:
        """Clipboard cleared and terminal restored without Textual (whose driver may be
        stuck or gone). Runs once."""
        if not self._cleaned.acquire(blocking=False):
            return
        with contextlib.suppress(Exception):
            clear_clipboard_directly(self.app)
        with contextlib.suppress(Exception):
            self.app.values.clear()
        self._terminal.restore()


def clear_clipboard_directly(app: FnoxTuiApp) -> None:
    """Clear what we copied, sending any OSC 52 clear straight to the terminal."""
    app.clip.osc52_writer = write_to_terminal
    app.clip.clear_now_if_ours()


def run_app(app: FnoxTuiApp) -> int:
    """Run ``app`` in the terminal; its exit status (128 + N when signal N ended it)."""
    loop = asyncio.new_event_loop()
    guard = ExitGuard(app, loop)
    guard.install()
    try:
        result = app.run(loop=loop)
    finally:
        guard.uninstall()
        # Normally done on quit while the driver was there; if not, straight to the terminal.
        clear_clipboard_directly(app)
        _close_without_waiting(loop)
    if guard.signum is not None:
        return signal_status(guard.signum)
    return result or 0


def _close_without_waiting(loop: asyncio.AbstractEventLoop) -> None:
    """Close the loop; its executor's threads are told to stop but not waited for."""
    with contextlib.suppress(Exception):
        loop.run_until_complete(loop.shutdown_asyncgens())
    with contextlib.suppress(Exception):
        loop.close()
    asyncio.set_event_loop(None)
