"""Every way out, with ``fnox-tui`` running on a pseudo-terminal: ``q`` ends the process at
once whatever the workers do, ctrl+c prints no traceback, and SIGTERM / SIGHUP / SIGINT leave
the terminal restored and the clipboard cleared.

Times are acceptance bounds, generous so a loaded machine only makes the tests slower: ``q``
takes well under a second, where a hanging KMS call used to keep the process ~15 s.
"""

from __future__ import annotations

import base64
import os
import signal
import textwrap
from pathlib import Path

import pytest

from tests.fake_endpoints import SilentEndpoint
from tests.pty_app import ALT_SCREEN_OFF, ALT_SCREEN_ON, MOUSE_OFF, PtyApp

# The process must be gone this long after `q` (it takes < 1 s; it used to take ~15 s).
EXIT_BOUND = 5.0
START_BOUND = 60.0  # first paint, on a loaded machine
VALUE = "sk_live_made_up_value_for_exit_tests"
OSC52_CLEAR = b"\x1b]52;c;\x07"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    (home / ".config" / "fnox").mkdir(parents=True)
    return {
        "HOME": str(home),
        "FNOX_CONFIG_DIR": str(home / ".config" / "fnox"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "aws-credentials"),
    }


def project(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "fnox.toml").write_text(textwrap.dedent(text))
    return root


def start(app: PtyApp) -> None:
    # The status line's summary: the workspace is shown (the KMS counter shows only with KMS).
    assert app.wait_for_text("file(s)", START_BOUND), app.text()[-2000:]


def test_q_ends_the_process_while_a_kms_call_hangs(tmp_path: Path, env: dict[str, str]) -> None:
    stored = base64.b64encode(b"not really a ciphertext").decode()
    with SilentEndpoint() as endpoint:
        root = project(
            tmp_path,
            f"""\
            [providers]
            kms = {{ type = "aws-kms", key_id = "alias/app", region = "us-east-1", endpoint = "{endpoint.url}" }}
            [secrets]
            TOKEN = {{ provider = "kms", value = "{stored}" }}
            """,
        )
        with PtyApp([], cwd=root, env=env) as app:
            start(app)
            app.send("j")
            app.send("v")
            assert endpoint.accepted.wait(START_BOUND)  # the call is under way, and hangs
            assert app.wait_for_text("resolving", START_BOUND)
            app.send("q")
            app.send(b"\x03")  # ctrl+c straight after, as an impatient user would
            status = app.wait_exit(EXIT_BOUND)
            assert status is not None, "still running after q"
            assert status in (0, 130)
            assert app.wait_output_end(EXIT_BOUND)
            assert ALT_SCREEN_OFF in app.output
            assert "Traceback" not in app.text() and "KeyboardInterrupt" not in app.text()


def test_a_fifo_key_file_neither_hangs_the_row_nor_the_exit(
    tmp_path: Path, env: dict[str, str]
) -> None:
    root = project(
        tmp_path,
        """\
        [providers]
        age = { type = "age", recipients = ["age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"], key_file = "key.fifo" }
        [secrets]
        TOKEN = { provider = "age", value = "YWdlLWVuY3J5cHRpb24ub3JnL3YxCg==" }
        """,
    )
    os.mkfifo(root / "key.fifo")
    with PtyApp([], cwd=root, env=env) as app:
        start(app)
        app.send("j")
        app.send("v")
        assert app.wait_for_text("named pipe (FIFO)", START_BOUND), app.text()[-3000:]
        app.send("q")
        assert app.wait_exit(EXIT_BOUND) == 0


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_restores_the_terminal_and_clears_the_clipboard(
    tmp_path: Path, env: dict[str, str], name: str
) -> None:
    root = project(
        tmp_path,
        f"""\
        [providers]
        plain = {{ type = "plain" }}
        [secrets]
        TOKEN = {{ provider = "plain", value = "{VALUE}" }}
        """,
    )
    signum = getattr(signal, name)
    with PtyApp([], cwd=root, env=env) as app:  # no DISPLAY: copies go through OSC 52
        start(app)
        app.send("j")
        app.send("v")
        assert app.wait_for_text("1 revealed", START_BOUND)
        app.send("c")
        copied = base64.b64encode(VALUE.encode()).decode()
        assert app.wait_for(lambda: copied in app.osc52_payloads(), START_BOUND)
        before = len(app.output)
        app.signal(signum)
        status = app.wait_exit(EXIT_BOUND)
        assert status == 128 + signum, status
        assert app.wait_output_end(EXIT_BOUND)
        after = app.output[before:]
        assert OSC52_CLEAR in after  # the copied value is no longer on the clipboard
        assert MOUSE_OFF in after
        assert after.rfind(ALT_SCREEN_OFF) > after.rfind(ALT_SCREEN_ON)  # back on the main screen
        assert "Traceback" not in app.text()
