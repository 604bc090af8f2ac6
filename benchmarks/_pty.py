"""Run a program in a pseudo-terminal and time what appears on its screen, as a user sees it.

``PtyRun`` starts the program with a new pty as its controlling terminal (stdin, stdout and
stderr), of a given size, and notes ``time.monotonic()`` just before it starts. ``wait_for``
reads everything the program writes (the terminal is always drained, so the program never
blocks on a full pty) until a piece of text has been written: the time from the start to then
is when that text reached the screen. Text is looked for in what was written, escape sequences
included, so it must be written in one piece (a name drawn in one style is).

    with PtyRun([sys.executable, "-m", "fnox_tui"], cwd=DIR, env=ENV) as run:
        seconds = run.wait_for(b"API_TOKEN")
        run.send(b"V")
        seconds = run.wait_for(b"500 revealed")
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

# Kept from what was written, for needles that straddle two reads and for error messages.
TAIL = 1 << 16


class ScreenTimeout(TimeoutError):
    pass


def _controlling_terminal() -> None:
    """In the child: a session of its own with the pty (its stdin) as controlling terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyRun:
    def __init__(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        size: tuple[int, int] = (120, 36),
    ) -> None:
        columns, rows = size
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = {**env, "TERM": env.get("TERM", "xterm-256color")}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(slave)
        self.tail = b""
        self.written = 0  # bytes read from the program so far
        self.exited_at: float | None = None

    def read(self, timeout: float) -> bool:
        """Read what the program wrote within ``timeout``; False once it has closed the pty."""
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:  # EIO: every process holding the pty has exited
            chunk = b""
        if not chunk:
            if self.exited_at is None:
                self.exited_at = time.monotonic()
            return False
        self.written += len(chunk)
        self.tail = (self.tail + chunk)[-TAIL:]
        return True

    def wait_for(self, needle: bytes, timeout: float = 120.0, since: float | None = None) -> float:
        """Seconds from ``since`` (default: the start) until ``needle`` has been written.

        Only what is written from now on counts (call it before the action that draws the
        text, or make sure the text is new).
        """
        start = self.started if since is None else since
        deadline = time.monotonic() + timeout
        self.tail = b""
        while needle not in self.tail:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScreenTimeout(f"{needle!r} not on screen after {timeout} s: {self.screen()}")
            if not self.read(min(remaining, 0.5)):
                raise ScreenTimeout(f"the program exited before {needle!r}: {self.screen()}")
        return time.monotonic() - start

    def wait_exit(self, timeout: float = 120.0) -> tuple[int, float]:
        """Drain the pty until the program exits: its status and seconds from the start."""
        deadline = time.monotonic() + timeout
        while self.read(max(0.0, min(deadline - time.monotonic(), 0.5))):
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"still running after {timeout} s")
        status = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        ended = self.exited_at or time.monotonic()
        return status, ended - self.started

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the program has used so far, its threads included (Linux:
        /proc, in clock ticks): less disturbed by other load on the machine than wall time."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def drain(self, seconds: float) -> None:
        """Keep reading for ``seconds`` (the program goes on drawing meanwhile)."""
        until = time.monotonic() + seconds
        while time.monotonic() < until and self.read(until - time.monotonic()):
            pass

    def screen(self) -> str:
        """The end of what was written, printable, for error messages."""
        return self.tail[-600:].decode("utf-8", "replace").encode("unicode_escape").decode()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)

    def __enter__(self) -> PtyRun:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
