"""A small modal question with a few answers, each on a key and a button.

``ChoiceDialog(title, lines, [Choice("s", "Save", "save"), ...], cancel="stay")`` dismisses
with the chosen answer's value; esc answers ``cancel``. The lines can name files and
secrets, so they are drawn literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from fnox_tui.ui.text import literal


@dataclass(frozen=True, slots=True)
class Choice:
    key: str  # the key that chooses it (a letter)
    label: str
    value: str
    variant: str = "default"  # a Button variant: "primary", "error", ...


class ChoiceDialog(ModalScreen[str]):
    """Ask a question; dismissed with the value of the answer chosen (``cancel`` on esc)."""

    def __init__(
        self,
        title: str,
        lines: Sequence[str],
        choices: Sequence[Choice],
        *,
        cancel: str,
        dialog_id: str = "choice-dialog",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = tuple(lines)
        self.choices = tuple(choices)
        self.cancel = cancel
        self.dialog_id = dialog_id

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog"):
            yield Static(literal(self.title_text, style="bold"), classes="dialog-title")
            for line in self.lines:
                yield Static(literal(line))
            with Horizontal(classes="dialog-buttons"):
                for choice in self.choices:
                    button = Button(
                        f"{choice.label} ({choice.key})",
                        id=f"choice-{choice.value}",
                        variant=choice.variant,  # type: ignore[arg-type]
                    )
                    button.can_focus = False  # answers come from their keys, or a click
                    yield button
            yield Static(Text(self._hint(), style="dim"), classes="dialog-hint")

    def _hint(self) -> str:
        """``s save · d discard · n or esc stay``: each answer's key, esc with the one it means."""
        parts = []
        for choice in self.choices:
            keys = f"{choice.key} or esc" if choice.value == self.cancel else choice.key
            parts.append(f"{keys} {choice.label.lower()}")
        if all(choice.value != self.cancel for choice in self.choices):
            parts.append(f"esc {self.cancel}")
        return " · ".join(parts)

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            answer: str | None = self.cancel
        else:
            answer = next((c.value for c in self.choices if c.key == event.key), None)
        if answer is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))
