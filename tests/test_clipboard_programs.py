"""The system clipboard through its programs: a failing xclip (a dead X server) is not reported
as a copy, and nothing it prints reaches the terminal the TUI draws on."""

from __future__ import annotations

import os
import signal
import stat
import textwrap
import time
from pathlib import Path

import pytest

from fnox_tui.core.clipboard import Clipboard, DetectedClipboard, PyperclipClipboard
from fnox_tui.core.clipboard_programs import (
    XCLIP,
    ClipboardProgramError,
    ProgramClipboard,
    find_program,
)
from fnox_tui.ui.app import FnoxTuiApp
from tests.test_ui_main import SIZE
from tests.test_ui_values import PLAIN_VALUE, notifications
from tests.ui_fixtures import MakeApp
from tests.waiting import settle

SECRET = "sk_test_demo_clipboard_value"
DEAD_DISPLAY = """\
    #!/bin/sh
    # xclip with DISPLAY naming an X server that is not there.
    cat > /dev/null
    echo "Error: Can't open display: $DISPLAY" >&2
    echo "xclip-stdout-marker"
    exit 1
"""
# Stores the clipboard in $FAKE_CLIPBOARD; records its arguments in $FAKE_CLIPBOARD.args.
WORKING = """\
    #!/bin/sh
    echo "$@" >> "$FAKE_CLIPBOARD.args"
    case "$*" in
      *-out*) cat "$FAKE_CLIPBOARD" ;;
      *) cat > "$FAKE_CLIPBOARD" ;;
    esac
"""
# Exits 0 and keeps nothing: the copy must not be believed.
FORGETFUL = """\
    #!/bin/sh
    cat > /dev/null
    exit 0
"""
# Like the real xclip: the copy returns while a background process keeps serving the
# selection with the inherited stdout and stderr still open.
DAEMONIZING = """\
    #!/bin/sh
    case "$*" in
      *-out*) cat "$FAKE_CLIPBOARD" ;;
      *) cat > "$FAKE_CLIPBOARD"; sleep 120 & echo $! > "$FAKE_CLIPBOARD.pid" ;;
    esac
"""


def fake_xclip(tmp_path: Path, script: str) -> dict[str, str]:
    """A directory with a fake ``xclip`` first on PATH, and the environment that uses it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    program = bin_dir / "xclip"
    program.write_text(textwrap.dedent(script))
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "DISPLAY": ":99",
        "FAKE_CLIPBOARD": str(tmp_path / "clipboard"),
    }


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return monkeypatch


def use(monkeypatch: pytest.MonkeyPatch, environ: dict[str, str]) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)


def test_a_dead_display_falls_back_to_osc52_and_says_why(
    tmp_path: Path, session: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    use(session, fake_xclip(tmp_path, DEAD_DISPLAY))
    terminal: list[str] = []
    clipboard = Clipboard(terminal.append, environ={})  # the default: the session's program
    result = clipboard.copy(SECRET)
    assert result.method == "osc52" and terminal[0].startswith("\x1b]52;c;")
    assert result.message.startswith(
        "Copied through the terminal (OSC 52) because xclip failed "
        "(exit status 1: Error: Can't open display: :99);"
    )
    assert SECRET not in result.message
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # nothing xclip said reached the terminal


def test_system_mode_reports_the_failure(tmp_path: Path, session: pytest.MonkeyPatch) -> None:
    use(session, fake_xclip(tmp_path, DEAD_DISPLAY))
    from fnox_tui.core.clipboard import ClipboardError

    with pytest.raises(ClipboardError, match="xclip failed"):
        Clipboard(mode="system", environ={}).copy(SECRET)


def test_a_copy_that_does_not_stick_is_not_believed(
    tmp_path: Path, session: pytest.MonkeyPatch
) -> None:
    use(session, fake_xclip(tmp_path, FORGETFUL))
    terminal: list[str] = []
    result = Clipboard(terminal.append, environ={}).copy(SECRET)
    assert result.method == "osc52"
    assert "because the system clipboard did not keep the value" in result.message


def test_a_working_program_gets_the_text_on_stdin_only(
    tmp_path: Path, session: pytest.MonkeyPatch
) -> None:
    environ = fake_xclip(tmp_path, WORKING)
    use(session, environ)
    clipboard = Clipboard(environ={}, timeout=60)
    result = clipboard.copy(SECRET)
    assert result.method == "system" and result.message.startswith("Copied;")
    store = Path(environ["FAKE_CLIPBOARD"])
    assert store.read_text() == SECRET
    assert SECRET not in Path(f"{store}.args").read_text()  # never on a command line
    clipboard.clear_now_if_ours()
    assert store.read_text() == ""


def test_the_background_half_of_xclip_does_not_hold_the_copy(
    tmp_path: Path, session: pytest.MonkeyPatch
) -> None:
    environ = fake_xclip(tmp_path, DAEMONIZING)
    use(session, environ)
    program = ProgramClipboard(XCLIP, timeout=30)
    started = time.monotonic()
    try:
        program.copy(SECRET)
        assert time.monotonic() - started < 30  # it did not wait for the background process
        assert program.paste() == SECRET
    finally:
        pid_file = Path(environ["FAKE_CLIPBOARD"] + ".pid")
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_a_hanging_program_is_stopped(tmp_path: Path, session: pytest.MonkeyPatch) -> None:
    use(session, fake_xclip(tmp_path, "#!/bin/sh\nexec sleep 120\n"))
    with pytest.raises(ClipboardProgramError, match=r"xclip did not finish within 0\.2 seconds$"):
        ProgramClipboard(XCLIP, timeout=0.2).copy(SECRET)


def test_a_complaint_that_repeats_the_text_is_not_shown(
    tmp_path: Path, session: pytest.MonkeyPatch
) -> None:
    use(session, fake_xclip(tmp_path, '#!/bin/sh\necho "bad input: $(cat)" >&2\nexit 2\n'))
    with pytest.raises(ClipboardProgramError) as caught:
        ProgramClipboard(XCLIP).copy(SECRET)
    assert str(caught.value) == "xclip failed (exit status 2)"


def test_program_choice_follows_the_session(tmp_path: Path) -> None:
    environ = fake_xclip(tmp_path, WORKING)
    found = find_program(environ, platform="linux")
    assert found is not None and found.name == "xclip"
    assert find_program({**environ, "DISPLAY": ""}, platform="linux") is None
    assert find_program(environ, platform="win32") is None
    assert isinstance(DetectedClipboard({"PATH": "/nonexistent"}).backend, PyperclipClipboard)


async def test_c_with_a_dead_display_says_so(
    make_app: MakeApp, tmp_path: Path, session: pytest.MonkeyPatch
) -> None:
    use(session, fake_xclip(tmp_path, DEAD_DISPLAY))
    app: FnoxTuiApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "c")
        await settle(pilot)
        text = notifications(app)
        assert "Copied through the terminal (OSC 52) because xclip failed" in text
        assert "Can't open display" in text and PLAIN_VALUE not in text
