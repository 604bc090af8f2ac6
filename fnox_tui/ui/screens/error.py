"""The screen shown when a file cannot be loaded: where, what the parser said, and `r`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from fnox_tui.core.errors import ConfigSyntaxError, FnoxTuiError
from fnox_tui.ui.text import literal, visible
from fnox_tui.ui.widgets.title_bar import TitleBar


def error_text(error: FnoxTuiError, cwd: Path | None = None) -> Text:
    if isinstance(error, ConfigSyntaxError):
        path = error.path
        if cwd is not None and path.is_relative_to(cwd):
            path = path.relative_to(cwd)
        text = Text.assemble(
            Text("Cannot load ", style="bold"),
            literal(str(path), style="bold cyan"),
            "\n\n",
            Text(f"line {error.line}, column {error.column}: ", style="bold"),
            literal(error.reason, style="red"),
            "\n",
        )
        excerpt = _excerpt(error)
        if excerpt:
            text.append("\n")
            text.append_text(excerpt)
        return text
    return Text.assemble(
        Text("Cannot load the configuration\n\n", style="bold"), visible(str(error))
    )


WHOLE_LINE = 500  # an offending line up to this long is shown whole (it wraps)
EXCERPT_WIDTH = 100  # characters of a longer line shown around the column


def _excerpt(error: ConfigSyntaxError) -> Text | None:
    """The offending line with a caret under the column (TOML syntax only, no values).

    A long line (a string of megabytes, thousands of brackets) is cut to the part around the
    column; one that fits in a few screen lines is shown whole. A byte order mark at the
    start is not part of line 1, as for the parser.
    """
    try:
        text = error.path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return None
    if not 1 <= error.line <= text.count("\n") + 1:
        return None
    start = 0
    for _ in range(error.line - 1):
        start = text.index("\n", start) + 1
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end].removesuffix("\r")
    del text
    column = max(error.column - 1, 0)
    width = len(line) if len(line) <= WHOLE_LINE else EXCERPT_WIDTH
    first = max(0, min(column - width // 2, len(line) - width))
    shown = line[first : first + width]
    before = "…" if first > 0 else ""
    after = "…" if first + width < len(line) else ""
    number = f"{error.line} │ "
    caret = " " * (len(number) + len(before) + column - first) + "^"
    return Text.assemble(
        Text(number, style="dim"),
        before,
        visible(shown),
        after,
        "\n",
        Text(caret, style="bold red"),
    )


class ErrorScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.reload", "Retry"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, error: FnoxTuiError, cwd: Path | None = None) -> None:
        super().__init__()
        self.error = error
        self.cwd = cwd

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="error-box"):
            yield Static(error_text(self.error, self.cwd), id="error-message")
            yield Static(
                Text("Fix the file, then press r to load it again, or q to quit.", style="dim"),
                id="error-hint",
            )
        yield Footer()
