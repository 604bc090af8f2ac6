"""The review before a save: per file, the lines that will change; enter writes, esc goes back.

The lines come from :func:`fnox_tui.core.review.review_file`: ciphertexts shortened, the values
of ``plain`` secrets (stored as they are) replaced by ``•••``. They are text from a file, so
they reach the screen through :func:`~fnox_tui.ui.text.literal`, never as markup. The screen
only answers: True (write) or False (back); the save itself runs on the app.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from fnox_tui.core.review import DiffLine, FileReview
from fnox_tui.ui.text import literal

_STYLES = {
    "hunk": "cyan",
    "context": "dim",
    "removed": "red",
    "added": "green",
    "note": "italic yellow",
}


@dataclass(frozen=True, slots=True)
class ReviewedFile:
    """One file of the review: how to name it, its diff, and whether the save creates it."""

    shown_path: str
    review: FileReview
    created: bool = False


def file_text(item: ReviewedFile) -> Text:
    """A file's header and diff lines, as shown (also used by tests)."""
    review = item.review
    text = Text.assemble(literal(item.shown_path, style="bold"))
    if item.created:
        text.append("  new file", style="bold magenta")
    text.append(f"  +{review.added} -{review.removed}\n", style="dim")
    for line in review.lines:
        if line.kind == "header":
            continue  # the path is in the title above, relative to the project
        text.append_text(_line(line))
        text.append("\n")
    text.rstrip()
    return text


def _line(line: DiffLine) -> Text:
    prefix = line.prefix if line.kind in ("removed", "added", "context") else ""
    return literal(prefix + line.text, style=_STYLES.get(line.kind, ""))


class ReviewScreen(ModalScreen[bool]):
    """The staged changes as they will be written. Dismissed with True to write."""

    AUTO_FOCUS = "#review-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "write", "Write"),
        Binding("escape", "back", "Back"),
        Binding("j", "scroll_down", show=False),
        Binding("k", "scroll_up", show=False),
    ]

    def __init__(
        self,
        files: Sequence[ReviewedFile],
        *,
        title: str = "Review before saving",
        notes: Sequence[str] = (),
        on_write: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        self.on_write = on_write  # called at once on enter, before the screen closes
        self.files = tuple(files)
        self.title_text = title
        self.notes = tuple(notes)

    def compose(self) -> ComposeResult:
        changed = sum(1 for item in self.files if not item.created)
        created = len(self.files) - changed
        parts = [f"{changed} file(s) change"] if changed else []
        if created:
            parts.append(f"{created} new file(s)")
        with Vertical(id="review-dialog", classes="dialog"):
            yield Static(
                Text.assemble(
                    Text(self.title_text, style="bold"), Text("  " + ", ".join(parts), style="dim")
                ),
                classes="dialog-title",
            )
            for note in self.notes:
                yield Static(literal(note, style="yellow"), classes="review-note")
            with VerticalScroll(id="review-body"):
                for item in self.files:
                    yield Static(file_text(item), classes="review-file")
            yield Static(
                Text(
                    "Ciphertexts are shortened; plain values are hidden (•••). "
                    "Only these lines change.",
                    style="dim",
                ),
                classes="dialog-hint",
            )
            # One line of compact buttons, as in every question: at 80x24 the diff keeps the room.
            with Horizontal(classes="form-buttons"):
                yield _unfocusable(
                    Button("Write (enter)", id="write", variant="primary", compact=True)
                )
                yield _unfocusable(Button("Back (esc)", id="back", compact=True))

    @on(Button.Pressed, "#write")
    def action_write(self) -> None:
        if self.on_write is not None:
            on_write, self.on_write = self.on_write, None  # once: a second enter does nothing
            on_write()
        self.dismiss(True)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(False)

    def action_scroll_down(self) -> None:
        self.query_one("#review-body", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        self.query_one("#review-body", VerticalScroll).scroll_up(animate=False)


def _unfocusable(button: Button) -> Button:
    """A button for the mouse: enter keeps meaning "write", whatever was clicked before."""
    button.can_focus = False
    return button
