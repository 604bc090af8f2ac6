"""The command palette offers the editing actions: edit, set, delete, copy, undo, review."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.screen import Screen

from fnox_tui.core.changes import UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.screens.review import ReviewScreen
from tests.form_helpers import SIZE, on_secret, until
from tests.save_helpers import stage
from tests.ui_fixtures import MakeApp


async def run_command(app, pilot, title: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*title)
    palette = app.screen

    def found() -> bool:
        return title in str(palette.query_one("CommandList").get_option_at_index(0).prompt)

    await until(pilot, lambda: _safe(found))
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, CommandPalette))


def _safe(check) -> bool:  # type: ignore[no-untyped-def]
    try:
        return bool(check())
    except Exception:  # the list is still being filled
        return False


@pytest.mark.parametrize(
    ("title", "screen"),
    [
        ("Edit secret…", EditSecretForm),
        ("Set a new secret…", NewSecretForm),
        ("Copy secret to profile…", ProfilePicker),
        ("Delete secret…", None),
        ("Review and save…", ReviewScreen),
    ],
)
async def test_palette_opens_the_editing_screens(
    make_app: MakeApp,
    project: Path,
    title: str,
    screen: type[Screen] | None,  # type: ignore[type-arg]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await on_secret(app, pilot, "staging", "DATABASE_URL")
        stage(
            app, UpdateSecret(EntryId.secret(project / "fnox.toml", "LOG_LEVEL"), {"default": "x"})
        )
        await pilot.pause()
        await run_command(app, pilot, title)
        wanted = screen or ConfirmScreen
        await until(pilot, lambda: isinstance(app.screen, wanted))
        if isinstance(app.screen, EditSecretForm):
            assert app.screen.context.name == "DATABASE_URL"
            assert app.screen.context.profile == "staging"


async def test_palette_undoes_the_last_staged_change(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(
            app, UpdateSecret(EntryId.secret(project / "fnox.toml", "LOG_LEVEL"), {"default": "x"})
        )
        assert len(app.controller.staging) == 1
        await run_command(app, pilot, "Undo staged change")
        await until(pilot, lambda: not app.controller.staging)
