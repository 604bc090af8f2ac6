"""A secret value being typed: masked unless shown, on one line or several (keys, certificates).

Both modes mask what they hold (``•`` per character cell) until the user shows it (ctrl+r or
the Show button). Copying or cutting out of the field is off: Textual keeps what it copies on
the app object, and a secret must not linger there. :meth:`ValueField.clear` empties both
editors and the multi-line editor's undo history.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import Button, TextArea

from fnox_tui.ui.widgets.literal_input import LiteralInput, one_cell

MASK = "•"


def mask_text(text: str) -> str:
    """Every character but spaces as ``•`` (as many as the cells it takes)."""
    return "".join(char if char == " " else MASK * max(1, cell_len(char)) for char in text)


class SecretInput(LiteralInput):
    """An Input that never copies its text out (and draws control characters as symbols).

    A paste of several lines (a key, a certificate) is not cut to its first line, as an Input
    would: the value field takes it and switches to several lines.
    """

    class SeveralLines(Message):
        """Several lines were pasted at ``position`` (the field takes them whole)."""

        def __init__(self, text: str, position: int) -> None:
            super().__init__()
            self.text = text
            self.position = position

    def on_paste(self, event: events.Paste) -> None:
        if "\n" not in event.text.strip("\r\n"):
            return  # one line: the Input's own handling
        event.prevent_default()
        event.stop()
        self.post_message(self.SeveralLines(event.text, self.cursor_position))

    def action_copy(self) -> None:
        self.notify("Copying out of a value field is off", timeout=2)

    def action_cut(self) -> None:
        self.action_copy()


class MaskedTextArea(TextArea):
    """A TextArea that draws ``•`` for every character while ``masked``."""

    masked: reactive[bool] = reactive(True)

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self.text:
            return strip
        shown = mask_text if self.masked else one_cell
        segments = [
            segment if segment.control else Segment(shown(segment.text), segment.style)
            for segment in strip
        ]
        return Strip(segments).crop_extend(0, strip.cell_length, None)

    def watch_masked(self) -> None:
        self.refresh()

    def action_copy(self) -> None:
        self.notify("Copying out of a value field is off", timeout=2)

    def action_cut(self) -> None:
        self.action_copy()

    def wipe(self) -> None:
        """Empty the text and forget the undo history (which holds what was typed)."""
        self.load_text("")
        self.history.clear()


class ValueField(Horizontal):
    """A masked value on one line (an Input) or several (a TextArea), with Show and Lines."""

    DEFAULT_CLASSES = "value-field"

    revealed: reactive[bool] = reactive(False, init=False)
    multiline: reactive[bool] = reactive(False, init=False)

    def __init__(
        self,
        value: str = "",
        *,
        placeholder: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._initial = value
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        many = "\n" in self._initial
        line = SecretInput(
            "" if many else self._initial,
            placeholder=self._placeholder,
            password=True,
            classes="value-line",
            compact=True,
        )
        area = MaskedTextArea(
            self._initial if many else "",
            placeholder=self._placeholder,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            classes="value-lines",
            compact=True,
        )
        area.display = many
        line.display = not many
        self._initial = ""
        yield line
        yield area
        yield Button("Show", classes="value-reveal", compact=True)
        yield Button("One line" if many else "Lines", classes="value-multiline", compact=True)
        self.set_reactive(ValueField.multiline, many)

    def on_mount(self) -> None:
        headless = self.app.is_headless
        self.line.cursor_blink = not headless
        self.area.cursor_blink = not headless

    @property
    def line(self) -> SecretInput:
        return self.query_one(SecretInput)

    @property
    def area(self) -> MaskedTextArea:
        return self.query_one(MaskedTextArea)

    @property
    def editor(self) -> SecretInput | MaskedTextArea:
        """The editor in use."""
        return self.area if self.multiline else self.line

    @property
    def value(self) -> str:
        return self.area.text if self.multiline else self.line.value

    def focus_editor(self) -> None:
        self.screen.set_focus(self.editor)

    def watch_revealed(self, revealed: bool) -> None:
        self.line.password = not revealed
        self.area.masked = not revealed
        self.query_one(".value-reveal", Button).label = "Hide" if revealed else "Show"

    def toggle_reveal(self) -> None:
        self.revealed = not self.revealed

    def toggle_multiline(self) -> str | None:
        """Switch between one line and several; a sentence when it cannot."""
        if self.multiline:
            text = self.area.text
            if "\n" in text.rstrip("\n"):
                return "The value has several lines: it stays in multi-line mode."
            self.line.value = text.rstrip("\n")
            self.area.wipe()
            self.multiline = False
        else:
            self.area.load_text(self.line.value)
            self.line.value = ""
            self.multiline = True
        return None

    def watch_multiline(self, multiline: bool) -> None:
        had_focus = self.line.has_focus or self.area.has_focus
        self.line.display = not multiline
        self.area.display = multiline
        self.query_one(".value-multiline", Button).label = "One line" if multiline else "Lines"
        if had_focus:
            self.focus_editor()

    def clear(self) -> None:
        """Forget the value: both editors emptied, the undo history too."""
        self.line.value = ""
        self.area.wipe()

    @on(SecretInput.SeveralLines)
    def _several_lines(self, event: SecretInput.SeveralLines) -> None:
        event.stop()
        text = self.line.value
        combined = text[: event.position] + event.text + text[event.position :]
        self.area.load_text(combined)
        self.line.value = ""
        self.multiline = True
        self.focus_editor()

    @on(Button.Pressed, ".value-reveal")
    def _reveal_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.toggle_reveal()
        self.focus_editor()

    @on(Button.Pressed, ".value-multiline")
    def _multiline_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        problem = self.toggle_multiline()
        if problem:
            self.notify(problem, severity="warning", timeout=4)
        self.focus_editor()
