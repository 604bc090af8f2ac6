"""Every duration the app shows is said as people say it ("45 seconds", "1 minute 30 seconds"),
through the one formatter ``fnox_tui.core.durations.human_duration``."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import cast

import pytest

from fnox_tui.core.clipboard import TIMEOUT_ENV, Clipboard, CopyResult
from fnox_tui.core.durations import human_duration
from fnox_tui.ui.screens.rotation.session import RotationSession
from fnox_tui.ui.screens.rotation.texts import run_status


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (45, "45 seconds"),
        (1, "1 second"),
        (0.5, "0.5 seconds"),
        (2.25, "2.2 seconds"),
        (9.96, "10 seconds"),
        (10.4, "10 seconds"),
        (59.6, "1 minute"),
        (60, "1 minute"),
        (90, "1 minute 30 seconds"),
        (300, "5 minutes"),
        (3600, "1 hour"),
        (3605, "1 hour"),
        (7260, "2 hours 1 minute"),
        (86400 + 3600, "1 day 1 hour"),
        (0, "0 seconds"),
        (0.01, "0 seconds"),
        (-3, "0 seconds"),
        (float("nan"), "0 seconds"),
        (float("inf"), "forever"),
    ],
)
def test_human_duration(seconds: float, said: str) -> None:
    assert human_duration(seconds) == said


def test_the_copy_notice_says_when_the_clipboard_is_cleared_in_words() -> None:
    for timeout, said in [(45, "45 seconds"), (90, "1 minute 30 seconds"), (300, "5 minutes")]:
        message = CopyResult("system", float(timeout), 0.0).message
        assert message == f"Copied; the clipboard is cleared in {said}."
    assert CopyResult("system", 0.5, 0.0).message.endswith("cleared in 0.5 seconds.")


def test_a_bad_timeout_setting_names_the_default_in_words() -> None:
    clipboard = Clipboard(environ={TIMEOUT_ENV: "later"})
    assert clipboard.warning.endswith("using 45 seconds.")


@dataclass
class FakeRun:
    """What ``run_status`` reads from a rotation session."""

    elapsed: float
    left: float | None
    running: bool = True
    summary: None = None
    reused: int = 0
    complete: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)

    def progress(self) -> tuple[int, int, int]:
        return 3, 0, 10

    def timing(self) -> tuple[float, float | None]:
        return self.elapsed, self.left


@pytest.mark.parametrize(
    ("elapsed", "left", "said"),
    [
        (2.5, 95.0, "2.5 seconds elapsed · about 1 minute 35 seconds left"),
        (75.0, 600.0, "1 minute 15 seconds elapsed · about 10 minutes left"),
        (12.0, None, "12 seconds elapsed · ETA …"),
    ],
)
def test_a_rotation_says_its_time_in_words(elapsed: float, left: float | None, said: str) -> None:
    status = run_status(cast(RotationSession, FakeRun(elapsed, left))).plain
    assert said in status
