"""Run ``fnox-tui`` as a user would: a subprocess on a pseudo-terminal, driven by key bytes.

``PtyApp`` starts ``python -m fnox_tui`` (from this checkout) with a pty as its terminal,
collects everything it writes in a background thread and offers bounded waits: for a text on
the screen, for the process to end. Every wait has a deadline; none is a fixed pause.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Textual writes these when it leaves the alternate screen (and before, when it starts).
ALT_SCREEN_ON = b"\x1b[?1049h"
ALT_SCREEN_OFF = b"\x1b[?1049l"
MOUSE_ON = b"\x1b[?1000h"
MOUSE_OFF = b"\x1b[?1000l"
_OSC52 = re.compile(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")


class PtyApp:
    """One ``fnox-tui`` process on its own pseudo-terminal. Use as a context manager."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        size: tuple[int, int] = (120, 36),
    ) -> None:
        master, slave = pty.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT),
            "TEXTUAL_ANIMATIONS": "none",
            **env,
        }
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fnox_tui", *args],
            cwd=cwd,
            env=environment,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,  # the pty becomes its controlling terminal
            close_fds=True,
        )
        os.close(slave)
        self._master = master
        self._output = bytearray()
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- output --------------------------------------------------------------------------

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                chunk = b""
            with self._lock:
                if not chunk:
                    self._closed = True
                    self._lock.notify_all()
                    return
                self._output += chunk
                self._lock.notify_all()

    _closed = False

    @property
    def output(self) -> bytes:
        with self._lock:
            return bytes(self._output)

    def text(self) -> str:
        """The output with escape sequences removed, for looking for words."""
        raw = self.output.decode("utf-8", "replace")
        return re.sub(r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)", "", raw)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    return condition()
                self._lock.wait(min(left, 0.1))
        return True

    def wait_for_text(self, text: str, timeout: float = 30.0) -> bool:
        return self.wait_for(lambda: text in self._plain(), timeout)

    def _plain(self) -> str:
        raw = bytes(self._output).decode("utf-8", "replace")
        raw = re.sub(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]", "", raw)
        return raw

    def osc52_payloads(self) -> list[str]:
        return [match.decode("ascii") for match in _OSC52.findall(self.output)]

    # -- input and the process -----------------------------------------------------------

    def send(self, keys: str | bytes) -> None:
        os.write(self._master, keys.encode() if isinstance(keys, str) else keys)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait_exit(self, timeout: float) -> int | None:
        """The exit status, or None if the process still runs after ``timeout`` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def wait_output_end(self, timeout: float = 10.0) -> bool:
        """Wait until everything the process wrote has been read (the terminal closed)."""
        return self.wait_for(lambda: self._closed, timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        os.close(self._master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
