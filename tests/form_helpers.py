"""Helpers for the forms' Pilot tests: wait for conditions, open a form, read what was staged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from fnox_tui.core.changes import Change
from fnox_tui.core.model import ProviderDef
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.widgets.matrix import SecretMatrix
from tests import waiting
from tests.test_ui_main import plain

SIZE = (100, 36)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until ``condition`` holds (a loaded machine only makes this slower)."""
    await waiting.until(pilot, condition, seconds=timeout)


async def on_secret(app: FnoxTuiApp, pilot: Pilot[Any], profile: str, name: str) -> None:
    await pilot.pause()
    app.main.tree.jump_to_secret(profile, name)
    await until(pilot, lambda: _cursor_key(app) == (profile, name))


def _cursor_key(app: FnoxTuiApp) -> tuple[str, str] | None:
    node = app.main.tree.cursor_node
    secret = getattr(getattr(node, "data", None), "secret", None)
    return (secret.profile, secret.name) if secret is not None else None


async def open_on(
    app: FnoxTuiApp, pilot: Pilot[Any], profile: str, name: str, key: str, screen: type[Screen[Any]]
) -> Any:
    """Put the cursor on ``profile``/``name``, press ``key``, wait for ``screen`` on top."""
    await on_secret(app, pilot, profile, name)
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, screen))
    await pilot.pause()
    return app.screen


def staged(app: FnoxTuiApp) -> list[Change]:
    return list(app.controller.staging)


def revealed(app: FnoxTuiApp, profile: str, name: str) -> str | None:
    """The revealed value of ``name`` in ``profile`` (None while hidden)."""
    assert app.workspace is not None
    secret = app.workspace.profiles[profile].secret(name)
    assert secret is not None
    return app.plaintext.get(secret.key)


def notifications(app: FnoxTuiApp) -> str:
    return "\n".join(f"{n.title} {n.message}" for n in app._notifications)


def screen_statics(screen: Screen[Any]) -> str:
    """Everything the screen's Static widgets show, as plain text."""
    return "\n".join(plain(static.content) for static in screen.query(Static))


def the_matrix(app: FnoxTuiApp) -> SecretMatrix:
    matrix = app.main.matrix
    assert matrix is not None
    return matrix


class GatedEncryption:
    """Stands in for the resolver: encrypts only once the test opens the gate (or fails)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.gate = threading.Event()
        self.calls: list[tuple[str, int]] = []
        self.error = error

    @property
    def registry(self) -> GatedEncryption:
        return self

    def references(self, profile: str) -> None:
        return None

    def get(self, definition: ProviderDef, references: object = None) -> GatedEncryption:
        self.provider = definition
        return self

    def encrypt(self, plaintext: str) -> str:
        self.calls.append((self.provider.name, len(plaintext)))
        assert self.gate.wait(20)
        if self.error is not None:
            raise self.error
        return f"ciphertext-of-{len(plaintext)}-characters"
