"""The forms show names, descriptions, defaults and references from a hostile file literally and
send none of their escape sequences to the terminal."""

from __future__ import annotations

from pathlib import Path

from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.literal_input import LiteralInput, one_cell
from tests.form_helpers import on_secret, revealed, staged
from tests.test_hostile_strings import (
    PROFILE,
    SECRET,
    SHOWN,
    SIZE,
    Screens,
    assert_nothing_foreign,
    hostile,
    hostile_app,
    recorded,
    until,
)
from tests.ui_fixtures import MakeApp


async def test_every_form_shows_hostile_strings_literally(make_app: MakeApp, project: Path) -> None:
    app = hostile_app(make_app, project)
    written = recorded(app)
    async with app.run_test(headless=False, size=SIZE, notifications=True) as pilot:
        screens = Screens(app)
        await pilot.pause()
        for profile, name, keys, screen in (
            ("default", SECRET, ["e"], EditSecretForm),
            ("default", hostile("DEF"), ["e"], EditSecretForm),
            (PROFILE, SECRET, ["e"], EditSecretForm),
            (PROFILE, SECRET, ["s"], NewSecretForm),
            ("default", SECRET, ["d"], ConfirmScreen),
            ("default", SECRET, ["m"], ProfilePicker),
        ):
            await on_secret(app, pilot, profile, name)
            await pilot.press(*keys)
            await until(pilot, lambda s=screen: isinstance(app.screen, s), screen.__name__)
            await pilot.pause()
            screens.take()
            if screen is ProfilePicker:
                await pilot.press("enter")
                await until(pilot, lambda: isinstance(app.screen, CopySecretForm), "the copy")
                await pilot.pause()
                screens.take()
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is app.main, "the main screen")
        # A revealed hostile value, prefilled, shown on one line and then on several.
        await on_secret(app, pilot, "default", SECRET)
        await pilot.press("v")
        await until(pilot, lambda: revealed(app, "default", SECRET) is not None, "value")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditSecretForm), "the form")
        await pilot.press("ctrl+r", "home")
        await pilot.pause()
        assert f"val{SHOWN}" in screens.take()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert f"val{SHOWN}" in screens.take()
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "the main screen")
        assert staged(app) == []
    for fragment in (f"SEC{SHOWN}", f"desc{SHOWN}", f"prov{SHOWN}", f"prof{SHOWN}", f"dflt{SHOWN}"):
        assert screens.seen(fragment), fragment
    assert_nothing_foreign(written)


def test_one_cell_keeps_one_symbol_per_character() -> None:
    text = "a\x1b[2J\x9b\u202eb\tc\r\n"
    shown = one_cell(text)
    assert len(shown) == len(text) and "\x1b" not in shown and "\x9b" not in shown
    assert shown == "a␛[2J\ufffd\ufffdb\tc␍\n"
    assert one_cell("plain ✓") == "plain ✓"


async def test_a_hostile_description_is_kept_as_it_is(make_app: MakeApp, project: Path) -> None:
    app = hostile_app(make_app, project)
    async with app.run_test(size=SIZE) as pilot:
        await on_secret(app, pilot, "default", SECRET)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditSecretForm), "the form")
        description = app.screen.query_one("#edit-description", LiteralInput)
        assert description.value == hostile("desc")  # the text itself, raw
        await pilot.press(*"new", "enter")
        await until(pilot, lambda: bool(staged(app)), "the change")
        (change,) = staged(app)
        assert dict(change.set) == {"value": "new"}  # type: ignore[union-attr]
