"""Helpers for the walkthrough's Pilot tests: workspaces, waiting, walking through the steps."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import ProviderDef
from fnox_tui.ui.app import AppSettings, FnoxTuiApp
from fnox_tui.ui.compat import screen_text
from fnox_tui.ui.screens.rotation import open_rotation
from fnox_tui.ui.screens.rotation.screen import RotationScreen
from fnox_tui.ui.screens.rotation.session import Options
from fnox_tui.ui.screens.rotation.steps import Step
from tests import waiting

SIZE = (120, 36)

# Values the KMS workspace holds: (file, table, name) -> plaintext.
KMS_VALUES: dict[tuple[str, str, str], str] = {
    ("fnox.toml", "secrets", "API_TOKEN"): "tok-123",
    ("fnox.toml", "secrets", "SHADOWED"): "base value",
    ("fnox.toml", "profiles.prod.secrets", "PROD_PASSWORD"): "pässwörd ✓",
    ("fnox.local.toml", "secrets", "SHADOWED"): "local value",
    ("fnox.staging.toml", "secrets", "STAGING_ONLY"): "multi\nline",
}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def write_kms_project(
    root: Path,
    key_id: str,
    encrypt: Callable[[bytes], bytes],
    *,
    endpoint: str | None = None,
    values: dict[tuple[str, str, str], str] | None = None,
) -> Path:
    """A project over three files and two profiles whose values ``encrypt`` produced."""
    root.mkdir(parents=True, exist_ok=True)
    extra = f', endpoint = "{endpoint}"' if endpoint else ""
    files: dict[str, list[str]] = {
        "fnox.toml": [
            "root = true",
            "# the team's key",
            "[providers]",
            f'kms = {{ type = "aws-kms", key_id = "{key_id}", region = "us-east-1"{extra} }}',
            'plain = { type = "plain" }',
            "",
            "[secrets]",
            'LOG_LEVEL = { provider = "plain", value = "debug" }',
        ]
    }
    tables: dict[tuple[str, str], list[str]] = {}
    for (file, table, name), plaintext in (values or KMS_VALUES).items():
        line = f'{name} = {{ provider = "kms", value = "{b64(encrypt(plaintext.encode()))}" }}'
        tables.setdefault((file, table), []).append(line)
    for (file, table), lines in tables.items():
        body = files.setdefault(file, [])
        if not (file == "fnox.toml" and table == "secrets"):
            body += ["", f"[{table}]"]
        body += lines
    for file, body in files.items():
        (root / file).write_text("\n".join(body) + "\n", encoding="utf-8")
    return root


def make_app(
    root: Path, environ: dict[str, str] | None = None, settings: AppSettings | None = None
) -> FnoxTuiApp:
    home = root.parent / "home"
    (home / "cfg").mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / "cfg"), **(environ or {})}
    source = WorkspaceSource(cwd=root, environ=env)
    return FnoxTuiApp(source, workspace=source.load(), settings=settings)


def provider(app: FnoxTuiApp, name: str, profile: str | None = None) -> ProviderDef:
    assert app.workspace is not None
    for definition in app.workspace.providers:
        if definition.name == name and definition.profile == profile:
            return definition
    raise KeyError(name)


async def until(
    pilot: Pilot[Any], condition: Callable[[], bool], what: str = "", seconds: float = 60.0
) -> None:
    """Wait (letting the app run) until ``condition()`` holds; fail after ``seconds``."""
    await waiting.until(pilot, condition, what, seconds)


def walkthrough(app: FnoxTuiApp) -> RotationScreen:
    screen = app.screen
    assert isinstance(screen, RotationScreen), type(screen)
    return screen


async def open_walkthrough(
    pilot: Pilot[Any], name: str, profile: str | None = None, options: Options | None = None
) -> RotationScreen:
    app: FnoxTuiApp = pilot.app  # type: ignore[assignment]
    screen = open_rotation(app, provider(app, name, profile), options)
    assert screen is not None
    await until(
        pilot,
        lambda: screen.session is not None and screen.session.loaded is not None,
        "step 1 loaded",
    )
    await pilot.pause()
    return screen


async def enter_text(pilot: Pilot[Any], screen: RotationScreen, selector: str, text: str) -> None:
    field = screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()
    await pilot.press("enter")


async def choose_key(pilot: Pilot[Any], screen: RotationScreen, key: str) -> None:
    """Step 2 (KMS): paste ``key`` and wait until it is accepted."""
    await pilot.press("n")
    assert screen.step is Step.NEW
    await enter_text(pilot, screen, "#key-input", key)
    await until(pilot, lambda: not screen.busy and screen.session.target is not None, "key")  # type: ignore[union-attr]


async def run_to_verify(pilot: Pilot[Any], screen: RotationScreen) -> None:
    """Steps 3 and 4: the plan, then re-encrypt everything."""
    await pilot.press("n")
    assert screen.step is Step.PLAN
    await pilot.press("n")
    await until(pilot, lambda: not screen.busy and screen.session.complete, "all re-encrypted")  # type: ignore[union-attr]
    await pilot.press("n")
    assert screen.step is Step.VERIFY
    await pilot.pause()


async def commit(pilot: Pilot[Any], screen: RotationScreen) -> None:
    """Steps 6 and 7: prepare, write (confirmed), done."""
    await pilot.press("n")
    assert screen.step is Step.COMMIT
    await until(pilot, lambda: screen.session.prepared is not None, "commit prepared")  # type: ignore[union-attr]
    await pilot.press("w")
    await until(pilot, lambda: not isinstance(pilot.app.screen, RotationScreen), "confirm")
    await pilot.press("y")
    await until(pilot, lambda: screen.step is Step.DONE, "written")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(app: FnoxTuiApp) -> str:
    return screen_text(app)


async def until_shown(pilot: Pilot[Any], text: str, seconds: float = 60.0) -> None:
    """Wait until ``text`` is on screen: a state reached is painted a little later, and on a
    loaded machine later still. Text that wraps matches with its line breaks as spaces."""

    def on_screen() -> bool:
        screen = shown(pilot.app)  # type: ignore[arg-type]
        return text in screen or " ".join(text.split()) in " ".join(screen.split())

    await until(pilot, on_screen, f"{text!r} on screen", seconds)
