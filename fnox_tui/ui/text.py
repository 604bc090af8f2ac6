"""Text from files and providers made safe to put on a terminal.

Names, descriptions and decrypted values can hold any character, including escape sequences
that a terminal would obey (clear the screen, set the clipboard with OSC 52, retitle the
window). Every such string goes through :func:`visible` before it is drawn: control characters
are shown as symbols instead.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline


def _symbol(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟: Unicode's control pictures
    if code == 0x7F:
        return "␡"
    return f"\\x{code:02x}"


def visible(text: str) -> str:
    """``text`` with control characters (but newline and tab) shown as symbols."""
    text = text.replace("\r\n", "\n")
    return _CONTROL.sub(_symbol, text) if _CONTROL.search(text) else text


def one_line(text: str, width: int) -> str:
    """A single display line: newlines and tabs shown as symbols, long text cut with …."""
    flat = visible(text).replace("\n", "⏎").replace("\t", "⇥")
    return flat if len(flat) <= width else flat[: width - 1] + "…"
