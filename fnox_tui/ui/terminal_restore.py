"""Putting the terminal back when Textual cannot: after a signal, or once its driver is gone.

Textual restores the terminal when the app exits the ordinary way. When it does not get the
chance (the app is stuck when SIGTERM comes) these functions write straight to the terminal
Textual drew on (its output is ``sys.__stderr__``; else ``/dev/tty``): the terminal modes saved
before the app started, mouse reporting and the other modes off, the alternate screen left (so
whatever was drawn there, a revealed value included, is gone) and the cursor shown. They are
also how an OSC 52 clipboard clear still reaches the terminal after the driver has stopped.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

try:
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

# What Textual's LinuxDriver switches on, switched off, then the main screen back.
RESTORE_SEQUENCE = "".join(
    [
        "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l",  # mouse reporting off
        "\x1b[?2004l",  # bracketed paste off
        "\x1b[?1004l",  # focus in/out reports off
        "\x1b[<u",  # kitty keyboard protocol off
        "\x1b[0m",  # colours and styles reset
        "\x1b[?1049l",  # leave the alternate screen: what was drawn there is gone
        "\x1b[?25h",  # cursor shown
        "\x1b[?7h",  # line wrap on
    ]
)


def _write_all(descriptor: int, data: bytes) -> None:
    while data:
        written = os.write(descriptor, data)
        data = data[written:]


def write_to_terminal(text: str) -> bool:
    """Write ``text`` to the terminal directly; False when there is no terminal to write to."""
    data = text.encode("utf-8")
    stream = sys.__stderr__
    with contextlib.suppress(OSError, ValueError, AttributeError):
        descriptor = stream.fileno()  # type: ignore[union-attr]
        if os.isatty(descriptor):
            _write_all(descriptor, data)
            return True
    try:
        descriptor = os.open("/dev/tty", os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return False
    try:
        _write_all(descriptor, data)
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)


class TerminalModes:
    """The terminal's modes (termios) before the app started, to put back on a hard exit."""

    def __init__(self) -> None:
        self._descriptor: int | None = None
        self._attributes: Any = None
        if termios is None:
            return
        with contextlib.suppress(OSError, ValueError, AttributeError, termios.error):
            descriptor = sys.__stdin__.fileno()  # type: ignore[union-attr]
            if os.isatty(descriptor):
                self._attributes = termios.tcgetattr(descriptor)
                self._descriptor = descriptor

    def restore(self) -> None:
        """The saved modes back, and the screen and input modes Textual changed reset."""
        if termios is not None and self._descriptor is not None:
            with contextlib.suppress(OSError, termios.error):
                termios.tcsetattr(self._descriptor, termios.TCSANOW, self._attributes)
        write_to_terminal(RESTORE_SEQUENCE)
