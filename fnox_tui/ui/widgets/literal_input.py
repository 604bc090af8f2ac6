"""Input fields that never send what they hold to the terminal raw.

A description, default or reference read from a file (or a value pasted in) can hold escape
sequences and invisible format characters. The field keeps the text exactly (a save writes it
back unchanged), but draws each such character as one visible symbol (the control pictures of
:func:`fnox_tui.ui.text.visible`, else ``�``), one character for one, so the cursor stays in
step with the text.
"""

from __future__ import annotations

from rich.highlighter import Highlighter
from rich.text import Text
from textual.widgets import Input

from fnox_tui.ui.text import visible

REPLACEMENT = "\ufffd"


def one_cell(text: str) -> str:
    """``text`` with every character :func:`visible` would change as one symbol."""
    if visible(text) == text and "\r" not in text:
        return text
    shown = []
    for char in text:
        symbol = visible(char) if char != "\r" else "␍"
        shown.append(symbol if len(symbol) == 1 else REPLACEMENT)
    return "".join(shown)


class LiteralHighlighter(Highlighter):
    """Draws the text of an Input through :func:`one_cell` (the text itself is unchanged)."""

    def __call__(self, text: str | Text) -> Text:  # type: ignore[override]
        plain = text.plain if isinstance(text, Text) else text
        shown = one_cell(plain)
        if isinstance(text, Text) and shown == plain:
            return text.copy()
        return Text(shown, no_wrap=True, overflow="ignore", end="")

    def highlight(self, text: Text) -> None:
        """Nothing to style: what is shown is decided in ``__call__``."""


class LiteralInput(Input):
    """An Input that shows control and format characters as symbols (see the module)."""

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        kwargs.setdefault("highlighter", LiteralHighlighter())
        super().__init__(value, **kwargs)  # type: ignore[arg-type]
