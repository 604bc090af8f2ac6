"""The exit paths in-process: the hard exit when the app does not leave after a signal, the
OSC 52 clear once the driver is gone, threads that outlive the app, ctrl+c outside the app."""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from fnox_tui import cli
from fnox_tui.core.clipboard import Clipboard
from fnox_tui.ui import app as app_module
from fnox_tui.ui import runner, terminal_restore
from fnox_tui.ui.runner import ExitGuard
from fnox_tui.ui.terminal_restore import RESTORE_SEQUENCE
from tests.test_ui_main import SIZE
from tests.test_ui_values import MemoryClipboard
from tests.ui_fixtures import MakeApp
from tests.waiting import settle

OSC52_CLEAR = "\x1b]52;c;\x07"
BOUND = 20.0  # generous: only a broken guard waits this long


class Ended:
    """Stands in for os._exit: records the status."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.event = threading.Event()

    def __call__(self, status: int) -> None:
        self.status = status
        self.event.set()


class StuckApp:
    """An app that never gets round to exiting, with a value copied through OSC 52."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.clip = Clipboard(self.written.append, mode="osc52", environ={}, timeout=60)
        self.clip.copy("copied-value")
        self.values = MemoryClipboard()  # anything with clear()
        self.values.clear = lambda: None  # type: ignore[method-assign]
        self.asked: list[int] = []

    def shut_down(self, return_code: int = 0) -> None:
        self.asked.append(return_code)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What would have been written straight to the terminal."""
    written: list[str] = []

    def write(text: str) -> bool:
        written.append(text)
        return True

    monkeypatch.setattr(runner, "write_to_terminal", write)
    monkeypatch.setattr(terminal_restore, "write_to_terminal", write)
    monkeypatch.setattr(app_module, "write_to_terminal", write)
    return written


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def test_a_stuck_app_is_cleaned_up_around_and_ended(
    terminal: list[str], loop: asyncio.AbstractEventLoop
) -> None:
    app = StuckApp()
    ended = Ended()
    guard = ExitGuard(app, loop, grace=0.05, end_process=ended)  # type: ignore[arg-type]
    guard._on_signal(signal.SIGTERM, None)  # the loop never runs: the app is stuck
    assert ended.event.wait(BOUND)
    assert ended.status == 128 + signal.SIGTERM
    assert OSC52_CLEAR in terminal  # the copied value is cleared through the terminal
    assert terminal[-1] == RESTORE_SEQUENCE  # mouse off, main screen back, cursor shown
    assert not app.clip.pending


def test_a_second_signal_does_not_wait(
    terminal: list[str], loop: asyncio.AbstractEventLoop
) -> None:
    ended = Ended()
    guard = ExitGuard(StuckApp(), loop, grace=3600, end_process=ended)  # type: ignore[arg-type]
    guard._on_signal(signal.SIGHUP, None)
    assert ended.status is None
    guard._on_signal(signal.SIGHUP, None)
    assert ended.status == 128 + signal.SIGHUP
    assert RESTORE_SEQUENCE in terminal
    guard.uninstall()


def test_the_app_is_asked_first(terminal: list[str], loop: asyncio.AbstractEventLoop) -> None:
    app = StuckApp()
    ended = Ended()
    guard = ExitGuard(app, loop, grace=3600, end_process=ended)  # type: ignore[arg-type]
    guard._on_signal(signal.SIGTERM, None)
    loop.run_until_complete(asyncio.sleep(0))  # the loop runs the request
    assert app.asked == [128 + signal.SIGTERM]
    guard.uninstall()  # the app exited in time: no hard exit
    assert ended.status is None and terminal == []


def test_handlers_are_installed_and_put_back(loop: asyncio.AbstractEventLoop) -> None:
    before = {name: signal.getsignal(getattr(signal, name)) for name in runner.HANDLED_SIGNALS}
    guard = ExitGuard(StuckApp(), loop)  # type: ignore[arg-type]
    guard.install()
    try:
        for name in runner.HANDLED_SIGNALS:
            assert signal.getsignal(getattr(signal, name)) == guard._on_signal
    finally:
        guard.uninstall()
    assert {name: signal.getsignal(getattr(signal, name)) for name in before} == before


async def test_an_osc52_clear_after_the_driver_is_gone_reaches_the_terminal(
    make_app: MakeApp, terminal: list[str]
) -> None:
    """The app ended without `q` (a crash, a signal): the clear used to be dropped."""

    class NoSystemClipboard(MemoryClipboard):
        def copy(self, text: str) -> None:
            import pyperclip

            raise pyperclip.PyperclipException("none")

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.clip = Clipboard(app._write_osc52, system=NoSystemClipboard(), timeout=60)
        await pilot.press("j", "c")
        await settle(pilot)
        assert app.clip.pending
        app._on_terminal = True  # as in a real terminal (run_test is headless)
        app.exit()
    app.clip.clear_now_if_ours()
    assert terminal == [OSC52_CLEAR]


def test_threads_that_outlive_the_app_end_the_process() -> None:
    before = set(threading.enumerate())
    release = threading.Event()
    blocked = threading.Thread(target=release.wait, name="blocked-worker")
    blocked.start()
    ended = Ended()
    try:
        cli.end_if_threads_linger(0, before, grace=0.05, end_process=ended)
        assert ended.status == 0
    finally:
        release.set()
        blocked.join(BOUND)


def test_no_lingering_thread_no_hard_exit() -> None:
    before = set(threading.enumerate())
    done = threading.Thread(target=lambda: None)
    done.start()
    ended = Ended()
    cli.end_if_threads_linger(0, before, grace=BOUND, end_process=ended)
    assert ended.status is None


def test_ctrl_c_outside_the_app_prints_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def interrupted(argv: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_main", interrupted)
    assert cli.main([]) == cli.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert err == "fnox-tui: interrupted\n"
