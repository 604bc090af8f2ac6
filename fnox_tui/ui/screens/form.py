"""What every secret form shares: a dialog of fields, a message line, a busy state, the buttons.

A form validates what was typed, then either stages its change at once or hands a job (an
encryption, a remote write) to the app (:func:`~fnox_tui.ui.app_services.run_job`); while the
job runs the form is busy: the submit button is disabled and enter is ignored, so it cannot be
submitted twice. A failure keeps the form open with the message; success stages the change
(through :func:`~fnox_tui.ui.app_services.stage`) and closes it. Whatever way the form closes,
every value field in it is emptied first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Static, TextArea
from textual.worker import Worker

from fnox_tui.core.changes import Change, StagingError
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.reencrypt import Sealed, check_plaintext, seal_value
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.ui import app_services
from fnox_tui.ui.messages import ValuesChanged
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.value_field import ValueField

T = TypeVar("T")


def error_text(error: BaseException) -> str:
    """A failure as a sentence the form can show: a provider's message and hint, or for
    anything else only its type (its text could hold anything)."""
    if isinstance(error, ProviderError):
        return str(error)
    if isinstance(error, StagingError | FnoxTuiError):
        return str(error)
    return f"fnox-tui failed unexpectedly ({type(error).__name__}); nothing was staged."


class FormScreen(ModalScreen[bool]):
    """A modal form. Subclasses yield their fields from :meth:`compose_fields` and act in
    :meth:`submit`; they dismiss with True once they staged something, else False."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+r", "reveal", "Show value", show=False),
        Binding("ctrl+t", "multiline", "Lines", show=False),
    ]

    AUTO_FOCUS = ""  # each form focuses the field to fill first itself

    submit_label = "Stage"
    hint = "enter stages · esc cancels · ctrl+r shows the value · ctrl+t lines"

    def __init__(self, title: Text, *, dialog_id: str) -> None:
        super().__init__()
        self.form_title = title
        self.dialog_id = dialog_id
        self.busy = False
        self.closed = False
        self._worker: Worker[None] | None = None

    # Layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id=self.dialog_id, classes="dialog form"):
            yield Static(self.form_title, classes="dialog-title")
            with VerticalScroll(classes="form-body"):
                yield from self.compose_fields()
            yield Static("", id="form-message")
            yield Static("", id="form-busy")
            with Horizontal(classes="form-buttons"):
                yield Button(self.submit_label, id="form-submit", variant="primary", compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)
            yield Static(Text(self.hint, style="dim"), classes="dialog-hint")

    def compose_fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless
        self.focus_first()
        app_services.subscribe(self.app, self)

    def on_values_changed(self, message: ValuesChanged) -> None:
        """Every value was hidden (idle time, screenshot): the value fields mask again."""
        if message.keys is None:
            self.conceal()

    def focus_first(self) -> None:
        """Focus the first field (subclasses choose another)."""
        for widget in self.query("Input, TextArea, Select, RadioSet"):
            if widget.display and widget.focusable:
                self.set_focus(widget)
                return

    # Messages ---------------------------------------------------------------------------

    def say(self, message: str, kind: str = "error") -> None:
        """Show ``message`` (literally) under the fields: ``error``, ``warning`` or ``note``."""
        style = {"error": "red", "warning": "yellow"}.get(kind, "")
        line = self.query_one("#form-message", Static)
        line.update(literal(message, style=style) if message else Text(""))
        line.set_class(bool(message), "-shown")

    @property
    def message(self) -> str:
        return str(self.query_one("#form-message", Static).content)

    # Submitting ---------------------------------------------------------------------------

    @on(Button.Pressed, "#form-submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def action_submit(self) -> None:
        if self.busy or self.closed:
            return  # a job is running: the form cannot be submitted twice
        self.say("")
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()  # its answer is dropped; nothing is staged
        self.close(False)

    def action_reveal(self) -> None:
        for field in self.query(ValueField):
            if field.display:
                field.toggle_reveal()

    def action_multiline(self) -> None:
        for field in self.query(ValueField):
            if field.display:
                problem = field.toggle_multiline()
                if problem:
                    self.say(problem, "warning")
                field.focus_editor()
                return

    def conceal(self) -> int:
        """Mask every value field again (before a screenshot, after the idle time)."""
        shown = 0
        for field in self.query(ValueField):
            shown += field.revealed
            field.revealed = False
        return shown

    # Jobs -------------------------------------------------------------------------------

    def set_busy(self, busy: bool, what: str = "") -> None:
        self.busy = busy
        self.query_one("#form-submit", Button).disabled = busy
        line = self.query_one("#form-busy", Static)
        line.update(literal(what, style="yellow") if busy else Text(""))
        line.set_class(busy, "-shown")

    def start_job(self, what: str, work: Callable[[], T], done: Callable[[T], None]) -> None:
        """Run ``work`` on the app (busy meanwhile); ``done(result)`` when it succeeds while
        the form is still open; a failure is shown and the form stays open."""
        self.set_busy(True, what)

        def finished(result: T) -> None:
            self._worker = None
            if self.closed:
                return
            self.set_busy(False)
            try:
                done(result)
            except (StagingError, FnoxTuiError, ValueError, TypeError) as error:
                self.say(error_text(error))

        def failed(error: BaseException) -> None:
            self._worker = None
            if self.closed:
                return
            self.set_busy(False)
            self.say(error_text(error))

        self._worker = app_services.run_job(self.app, work, finished, failed)

    def encrypt_then(
        self, provider: ProviderDef, profile: str, value: str, then: Callable[[Sealed], None]
    ) -> None:
        """Encrypt ``value`` for ``provider`` as ``profile`` sees it, on the app; ``then``
        gets the ciphertext with the digest of ``value`` (to verify the save with: see
        :meth:`Sealed.expect`). A value the provider would refuse is refused before any call."""
        try:
            check_plaintext(provider.type, value)
        except ProviderError as error:
            self.say(str(error))
            return
        box = [value]  # the job takes the plaintext out: nothing keeps it once encrypted

        def work() -> Sealed:
            plaintext = box.pop()
            return seal_value(app_services.resolver(self.app), provider, profile, plaintext)

        self.start_job(f"Encrypting with {provider.name} ({provider.type})…", work, then)

    def stage(
        self,
        changes: list[Change],
        description: str,
        notice: str,
        expected: Sequence[ExpectedValue] = (),
    ) -> bool:
        """Stage ``changes`` as one step and close; False (and a message) when they contradict
        what is staged already. ``expected``: what each value entered must decrypt to once
        saved (checked after the save)."""
        staged = app_services.staged_changes(self.app)
        try:
            for change in changes:
                staged = staged.stage(change)
        except StagingError as error:
            self.say(f"Not staged: {error}")
            return False
        app_services.stage(self.app, changes, description, expected)
        self.app.notify(notice, title="Staged", timeout=6)
        self.close(True)
        return True

    # Closing ----------------------------------------------------------------------------

    def clear_values(self) -> None:
        """Empty every field that may hold a value."""
        for field in self.query(ValueField):
            field.clear()
        for area in self.query(TextArea):
            area.load_text("")
            area.history.clear()
        for line in self.query(Input):
            if line.password:
                line.value = ""

    def close(self, result: bool) -> None:
        if self.closed:
            return
        self.closed = True
        self.clear_values()
        self.dismiss(result)

    def on_unmount(self) -> None:
        self.closed = True
        app_services.unsubscribe(self.app, self)


def plain_lines(*lines: str) -> Text:
    """Several lines of literal text (names from files shown as they are)."""
    return literal("\n".join(line for line in lines if line))


def field_label(text: str) -> Static:
    return Static(Text(text, style="bold"), classes="form-label")


def form_row(label: str, *widgets: Widget, id: str | None = None) -> Horizontal:
    """A labelled line of the form: the label on the left, the field(s) beside it."""
    return Horizontal(field_label(label), *widgets, classes="form-row", id=id)


def note(text: str, *, id: str | None = None, style: str = "dim") -> Static:
    return Static(literal(text, style=style), classes="form-note", id=id)
