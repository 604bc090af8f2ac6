"""What the walkthrough uses of the app it runs in.

The walkthrough never imports the app, the controller or the main screen (import-linter checks
it): it reads the loaded workspace, the provider registry and the idle clock through this
protocol, and asks for the rest with messages (:class:`fnox_tui.ui.messages.CopyText`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from fnox_tui.core.model import Workspace
    from fnox_tui.core.plaintext import PlaintextStore
    from fnox_tui.core.providers.registry import ProviderRegistry


class Host(Protocol):
    """The members of fnox-tui's app that the walkthrough reads (and Textual's App API)."""

    @property
    def workspace(self) -> Workspace | None: ...

    @property
    def registry(self) -> ProviderRegistry: ...

    @property
    def plaintext(self) -> PlaintextStore: ...  # its idle clock masks a shown identity

    def action_reload(self) -> None: ...

    # Textual's App (typed loosely: the walkthrough only calls them)
    is_headless: bool
    screen_stack: list[Any]

    def notify(self, message: str, **options: Any) -> None: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def call_from_thread(self, callback: Any, *args: Any) -> Any: ...
