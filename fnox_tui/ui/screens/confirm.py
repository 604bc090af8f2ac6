"""A question with buttons: y (or the first button) confirms, n and esc cancel, enter presses
the focused button, and every button answers a click. It dismisses with the chosen button's
id, or None when cancelled. The title and body are shown literally (names from files)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from fnox_tui.ui.text import literal


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: what it answers (``id``), its label and its look."""

    id: str
    label: str
    variant: ButtonVariant = "default"


CANCEL = Choice("cancel", "Cancel")


class ConfirmScreen(ModalScreen[str | None]):
    """Asks a question; the first choice is the one y picks and the one focused at first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "cancel", "Cancel"),
        Binding("y", "confirm", "Yes"),
        Binding("left,h", "app.focus_previous", show=False),
        Binding("right,l", "app.focus_next", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Sequence[str] = (),
        choices: Sequence[Choice] = (Choice("yes", "Yes", "primary"), CANCEL),
        *,
        hint: str = "y confirms · n or esc cancels · enter presses the focused button",
    ) -> None:
        super().__init__()
        if not choices:
            raise ValueError("a confirmation needs at least one choice")
        self.title_text = title
        self.body = tuple(body)
        self.choices = tuple(choices)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(literal(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(literal("\n".join(self.body)))
            with Horizontal(classes="form-buttons"):
                for choice in self.choices:
                    yield Button(
                        choice.label, id=f"choice-{choice.id}", variant=choice.variant, compact=True
                    )
            yield Static(Text(self.hint, style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.choices[0].id}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answer = (event.button.id or "").removeprefix("choice-")
        self.dismiss(None if answer == CANCEL.id else answer)

    def action_confirm(self) -> None:
        self.dismiss(self.choices[0].id)

    def action_cancel(self) -> None:
        self.dismiss(None)
