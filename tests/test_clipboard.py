"""Clipboard copy with auto-clear: system clipboard, OSC 52 fallback, timing, exit."""

from __future__ import annotations

import base64
import logging
import sys
import time
from pathlib import Path

import pyperclip
import pytest

from fnox_tui.core.clipboard import (
    DEFAULT_TIMEOUT,
    TIMEOUT_ENV,
    ClearOutcome,
    Clipboard,
    ClipboardError,
    osc52_clear_sequence,
    osc52_sequence,
    parse_timeout,
)
from tests.fake_clock import FakeClock

SECRET = "sk_test_demo_clipboard_value"


class FakeSystemClipboard:
    """An in-memory clipboard standing in for pyperclip's backend."""

    def __init__(self) -> None:
        self.content = ""
        self.copies: list[str] = []

    def copy(self, text: str) -> None:
        self.content = str(text)
        self.copies.append(self.content)

    def paste(self) -> str:
        return self.content


@pytest.fixture
def system(monkeypatch: pytest.MonkeyPatch) -> FakeSystemClipboard:
    fake = FakeSystemClipboard()
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):  # no clipboard program: pyperclip is used
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pyperclip, "copy", fake.copy)
    monkeypatch.setattr(pyperclip, "paste", fake.paste)
    return fake


@pytest.fixture
def no_system(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*args: object) -> str:
        raise pyperclip.PyperclipException("Pyperclip could not find a copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", unavailable)
    monkeypatch.setattr(pyperclip, "paste", unavailable)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def terminal() -> list[str]:
    return []


def make(clock: FakeClock, terminal: list[str] | None = None, **kwargs: object) -> Clipboard:
    writer = terminal.append if terminal is not None else None
    return Clipboard(writer, clock=clock, environ={}, **kwargs)  # type: ignore[arg-type]


# -- OSC 52 and the timeout setting ------------------------------------------------------


def test_osc52_sequence_is_base64_of_utf8() -> None:
    sequence = osc52_sequence("pässword")
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert base64.b64decode(sequence[len("\x1b]52;c;") : -1]).decode() == "pässword"
    assert osc52_clear_sequence() == "\x1b]52;c;\x07"


@pytest.mark.parametrize(
    ("text", "expected"), [("45", 45.0), ("0.5", 0.5), (" 10 ", 10.0), ("0", None)]
)
def test_parse_timeout(text: str, expected: float | None) -> None:
    assert parse_timeout(text) == expected


@pytest.mark.parametrize("text", ["", "soon", "-1", "nan", "inf"])
def test_parse_timeout_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timeout(text)


def test_timeout_default_env_and_argument(clock: FakeClock) -> None:
    assert Clipboard(environ={}).timeout == DEFAULT_TIMEOUT
    assert Clipboard(environ={TIMEOUT_ENV: "10"}).timeout == 10.0
    assert Clipboard(timeout=5, environ={TIMEOUT_ENV: "10"}).timeout == 5.0
    assert Clipboard(environ={TIMEOUT_ENV: "0"}).timeout is None
    bad = Clipboard(environ={TIMEOUT_ENV: "later"})
    assert bad.timeout == DEFAULT_TIMEOUT
    assert TIMEOUT_ENV in bad.warning
    with pytest.raises(ValueError):
        Clipboard(timeout=-3, environ={})


def test_timeout_read_from_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TIMEOUT_ENV, "12.5")
    assert Clipboard().timeout == 12.5


# -- the system clipboard -----------------------------------------------------------------


def test_copy_uses_system_clipboard(
    system: FakeSystemClipboard, clock: FakeClock, terminal: list[str]
) -> None:
    clipboard = make(clock, terminal)
    result = clipboard.copy(SECRET)
    assert result.method == "system"
    assert result.fallback_reason == ""
    assert result.timeout == DEFAULT_TIMEOUT
    assert result.deadline == clock.now + DEFAULT_TIMEOUT == clipboard.deadline
    assert "cleared in 45 seconds" in result.message
    assert system.content == SECRET
    assert terminal == []


def test_timed_clear(system: FakeSystemClipboard, clock: FakeClock) -> None:
    clipboard = make(clock)
    clipboard.copy(SECRET)
    clock.advance(30)
    assert clipboard.seconds_left() == pytest.approx(15)
    assert clipboard.clear_if_due() is ClearOutcome.NOT_DUE
    assert system.content == SECRET
    clock.advance(15)
    assert clipboard.clear_if_due() is ClearOutcome.CLEARED
    assert system.content == ""
    assert not clipboard.pending and clipboard.deadline is None
    assert clipboard.clear_if_due() is ClearOutcome.NOTHING


def test_user_copied_something_else_is_left_alone(
    system: FakeSystemClipboard, clock: FakeClock
) -> None:
    clipboard = make(clock)
    clipboard.copy(SECRET)
    system.copy("something the user copied")
    clock.advance(DEFAULT_TIMEOUT)
    assert clipboard.clear_if_due() is ClearOutcome.CHANGED
    assert system.content == "something the user copied"
    assert clipboard.clear_now_if_ours() is ClearOutcome.NOTHING
    assert system.content == "something the user copied"


def test_trailing_newline_from_the_clipboard_program_still_matches(
    system: FakeSystemClipboard, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pyperclip, "paste", lambda: system.content + "\r\n")
    clipboard = make(clock)
    clipboard.copy(SECRET)
    assert clipboard.clear_now_if_ours() is ClearOutcome.CLEARED
    assert system.content == ""


def test_a_later_copy_moves_the_deadline(system: FakeSystemClipboard, clock: FakeClock) -> None:
    clipboard = make(clock)
    clipboard.copy(SECRET)
    clock.advance(30)
    clipboard.copy("second value")
    clock.advance(15)  # the first copy's timer fires
    assert clipboard.clear_if_due() is ClearOutcome.NOT_DUE
    assert system.content == "second value"
    clock.advance(30)
    assert clipboard.clear_if_due() is ClearOutcome.CLEARED
    assert system.content == ""


def test_exit_clears_our_value_at_once(system: FakeSystemClipboard, clock: FakeClock) -> None:
    clipboard = make(clock)
    assert clipboard.clear_now_if_ours() is ClearOutcome.NOTHING
    clipboard.copy(SECRET)
    assert clipboard.clear_now_if_ours() is ClearOutcome.CLEARED
    assert system.content == ""
    assert clipboard.clear_now_if_ours() is ClearOutcome.NOTHING


def test_zero_timeout_never_clears_by_itself(system: FakeSystemClipboard, clock: FakeClock) -> None:
    clipboard = make(clock, timeout=0)
    result = clipboard.copy(SECRET)
    assert result.timeout is None and result.deadline is None
    assert result.message == "Copied."
    clock.advance(10_000)
    assert clipboard.clear_if_due() is ClearOutcome.NOT_DUE
    assert system.content == SECRET
    assert clipboard.clear_now_if_ours() is ClearOutcome.CLEARED


def test_only_a_keyed_digest_is_kept(system: FakeSystemClipboard, clock: FakeClock) -> None:
    clipboard = make(clock)
    clipboard.copy(SECRET)
    pending = clipboard._pending
    assert pending is not None
    state = [*vars(clipboard).values(), *(getattr(pending, s) for s in pending.__slots__)]
    assert not any(SECRET in repr(value) for value in state)
    assert SECRET.encode() not in pending.digest


def test_clear_failure_does_not_log_the_value(
    system: FakeSystemClipboard,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clipboard = make(clock)
    clipboard.copy(SECRET)

    def broken_paste() -> str:
        raise OSError(f"xclip died holding {SECRET}")

    monkeypatch.setattr(pyperclip, "paste", broken_paste)
    with caplog.at_level(logging.DEBUG):
        assert clipboard.clear_now_if_ours() is ClearOutcome.FAILED
    assert caplog.records
    assert SECRET not in caplog.text


def test_klipper_is_refused(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock, terminal: list[str]
) -> None:
    argv: list[str] = []

    def copy_klipper(text: str) -> None:
        argv.append(text)

    monkeypatch.setattr(pyperclip, "copy", copy_klipper)
    result = make(clock, terminal).copy(SECRET)
    assert result.method == "osc52"
    assert "klipper" in result.fallback_reason
    assert argv == []


# -- the OSC 52 fallback ------------------------------------------------------------------


@pytest.mark.usefixtures("no_system")
def test_falls_back_to_osc52(clock: FakeClock, terminal: list[str]) -> None:
    clipboard = make(clock, terminal)
    result = clipboard.copy(SECRET)
    assert result.method == "osc52"
    assert "xclip" in result.fallback_reason
    assert "OSC 52" in result.message
    assert terminal == [osc52_sequence(SECRET)]
    clock.advance(DEFAULT_TIMEOUT - 1)
    assert clipboard.clear_if_due() is ClearOutcome.NOT_DUE
    clock.advance(1)
    # OSC 52 cannot be read back: cleared unconditionally.
    assert clipboard.clear_if_due() is ClearOutcome.CLEARED
    assert terminal == [osc52_sequence(SECRET), osc52_clear_sequence()]


@pytest.mark.usefixtures("no_system")
def test_osc52_exit_clear(clock: FakeClock, terminal: list[str]) -> None:
    clipboard = make(clock, terminal)
    clipboard.copy(SECRET)
    assert clipboard.clear_now_if_ours() is ClearOutcome.CLEARED
    assert terminal[-1] == osc52_clear_sequence()


@pytest.mark.usefixtures("no_system")
def test_no_clipboard_at_all(clock: FakeClock) -> None:
    with pytest.raises(ClipboardError) as caught:
        make(clock).copy(SECRET)
    assert SECRET not in str(caught.value)
    assert caught.value.__context__ is None
    assert "xclip" in str(caught.value)


@pytest.mark.usefixtures("no_system")
def test_system_only_mode_does_not_fall_back(clock: FakeClock, terminal: list[str]) -> None:
    with pytest.raises(ClipboardError):
        make(clock, terminal, mode="system").copy(SECRET)
    assert terminal == []


def test_osc52_mode_skips_the_system_clipboard(
    system: FakeSystemClipboard, clock: FakeClock, terminal: list[str]
) -> None:
    result = make(clock, terminal, mode="osc52").copy(SECRET)
    assert result.method == "osc52" and result.fallback_reason == ""
    assert system.copies == []


def test_writer_failure_is_reported_without_the_value(clock: FakeClock) -> None:
    def writer(sequence: str) -> None:
        raise RuntimeError(f"driver closed while writing {sequence}")

    clipboard = Clipboard(writer, mode="osc52", clock=clock, environ={})
    with pytest.raises(ClipboardError) as caught:
        clipboard.copy(SECRET)
    assert SECRET not in str(caught.value)
    assert caught.value.__suppress_context__
    assert not clipboard.pending


@pytest.mark.skipif(
    not sys.platform.startswith("linux")
    or "microsoft" in Path("/proc/version").read_text().lower(),
    reason="pyperclip's headless Linux detection",
)
def test_headless_linux_uses_osc52(
    monkeypatch: pytest.MonkeyPatch, clock: FakeClock, terminal: list[str]
) -> None:
    """The real pyperclip with no DISPLAY and no WAYLAND_DISPLAY finds no clipboard."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setattr(pyperclip, "paste", pyperclip.lazy_load_stub_paste)
    assert make(clock, terminal).copy(SECRET).method == "osc52"


# -- the built-in timer -------------------------------------------------------------------


def wait_for(condition: object, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.01)
    return False


def test_builtin_timer_clears(system: FakeSystemClipboard) -> None:
    clipboard = Clipboard(timeout=0.05, auto_timer=True, environ={})
    clipboard.copy(SECRET)
    assert wait_for(lambda: system.content == "")
    assert not clipboard.pending


def test_builtin_timer_leaves_a_new_value_alone(system: FakeSystemClipboard) -> None:
    clipboard = Clipboard(timeout=0.05, auto_timer=True, environ={})
    clipboard.copy(SECRET)
    system.copy("the user's own")
    assert wait_for(lambda: not clipboard.pending)
    assert system.content == "the user's own"


def test_close_cancels_the_builtin_timer(system: FakeSystemClipboard) -> None:
    clipboard = Clipboard(timeout=0.05, auto_timer=True, environ={})
    clipboard.copy(SECRET)
    timer = clipboard._timer
    assert timer is not None
    clipboard.close()
    timer.join(60)  # a cancelled timer ends at once; one left running clears, then ends
    assert not timer.is_alive()
    assert system.content == SECRET
