"""The screen shown when a file cannot be loaded: where, what the parser said, and `r`."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from fnox_tui.core.errors import ConfigSyntaxError, FnoxTuiError
from fnox_tui.ui.text import literal, visible


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


def _excerpt(error: ConfigSyntaxError) -> Text | None:
    """The offending line with a caret under the column (TOML syntax only, no values)."""
    try:
        lines = error.path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return None
    if not 1 <= error.line <= len(lines):
        return None
    number = f"{error.line} │ "
    line = lines[error.line - 1]
    caret = " " * (len(number) + max(error.column - 1, 0)) + "^"
    return Text.assemble(
        Text(number, style="dim"), visible(line), "\n", Text(caret, style="bold red")
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
        yield Header()
        with Vertical(id="error-box"):
            yield Static(error_text(self.error, self.cwd), id="error-message")
            yield Static(
                Text("Fix the file, then press r to load it again, or q to quit.", style="dim"),
                id="error-hint",
            )
        yield Footer()
