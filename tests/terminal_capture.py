"""What a Textual app writes to the terminal, captured in a Pilot test, and what of it is foreign.

The headless driver Textual tests run with writes nothing (Textual skips drawing when the
driver is headless). :func:`recording_driver` makes a driver that reads no input, as the
headless one, but says it is a terminal, so every frame (and anything else the app writes, such
as an OSC 52 copy) is written to it and kept. Only public API: ``App.driver_class`` and
``run_test(headless=False)``.
"""

from __future__ import annotations

import re
import unicodedata

from textual.driver import Driver
from textual.drivers.headless_driver import HeadlessDriver

# What Textual itself writes while drawing: SGR styles, cursor moves and modes (synchronized
# output, cursor visibility), and the pointer shape (OSC 22, BEL-terminated).
_TEXTUAL_SEQUENCES = re.compile(
    r"\x1b\[[0-9;:]*m"  # SGR
    r"|\x1b\[[0-9]*(?:;[0-9]*)?[HABCDGK]"  # cursor position and moves, erase in line
    r"|\x1b\[\?[0-9]+[hl]"  # DEC private modes
    r"|\x1b\]22;[a-z-]+\x07"  # pointer shape
)


def recording_driver(sink: list[str]) -> type[Driver]:
    """A driver class that keeps everything the app writes in ``sink``."""

    class RecordingDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False  # so Textual draws every frame, as it would on a terminal

        def write(self, data: str) -> None:
            sink.append(data)

    return RecordingDriver


def foreign(output: str) -> list[str]:
    """Every control or invisible character the app wrote outside Textual's own sequences.

    Each is returned with a little context: an ESC that starts an OSC, DCS, APC or a CSI other
    than Textual's, a C1 control (the one-byte CSI and OSC), BEL, and Unicode format characters
    (bidi overrides, zero-width characters) and separators.
    """
    rest = _TEXTUAL_SEQUENCES.sub("", output)
    found = []
    for index, char in enumerate(rest):
        if char == "\n":
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            found.append(repr(rest[max(0, index - 8) : index + 16]))
    return found
