"""Pilot tests of values: reveal, reveal-all, stale results, idle clearing, copy, screenshots."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from fnox_tui.core.clipboard import Clipboard
from fnox_tui.core.model import EffectiveSecret
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
from fnox_tui.ui.widgets.secret_tree import SecretNode
from tests.test_ui_main import SIZE, details_text
from tests.ui_fixtures import MakeApp, revealed, secret_key
from tests.waiting import settle, until

PLAIN_VALUE = "postgres://db/app"


class GatedResolver:
    """Resolves to a made-up value once the test opens the gate."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls: list[tuple[str, str]] = []

    def resolve(self, secret: EffectiveSecret) -> str:
        self.calls.append((secret.profile, secret.name))
        assert self.gate.wait(10)
        return f"value-of-{secret.name}"


class MemoryClipboard:
    def __init__(self) -> None:
        self.text = ""

    def copy(self, text: str) -> None:
        self.text = text

    def paste(self) -> str:
        return self.text


def row(app: FnoxTuiApp, key: tuple[str, str]) -> str:
    """The row of secret (profile, name) as it would be painted now."""
    text = app.main.tree.row_text(secret_key(app, *key))
    assert text is not None, key
    return text.plain


def notifications(app: FnoxTuiApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


async def test_v_reveals_and_hides_a_plain_secret(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        key = ("default", "DATABASE_URL")
        assert PLAIN_VALUE not in row(app, key)
        await pilot.press("v")
        await settle(pilot)
        assert PLAIN_VALUE in row(app, key)
        assert PLAIN_VALUE in details_text(app)
        assert revealed(app, *key) == PLAIN_VALUE
        await pilot.press("v")
        await pilot.pause()
        assert PLAIN_VALUE not in row(app, key) and "••••••" in row(app, key)
        assert secret_key(app, *key) not in app.plaintext
        assert PLAIN_VALUE not in details_text(app)


async def test_defaults_interpolate_and_env_vars_resolve(make_app: MakeApp, project: Path) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n[secrets]\n'
        'HOST = { provider = "plain", value = "db.internal" }\n'
        'URL = { default = "postgres://${HOST}/app" }\nFROM_ENV = { }\n'
    )
    app = make_app(environ={"FROM_ENV": "set-in-env"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "v", "j", "v")
        await settle(pilot)
        assert revealed(app, "default", "URL") == "postgres://db.internal/app"
        assert revealed(app, "default", "FROM_ENV") == "set-in-env"


async def test_resolution_runs_in_a_worker_and_the_ui_keeps_answering(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        resolver = GatedResolver()
        app.controller.resolver = resolver  # type: ignore[assignment]
        await pilot.press("j", "v")
        key = ("default", "DATABASE_URL")
        await until(pilot, lambda: "resolving" in row(app, key), "the row to say resolving")
        await pilot.press("j")  # the cursor still moves while the value resolves
        data = app.main.tree.cursor_node.data  # type: ignore[union-attr]
        assert isinstance(data, SecretNode) and data.secret.name == "LOG_LEVEL"
        resolver.gate.set()
        await settle(pilot)
        assert revealed(app, *key) == "value-of-DATABASE_URL"
        assert "value-of-DATABASE_URL" in row(app, key)


async def test_a_result_that_is_no_longer_wanted_is_dropped(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        resolver = GatedResolver()
        app.controller.resolver = resolver  # type: ignore[assignment]
        await pilot.press("j", "v")
        await until(pilot, lambda: resolver.calls, "the value asked for")
        await pilot.press("v")  # hide again before the answer comes
        resolver.gate.set()
        await settle(pilot)
        key = ("default", "DATABASE_URL")
        assert resolver.calls == [key]
        assert revealed(app, *key) is None
        assert "value-of" not in row(app, key)


async def test_reload_drops_answers_in_flight(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        resolver = GatedResolver()
        app.controller.resolver = resolver  # type: ignore[assignment]
        await pilot.press("j", "v")
        key = ("default", "DATABASE_URL")
        await until(pilot, lambda: "resolving" in row(app, key), "the row to say resolving")
        await pilot.press("r")
        await until(pilot, lambda: app.controller.loads >= 2, "the reload")
        resolver.gate.set()  # the answer comes after the reload: it was for the old files
        await settle(pilot)
        assert len(app.plaintext) == 0
        text = row(app, ("default", "DATABASE_URL"))
        assert "value-of" not in text and "resolving" not in text


async def test_V_reveals_every_secret_of_the_profile_then_hides_them(make_app: MakeApp) -> None:
    app = make_app(environ={"HOME_DIR": "/home/someone"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_profile("production")
        await pilot.pause()
        await pilot.press("V")
        await settle(pilot)
        names = ("DATABASE_URL", "LOG_LEVEL", "HOME_DIR", "API_TOKEN")
        keys = {secret_key(app, "production", n) for n in names}
        shown = set(app.plaintext.keys())
        assert shown & keys == keys
        assert revealed(app, "production", "DATABASE_URL") == "postgres://prod/app"
        assert revealed(app, "production", "PROD_FLAG") == "on"
        assert not any(key.profile == "default" for key in shown)
        assert "revealed" in app.main.status_bar.counters
        await pilot.press("V")
        await pilot.pause()
        assert len(app.plaintext) == 0


KMS_SECRETS = """\
[providers]
kms = { type = "aws-kms", key_id = "alias/app", region = "us-east-1" }

[secrets]
A = { provider = "kms", value = "AQID" }
B = { provider = "kms", value = "AQID" }
C = { provider = "kms", value = "AQID" }
D = { provider = "kms", value = "AQID" }
"""


async def test_V_shows_progress_and_runs_network_calls_concurrently(
    make_app: MakeApp, project: Path
) -> None:
    (project / "fnox.toml").write_text(KMS_SECRETS)
    app = make_app(settings=AppSettings(concurrency=8))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        resolver = GatedResolver()
        app.controller.resolver = resolver  # type: ignore[assignment]
        await pilot.press("V")
        # All four start at once (the gate holds every call: one at a time would stop at 1).
        await until(pilot, lambda: len(resolver.calls) == 4, "four calls under way")
        assert app.main.status_bar.progress.startswith("Revealing default: 0/4")
        resolver.gate.set()
        await settle(pilot)
        assert len(app.plaintext) == 4
        assert app.main.status_bar.progress == ""


async def test_values_are_forgotten_after_idle_time(make_app: MakeApp) -> None:
    app = make_app(settings=AppSettings(idle_seconds=0.5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        assert len(app.plaintext) == 1
        await until(pilot, lambda: len(app.plaintext) == 0, "the values forgotten")
        assert PLAIN_VALUE not in row(app, ("default", "DATABASE_URL"))
        assert "without a key press" in notifications(app)


async def test_copy_through_the_system_clipboard_and_timed_clear(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        system = MemoryClipboard()
        app.clip = Clipboard(system=system, timeout=0.4)
        await pilot.press("j", "c")  # not revealed yet: resolved first, then copied
        await settle(pilot)
        assert system.text == PLAIN_VALUE
        text = notifications(app)
        assert "DATABASE_URL" in text and PLAIN_VALUE not in text
        await until(pilot, lambda: system.text == "", "the clipboard cleared")
        assert "Clipboard cleared" in notifications(app)


async def test_clear_leaves_what_the_user_copied_since(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        system = MemoryClipboard()
        app.clip = Clipboard(system=system, timeout=0.3)
        await pilot.press("j", "c")
        await settle(pilot)
        system.text = "something the user copied"
        await until(pilot, lambda: not app.clip.pending, "the clear to come due")
        assert system.text == "something the user copied"


async def test_copy_falls_back_to_osc52(make_app: MakeApp) -> None:
    import pyperclip

    class NoBackend(MemoryClipboard):
        def copy(self, text: str) -> None:
            raise pyperclip.PyperclipException("no copy/paste mechanism")

    written: list[str] = []
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.clip = Clipboard(osc52_writer=written.append, system=NoBackend(), timeout=0.3)
        await pilot.press("j", "v")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert written and written[0].startswith("\x1b]52;c;")
        assert "OSC 52" in notifications(app)
        # Cleared: an empty selection.
        await until(pilot, lambda: written[-1] == "\x1b]52;c;\x07", "the clear sequence")


async def test_quit_clears_the_clipboard_if_still_ours(make_app: MakeApp) -> None:
    system = MemoryClipboard()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.clip = Clipboard(system=system, timeout=60)
        await pilot.press("j", "c")
        await settle(pilot)
        assert system.text == PLAIN_VALUE
        await pilot.press("q")
        await pilot.pause()
    assert system.text == ""


async def test_screenshot_command_never_captures_a_revealed_value(
    make_app: MakeApp, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        assert PLAIN_VALUE in row(app, ("default", "DATABASE_URL"))
        app.save_screenshot("shot.svg", str(tmp_path))
        app.deliver_screenshot("shot2.svg", str(tmp_path))
        await until(pilot, lambda: len(list(tmp_path.glob("shot*.svg"))) == 2, "both shots")
        await settle(pilot)
    shots = [path.read_text() for path in tmp_path.glob("shot*.svg")]
    assert shots, "no screenshot written"
    for svg in shots:
        assert (
            "postgres://db/app" not in svg and "postgres://db/app".replace("/", "&#47;") not in svg
        )
    assert len(app.plaintext) == 0


async def test_unsupported_provider_explains_itself(make_app: MakeApp, project: Path) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nv = { type = "vault", address = "http://127.0.0.1:1" }\n'
        '[secrets]\nFROM_VAULT = { provider = "v", value = "secret/app" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")
        await settle(pilot)
        text = details_text(app)
        assert "cannot resolve" in text and "fnox get" in text
        assert "✗" in row(app, ("default", "FROM_VAULT"))


def test_a_crash_report_never_shows_local_variables(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from rich.console import Console

    app = make_app()
    monkeypatch.setattr(app, "_close_messages_no_wait", lambda: None)
    # A local holding a value, built at run time so the source excerpt cannot show it.
    plaintext = "-".join(["value", "that", "must", "not", "print"])
    try:
        raise RuntimeError(f"failed after {len(plaintext)} characters")
    except RuntimeError:
        app._fatal_error()  # what Textual calls on an unhandled exception
    console = Console(file=io.StringIO(), width=200, record=True)
    for renderable in app._exit_renderables:
        console.print(renderable)
    report = console.export_text()
    assert "RuntimeError: failed after 25 characters" in report
    assert "value-that-must-not-print" not in report


class DeniedResolver:
    """Fails as KMS does when the caller may not decrypt, with the policy to grant."""

    POLICY = '{"Version": "2012-10-17", "Statement": [{"Action": ["kms:Decrypt"]}]}'

    def resolve(self, secret: EffectiveSecret) -> str:
        from fnox_tui.core.providers.base import ProviderError

        raise ProviderError(
            "Access to the KMS key was denied.", hint="Grant this:", detail=self.POLICY
        )


async def test_y_copies_the_whole_text_of_an_error_with_its_iam_policy(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        system = MemoryClipboard()
        app.plain_clip = Clipboard(system=system, timeout=0)
        app.controller.resolver = DeniedResolver()  # type: ignore[assignment]
        await pilot.press("j", "y")  # nothing to copy yet
        assert system.text == ""
        await pilot.press("v")
        await settle(pilot)
        assert "kms:Decrypt" in details_text(app)
        await pilot.press("y")
        assert system.text == (
            f"Access to the KMS key was denied.\n\nGrant this:\n\n{DeniedResolver.POLICY}"
        )
        assert "Copied the error's text" in notifications(app)


async def test_t_on_a_secret_checks_its_provider(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "t")
        await settle(pilot)
        provider = app.workspace.profiles["default"].secrets[0].provider  # type: ignore[union-attr]
        result = app.values.checks[provider.id]
        assert result.ok and "Plain" in result.badge
        assert f"Provider check  {result.badge}" in details_text(app)  # in the secret's own
        assert "The result is in the Providers branch" not in notifications(app)


async def test_control_characters_never_reach_the_terminal(
    make_app: MakeApp, project: Path
) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\nplain = { type = "plain" }\n[secrets]\n'
        '"[b]ODD\\u001b]0;x\\u0007" = { provider = "plain", value = "a\\u001b[2Jb\\r\\nc\\u009bd",'
        ' description = "d\\u001b[31m" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.clip = Clipboard(system=MemoryClipboard(), timeout=60)
        await pilot.press("j", "v")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        key = ("default", "[b]ODD\x1b]0;x\x07")
        assert revealed(app, *key) == "a\x1b[2Jb\r\nc\x9bd"  # the value itself is intact
        shown = [row(app, key), details_text(app), notifications(app)]
        for text in shown:
            assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "a␛[2Jb⏎c\\x9bd" in shown[0]
        assert "[b]ODD␛]0;x␇" in shown[2]  # literal, not markup
