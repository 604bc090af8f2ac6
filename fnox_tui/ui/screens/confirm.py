"""The one question modal of the app: a title, a few lines, an answer per button and key.

Every question (delete this secret? write the remote value? quit with staged changes? a file
changed on disk; leave the rotation?) is a :class:`ConfirmScreen`. Each answer is a button
labelled with the key that picks it (``Delete (y)``, ``Cancel (n)``); esc answers what
cancelling means; the first answer has the focus, ←/→ (h/l, tab) move it and enter presses
the focused button; a click answers too. The title and lines are drawn literally (they name
files and secrets).

Keys: an answer gets the key its :class:`Choice` names; when no choice names one, the first
answers ``y`` and :data:`CANCEL` answers ``n``. The dialog dismisses with the chosen answer's
id; :data:`CANCEL` (and esc) give ``cancel`` (None unless the caller says otherwise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from fnox_tui.ui.text import literal


@dataclass(frozen=True, slots=True)
class Choice:
    """An answer: its ``id`` (what the dialog answers), its button's label and look, and the
    key that picks it (None: see the module)."""

    id: str
    label: str
    variant: ButtonVariant = "default"
    key: str | None = None


CANCEL = Choice("cancel", "Cancel")
FOCUSED = "enter presses the focused button"


def with_keys(choices: Sequence[Choice]) -> tuple[Choice, ...]:
    """``choices`` with their keys: as given, or (none given) y for the first, n to cancel."""
    if any(choice.key for choice in choices):
        return tuple(choices)
    keyed = []
    for index, choice in enumerate(choices):
        if choice.id == CANCEL.id:
            choice = replace(choice, key="n")
        elif index == 0:
            choice = replace(choice, key="y")
        keyed.append(choice)
    return tuple(keyed)


class ConfirmScreen(ModalScreen[str | None]):
    """Asks a question (see the module); dismissed with the answer's id, or ``cancel``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("left,h", "app.focus_previous", show=False),
        Binding("right,l", "app.focus_next", show=False),
    ]

    def __init__(
        self,
        title: str,
        body: Sequence[str] = (),
        choices: Sequence[Choice] = (Choice("yes", "Yes", "primary"), CANCEL),
        *,
        hint: str | None = None,
        cancel: str | None = None,
        dialog_id: str = "confirm-dialog",
    ) -> None:
        super().__init__()
        if not choices:
            raise ValueError("a confirmation needs at least one choice")
        self.title_text = title
        self.body = tuple(body)
        self.choices = with_keys(choices)
        self.cancel = cancel
        self.dialog_id = dialog_id
        self.hint = hint if hint is not None else self.keys_hint()

    def keys_hint(self) -> str:
        """``y delete · n or esc cancel · enter presses the focused button``."""
        parts = []
        for choice in self.choices:
            cancels = self._answer(choice) == self.cancel
            keys = " or ".join(key for key in (choice.key, "esc" if cancels else None) if key)
            if keys:
                parts.append(f"{keys} {choice.label.lower()}")
        if all(self._answer(choice) != self.cancel for choice in self.choices):
            parts.append("esc cancels")
        return " · ".join([*parts, FOCUSED])

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog question"):
            yield Static(literal(self.title_text, style="bold"), classes="dialog-title")
            with VerticalScroll(classes="question-body"):
                yield Static(literal("\n".join(self.body)))
            with Horizontal(classes="form-buttons"):
                for choice in self.choices:
                    label = f"{choice.label} ({choice.key})" if choice.key else choice.label
                    yield Button(
                        label, id=f"choice-{choice.id}", variant=choice.variant, compact=True
                    )
            yield Static(Text(self.hint, style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.choices[0].id}", Button).focus()

    def _answer(self, choice: Choice) -> str | None:
        return self.cancel if choice.id == CANCEL.id else choice.id

    def answer(self, choice_id: str) -> None:
        """Dismiss with the answer of the choice ``choice_id``."""
        choice = next((c for c in self.choices if c.id == choice_id), None)
        if choice is not None:
            self.dismiss(self._answer(choice))

    def on_key(self, event: events.Key) -> None:
        choice = next((c for c in self.choices if c.key and c.key == event.key), None)
        if choice is not None:
            event.stop()
            event.prevent_default()
            self.dismiss(self._answer(choice))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.answer((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(self.cancel)
