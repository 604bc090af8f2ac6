"""Helpers for the save tests: stage changes as a form would, drive the review, wait."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.pilot import Pilot

from fnox_tui.core.changes import Change
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.review import ReviewScreen, file_text
from tests import waiting
from tests.test_atomic_save import FaultyOs

DEADLINE = float(
    os.environ.get("FNOX_TUI_TEST_DEADLINE", "60")
)  # seconds: a loaded machine makes a test slower, never red


async def until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Let the app run until ``condition()`` holds (AssertionError after DEADLINE)."""
    await waiting.until(pilot, condition, what, DEADLINE)


def stage(
    app: FnoxTuiApp,
    *changes: Change,
    expected: Sequence[ExpectedValue] = (),
    description: str = "",
) -> None:
    """Stage ``changes`` as one step, as a form does once it has encrypted the value."""
    assert app.controller.stage(changes, description, expected)


async def open_review(app: FnoxTuiApp, pilot: Pilot) -> ReviewScreen:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def review_text(screen: ReviewScreen) -> str:
    notes = "\n".join(screen.notes)
    return notes + "\n" + "\n".join(file_text(item).plain for item in screen.files)


async def settle(app: FnoxTuiApp, pilot: Pilot) -> None:
    """Wait until no part of a save runs and every worker ended."""
    await until(pilot, lambda: app.saves.idle, f"the save to end ({app.saves.last})")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def confirm(app: FnoxTuiApp, pilot: Pilot) -> None:
    """Enter in the review, then wait for the save (and its checks) to end."""
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, ReviewScreen), "the review to close")
    await settle(app, pilot)


async def dialog(app: FnoxTuiApp, pilot: Pilot, dialog_id: str) -> ConfirmScreen:
    await until(
        pilot,
        lambda: isinstance(app.screen, ConfirmScreen) and app.screen.dialog_id == dialog_id,
        dialog_id,
    )
    screen = app.screen
    assert isinstance(screen, ConfirmScreen)
    return screen


def notes(app: FnoxTuiApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


class ReadOnlyOs(FaultyOs):
    """FaultyOs where ``paths`` may not be written (as for another user's file)."""

    def __init__(self, *paths: Path) -> None:
        super().__init__()
        self.read_only = {str(path) for path in paths}

    def access(self, path: str, mode: int) -> bool:
        if mode & os.W_OK and path in self.read_only:
            return False
        return os.access(path, mode)


def temp_leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


ENOSPC, EACCES = errno.ENOSPC, errno.EACCES
