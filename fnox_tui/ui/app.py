"""The fnox-tui application: the screens, the clipboards and the one worker-state handler.

What the UI knows and starts (the workspace, values, checks, staged changes, the workers)
belongs to :class:`~fnox_tui.ui.controller.Controller`, ``app.controller``. Workers still
belong to the app, which outlives every screen: the controller starts them here, and their
results land in one handler, :meth:`FnoxTuiApp.on_worker_state_changed`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual._files import generate_datetime_filename
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.worker import Worker

from fnox_tui import __version__
from fnox_tui.core.clipboard import Clipboard
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.limiter import DEFAULT_CONCURRENCY
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import ProviderDef, Workspace
from fnox_tui.core.plaintext import PlaintextStore
from fnox_tui.core.record import FrozenRecord
from fnox_tui.core.wording import plural
from fnox_tui.ui.controller import Controller
from fnox_tui.ui.messages import CopyText, JumpTo, LoadFailed, StageChanges, WorkspaceLoaded
from fnox_tui.ui.screens.main import MainScreen
from fnox_tui.ui.terminal_restore import write_to_terminal
from fnox_tui.ui.text import visible
from fnox_tui.ui.values import ValueStates

if TYPE_CHECKING:
    from textual.command import Provider

    from fnox_tui.core.providers.registry import ProviderRegistry
    from fnox_tui.core.rotation.staged import StagedEdits
    from fnox_tui.ui.saving import SaveFlow


def _fnox_commands() -> type[Provider]:
    """The palette's commands, imported when the palette first opens (textual.command with
    them): not on the way to the first paint."""
    from fnox_tui.ui.commands import FnoxCommands

    return FnoxCommands


class AppSettings(FrozenRecord):
    """Options from the command line and environment."""

    __slots__ = ("clipboard_mode", "clipboard_timeout", "concurrency", "idle_seconds", "welcome")
    _fields = ("idle_seconds", "clipboard_timeout", "clipboard_mode", "concurrency", "welcome")

    def __init__(
        self,
        idle_seconds: float = 300.0,
        clipboard_timeout: float | None = None,  # None: $FNOX_TUI_CLIPBOARD_TIMEOUT, else 45 s
        clipboard_mode: str = "auto",  # "auto" (system clipboard, else OSC 52), "system", "osc52"
        concurrency: int = DEFAULT_CONCURRENCY,
        welcome: str = "",  # a notification shown at start (the demo says what it set up)
    ) -> None:
        self.idle_seconds = idle_seconds
        self.clipboard_timeout = clipboard_timeout
        self.clipboard_mode = clipboard_mode
        self.concurrency = concurrency
        self.welcome = welcome


class FnoxTuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fnox-tui"
    COMMANDS = App.COMMANDS | {_fnox_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("ctrl+s", "save", "Save", show=False),
    ]

    def __init__(
        self,
        source: WorkspaceSource,
        workspace: Workspace | None = None,
        error: FnoxTuiError | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.initial_error = error
        self.settings = settings or AppSettings()
        self.controller = Controller(
            self,
            source,
            workspace,
            idle_seconds=self.settings.idle_seconds,
            concurrency=self.settings.concurrency,
        )
        self._saves: SaveFlow | None = None
        self._drawing = False  # between mount and unmount: the driver still writes
        self._on_terminal = False  # a real terminal, not a test's headless driver
        self.clip = Clipboard(
            osc52_writer=self._write_osc52,
            timeout=self.settings.clipboard_timeout,
            mode=self.settings.clipboard_mode,  # type: ignore[arg-type]
            environ=source.environ,
        )
        self.plain_clip = Clipboard(
            osc52_writer=self._write_osc52,
            timeout=0,  # never cleared: for error details, which hold no secret
            mode=self.settings.clipboard_mode,  # type: ignore[arg-type]
        )

    def get_default_screen(self) -> MainScreen:
        """The main screen is the app's first screen, not pushed over Textual's default one:
        a screen fewer to set up (and no blank frame of it) before the first paint."""
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        """The main screen: the bottom of the screen stack (see ``get_default_screen``)."""
        return self.screen_stack[0]  # type: ignore[return-value]

    def _has_main(self) -> bool:
        stack = self.screen_stack
        return bool(stack) and isinstance(stack[0], MainScreen)

    # What the controller holds, for the screens' and tools' convenience ----------------

    @property
    def workspace(self) -> Workspace | None:
        return self.controller.workspace

    @property
    def values(self) -> ValueStates:
        return self.controller.values

    @property
    def plaintext(self) -> PlaintextStore:
        return self.controller.plaintext

    @property
    def registry(self) -> ProviderRegistry:
        return self.controller.registry

    def on_mount(self) -> None:
        self._drawing = True
        self._on_terminal = not self.is_headless
        self.controller.subscribe(self)
        if self.controller.workspace is None:
            if self.initial_error is not None:
                from fnox_tui.ui.screens.error import ErrorScreen

                self.push_screen(ErrorScreen(self.initial_error, self.source.cwd))
            else:
                self.action_reload()
        self.controller.start()
        if self.settings.welcome:
            self.notify(self.settings.welcome, timeout=8)
        if self.clip.warning:
            self.notify(self.clip.warning, severity="warning")

    def on_unmount(self) -> None:
        self._drawing = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.controller.touch()
        await super().on_event(event)

    # Loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.controller.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where worker results and failures land."""
        self.controller.worker_state_changed(event)

    # The error and help screens are imported when first shown: not on the way to first paint.

    def on_workspace_loaded(self, _message: WorkspaceLoaded) -> None:
        from fnox_tui.ui.screens.error import ErrorScreen

        while isinstance(self.screen, ErrorScreen):
            self.pop_screen()

    def on_load_failed(self, message: LoadFailed) -> None:
        if not isinstance(message.error, FnoxTuiError):
            return  # the controller said so in a notification
        from fnox_tui.ui.screens.error import ErrorScreen

        if isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self.push_screen(ErrorScreen(message.error, self.source.cwd))

    def on_copy_text(self, message: CopyText) -> None:
        """A screen asks to copy something (a policy; a new identity, which is a secret)."""
        if message.secret:
            self.controller.copy_secret_text(message.what, message.text)
        else:
            self.controller.copy_text(message.what, message.text)

    def on_stage_changes(self, message: StageChanges) -> None:
        """A form staged changes: the controller keeps them."""
        self.controller.stage(message.changes, message.description, message.expected)

    def hide_all(self) -> int:
        """Forget every revealed value; a form showing a value it was given masks it again."""
        count = self.controller.hide_all()
        for screen in self.screen_stack:
            conceal = getattr(screen, "conceal", None)
            if conceal is not None:
                count += conceal()
        return count

    def _after_values_repainted(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` once every screen has handled the values' change and repainted."""
        if self._has_main():
            # The main screen handles ValuesChanged in order: this runs after it did.
            self.main.call_later(self.call_after_refresh, callback)
        else:
            self.call_after_refresh(callback)

    def _write_osc52(self, sequence: str) -> None:
        """Send an OSC 52 sequence straight to the terminal.

        Textual's own ``copy_to_clipboard`` keeps the copied text on the app object; the
        plaintext must not linger, so the sequence goes to the driver directly.
        """
        driver = self._driver
        if driver is not None and self._drawing:
            driver.write(sequence)
            driver.flush()
        elif self._on_terminal:  # the driver has stopped: a clear on the way out still arrives
            write_to_terminal(sequence)

    # Screenshots and exit: no plaintext leaves memory ---------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's screenshot command: revealed values are hidden first, then the shot taken.

        The shot is always taken after the next repaint, so a value hidden a moment earlier
        (by this call or any other) is never in it.
        """
        self._hide_for_screenshot()
        # Textual saves to ~/Downloads, which many machines lack: the working directory is
        # where the user started the app, and the notice says the full path.
        path = path or os.getcwd()
        deliver = super().deliver_screenshot
        self._after_values_repainted(lambda: deliver(filename, path, time_format))
        return None

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """As Textual's, with revealed values hidden; the file is written after a repaint."""
        self._hide_for_screenshot()
        path = path or "./"
        filename = filename or generate_datetime_filename(self.title, ".svg", time_format)
        save = super().save_screenshot
        self._after_values_repainted(lambda: save(filename, path))
        return os.path.expanduser(os.path.join(path, filename))

    def _hide_for_screenshot(self) -> None:
        if self.hide_all():
            self.notify("Revealed values were hidden before taking the screenshot")

    def _fatal_error(self) -> None:
        """Like Textual's, but the traceback never shows local variables (they may be values)."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        """`q`: quit; with staged changes, ask first (save, discard or stay)."""
        staged = len(self.controller.staging)
        if not staged:
            self.shut_down()
            return
        from fnox_tui.ui.screens.confirm import ConfirmScreen
        from fnox_tui.ui.screens.review import ReviewScreen
        from fnox_tui.ui.screens.save_dialogs import quit_dialog

        if isinstance(self.screen, ReviewScreen | ConfirmScreen):
            return  # answer the question on screen first
        self.push_screen(quit_dialog(staged, saving=self.saves.saving), self._quit_answer)

    def _quit_answer(self, answer: str | None) -> None:
        from fnox_tui.ui.screens.save_dialogs import DISCARD, SAVE

        if answer == SAVE:
            self.saves.review(then_quit=True)
        elif answer == DISCARD:
            self.controller.discard()
            self.shut_down()

    @property
    def saves(self) -> SaveFlow:
        """The saves (review, write, verify): set up when first asked for, since the save
        machinery (tomlkit among it) is not on the way to the first paint."""
        if self._saves is None:
            from fnox_tui.ui.saving import SaveFlow

            self._saves = SaveFlow(self, self.controller)
        return self._saves

    def action_save(self) -> None:
        """ctrl+s: review the staged changes; enter in the review writes them."""
        if self.screen is self.main:  # not over a form, a dialog or the review
            self.saves.review()

    def shut_down(self, return_code: int = 0) -> None:
        """Exit: the clipboard cleared while the terminal is still ours, values forgotten.

        For `q` and for a signal (see ``ui.runner``). Workers still blocked in a call are not
        waited for: the command line ends the process once the terminal is restored. A
        signal cannot ask about staged changes: they are lost (they were never on disk, and
        a save cut short leaves each file as it was), and the exit message says how many.
        """
        staged = len(self.controller.staging)
        self.clip.clear_now_if_ours()
        self.controller.close()
        message = None
        if staged:
            were = "was" if staged == 1 else "were"
            message = f"fnox-tui: {plural(staged, 'staged change')} {were} not saved."
        self.exit(return_code or None, return_code=return_code, message=message)

    # Actions shared with the command palette ------------------------------------------

    def action_help(self) -> None:
        from fnox_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        self._on_main(self.main.action_filter)

    def action_problems(self) -> None:
        self._on_main(self.main.action_problems)

    async def action_toggle_matrix(self) -> None:
        if self.screen is self.main:
            await self.main.action_toggle_matrix()

    def action_copy_secret(self) -> None:
        self._on_main(self.main.action_copy_to_profile)

    def action_edit_secret(self) -> None:
        self._on_main(self.main.action_edit)

    def action_new_secret(self) -> None:
        self._on_main(self.main.action_new_secret)

    def action_delete_secret(self) -> None:
        self._on_main(self.main.action_delete)

    def action_undo(self) -> None:
        self._on_main(self.main.action_undo)

    def action_jump_profile(self, profile: str) -> None:
        self._on_main(lambda: self.main.post_message(JumpTo(profile)))

    def action_jump_secret(self, profile: str, name: str) -> None:
        self._on_main(lambda: self.main.post_message(JumpTo(profile, name)))

    def staged_edits(self) -> StagedEdits:
        """What is staged and not saved yet: the rotation walkthrough writes only without."""
        from fnox_tui.core.rotation.staged import StagedEdits

        return StagedEdits.of(self.controller.staging.changeset, saving=self.saves.saving)

    def action_rotate(self, provider: ProviderDef | None = None) -> None:
        """The key rotation walkthrough: of ``provider``, else of the one under the cursor."""
        if provider is None:
            self._on_main(self.main.action_rotate)
            return
        from fnox_tui.ui.screens.rotation import open_rotation  # boto3: not on the start-up path

        open_rotation(self, provider)

    def on_main_screen_first_frame(self, _message: MainScreen.FirstFrame) -> None:
        """After the first frame (not before: it waits for nothing else), an interrupted
        rotation of an earlier session is offered for recovery, and the AWS clients are
        set up in the background."""
        self.controller.first_frame_shown()
        if self.controller.workspace is not None:
            self._offer_recovery()

    def _offer_recovery(self) -> None:
        """A rotation interrupted in an earlier session is offered for recovery."""
        from fnox_tui.ui.screens.rotation.recovery import offer_recovery

        offer_recovery(self)

    def _on_main(self, action: Callable[[], Any]) -> None:
        if self.screen is self.main:
            action()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: names from files are never read as markup."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def action_help_quit(self) -> None:
        """ctrl+c: say which keys quit (Textual's own notice is markup, which notify refuses)."""
        keys = [
            key
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit")
        ]
        if keys:
            self.notify(f"Press {' or '.join(keys)} to quit the app", title="Do you want to quit?")

    @on(events.DeliveryComplete)
    def _screenshot_delivered(self, event: events.DeliveryComplete) -> None:
        """Textual's "saved screenshot" notice is markup too: say it in plain text instead."""
        if event.name == "screenshot":
            event.prevent_default()
            where = f" to {event.path}" if event.path is not None else ""
            self.notify(f"Saved screenshot{where}", title="Screenshot")

    @on(events.DeliveryFailed)
    def _screenshot_failed(self, event: events.DeliveryFailed) -> None:
        """Textual says only "Failed to save screenshot": say where it was going, and why."""
        if event.name == "screenshot":
            event.prevent_default()
            error = event.exception
            reason = error.strerror if isinstance(error, OSError) and error.strerror else ""
            target = getattr(error, "filename", None)
            where = f" to {target}" if target else ""
            because = f": {reason}" if reason else f" ({type(error).__name__})"
            self.notify(
                f"Could not save the screenshot{where}{because}",
                title="Screenshot",
                severity="error",
            )

    def get_version(self) -> str:
        return __version__
