"""A clock that moves only when a test moves it, and an app whose idle time runs on one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fnox_tui.core.plaintext import PlaintextStore

if TYPE_CHECKING:
    from fnox_tui.ui.app import FnoxTuiApp


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def idle_on(app: FnoxTuiApp, clock: FakeClock) -> FakeClock:
    """Make ``app`` (not yet running) measure the user's idle time on ``clock``: values and
    shown identities are hidden only once the test moves it past the idle time."""
    from fnox_tui.ui.values import ValueStates

    controller = app.controller
    controller.plaintext = PlaintextStore(app.settings.idle_seconds, clock=clock)
    controller.values = ValueStates(controller.plaintext)
    return clock
