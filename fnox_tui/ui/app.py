"""The fnox-tui application: loads the workspace, owns the screens and the workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from fnox_tui import __version__
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import Workspace
from fnox_tui.ui.commands import FnoxCommands
from fnox_tui.ui.screens.error import ErrorScreen
from fnox_tui.ui.screens.help import HelpScreen
from fnox_tui.ui.screens.main import MainScreen


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Options from the command line and environment."""

    idle_seconds: float = 300.0
    clipboard_timeout: float = 45.0


class FnoxTuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fnox-tui"
    COMMANDS = App.COMMANDS | {FnoxCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
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
        self.workspace = workspace
        self.initial_error = error
        self.settings = settings or AppSettings()
        self.loads = 0

    @property
    def main(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        if self.workspace is not None:
            self.loads = 1  # MainScreen shows it when it mounts
        elif self.initial_error is not None:
            self.push_screen(ErrorScreen(self.initial_error))
        else:
            self.action_reload()

    # Loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> Workspace:
        return self.source.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where worker results and failures land."""
        worker = event.worker
        if worker.group == "load":
            if event.state is WorkerState.SUCCESS:
                self._show(worker.result, first=self.loads == 0)  # type: ignore[arg-type]
            elif event.state is WorkerState.ERROR:
                self._load_failed(worker.error)

    def _show(self, workspace: Workspace, *, first: bool) -> None:
        self.loads += 1
        self.workspace = workspace
        while isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self.main.show_workspace(workspace, first=first)
        if not first:
            self.notify(f"Reloaded {len(workspace.files)} file(s)", timeout=2)

    def _load_failed(self, error: BaseException | None) -> None:
        if not isinstance(error, FnoxTuiError):
            self.notify(f"Reload failed: {type(error).__name__}", severity="error")
            return
        if isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self.push_screen(ErrorScreen(error))

    # Actions shared with the command palette ------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        self._on_main(self.main.action_filter)

    def action_problems(self) -> None:
        self._on_main(self.main.action_problems)

    def action_jump_profile(self, profile: str) -> None:
        self._on_main(lambda: self.main.jump_to_profile(profile))

    def action_jump_secret(self, profile: str, name: str) -> None:
        def jump() -> None:
            if self.main._query:
                self.main.action_clear_filter()
            self.call_after_refresh(self.main.tree.jump_to_secret, (profile, name))

        self._on_main(jump)

    def _on_main(self, action: object) -> None:
        if self.screen is not self.main:
            return
        action()  # type: ignore[operator]

    def get_version(self) -> str:
        return __version__
