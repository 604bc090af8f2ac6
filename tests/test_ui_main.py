"""Pilot tests of the main screen: navigation, filter, profile picker, help, reload, errors."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Input, Static

from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.error import ErrorScreen
from fnox_tui.ui.screens.help import HelpScreen
from fnox_tui.ui.screens.problems import ProblemsScreen
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.widgets.secret_tree import ProfileNode, ProviderNode, SecretNode
from tests.ui_fixtures import MakeApp, secret_key
from tests.waiting import until

SIZE = (120, 36)


def cursor(app: FnoxTuiApp) -> object:
    node = app.main.tree.cursor_node
    assert node is not None
    return node.data


def cursor_secret(app: FnoxTuiApp) -> tuple[str, str]:
    data = cursor(app)
    assert isinstance(data, SecretNode), data
    return (data.secret.profile, data.secret.name)


def on_secret(app: FnoxTuiApp, key: tuple[str, str]) -> bool:
    data = cursor(app)
    return isinstance(data, SecretNode) and (data.secret.profile, data.secret.name) == key


def highlighted_command(app: FnoxTuiApp) -> str:
    """The command palette's highlighted option, as text ("" when none is)."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    option = found.first().highlighted_option if found else None
    return str(option.prompt) if option is not None else ""


def plain(content: object) -> str:
    """What a Static holds, rendered to plain text."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


def statics_text(screen: Screen) -> str:
    return "\n".join(plain(static.content) for static in screen.query(Static))


def details_text(app: FnoxTuiApp) -> str:
    app.main.flush_details()  # the pane follows a fast-moving cursor at most every 0.1 s
    return plain(app.main.query_one("#details-body", Static).content)


async def test_starts_on_the_active_profile_expanded_and_selected(make_app: MakeApp) -> None:
    app = make_app(profiles=("staging",))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        data = cursor(app)
        assert isinstance(data, ProfileNode) and data.profile == "staging"
        node = app.main.tree.cursor_node
        assert node is not None and node.is_expanded
        names = [child.data.secret.name for child in node.children]  # type: ignore[union-attr]
        assert names == ["DATABASE_URL", "LOG_LEVEL", "HOME_DIR", "API_TOKEN", "STAGING_ONLY"]
        assert "staging" in app.main.sub_title


async def test_fnox_profile_env_selects_the_profile(make_app: MakeApp) -> None:
    app = make_app(environ={"FNOX_PROFILE": "production"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        data = cursor(app)
        assert isinstance(data, ProfileNode) and data.profile == "production"


async def test_j_k_and_arrows_move_without_rebuilding(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rebuilds = app.main.tree.rebuilds
        await pilot.press("j")
        assert cursor_secret(app) == ("default", "DATABASE_URL")
        await pilot.press("j", "down")
        assert cursor_secret(app) == ("default", "HOME_DIR")
        await pilot.press("k", "up")
        assert cursor_secret(app) == ("default", "DATABASE_URL")
        assert app.main.tree.rebuilds == rebuilds


async def test_h_l_left_right_collapse_and_expand(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j")  # a secret of default
        await pilot.press("h")  # to its profile
        data = cursor(app)
        assert isinstance(data, ProfileNode) and data.profile == "default"
        node = app.main.tree.cursor_node
        assert node is not None
        await pilot.press("left")
        assert not node.is_expanded
        await pilot.press("l")
        assert node.is_expanded
        await pilot.press("right")  # into its first child
        assert cursor_secret(app) == ("default", "DATABASE_URL")


async def test_enter_toggles_a_branch(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_profile("staging")
        await pilot.pause()
        node = app.main.tree.cursor_node
        assert node is not None and node.is_expanded
        await pilot.press("enter")
        assert not node.is_expanded
        await pilot.press("enter")
        assert node.is_expanded


async def test_details_for_secret_profile_and_provider(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = details_text(app)
        assert "Defined here" in text and "fnox.toml" in text
        app.main.tree.jump_to_secret("production", "DATABASE_URL")
        await pilot.pause()
        text = details_text(app)
        assert "overriding a top-level secret" in text
        assert "plain (plain, the default_provider)" in text
        assert "fnox.toml:23" in text
        assert "postgres://prod/app" not in text  # masked
        assert "19 characters, stored as plain text" in text
        app.main.tree.jump_to_secret("default", "API_TOKEN")
        await pilot.pause()
        assert "fnox.toml:11  [secrets]" in details_text(app)
        await pilot.press("g")  # unbound: nothing happens
        tree = app.main.tree
        tree.move_cursor(tree.get_node_at_line(0))
        await pilot.press("l", "j")
        assert isinstance(cursor(app), ProviderNode)
        assert "Type" in details_text(app) and "plain" in details_text(app)


async def test_description_with_markup_is_literal(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        label = app.main.tree.row_text(secret_key(app, "default", "DATABASE_URL"))
        assert label is not None and "Primary [red]database[/]" in label.plain
        await pilot.press("j")
        assert "Primary [red]database[/]" in details_text(app)


async def test_filter_is_fuzzy_across_profiles_and_escape_clears(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", "d", "b", "u", "r", "l")
        field = app.main.query_one("#filter", Input)
        assert field.has_focus and field.value == "dburl"
        tree = app.main.tree
        await until(pilot, lambda: tree.query_text == "dburl", "the filter applied")
        shown = [
            (node.data.secret.profile, node.data.secret.name)
            for line in range(tree.last_line + 1)
            if (node := tree.get_node_at_line(line)) is not None
            and isinstance(node.data, SecretNode)
        ]
        assert shown == [
            ("default", "DATABASE_URL"),
            ("staging", "DATABASE_URL"),
            ("production", "DATABASE_URL"),
        ]
        await pilot.press("enter")
        assert tree.has_focus
        assert cursor_secret(app) == ("default", "DATABASE_URL")
        await pilot.press("escape")
        await pilot.pause()
        assert not field.display and field.value == ""
        assert len(tree.secret_nodes("default")) == 4


async def test_filter_keys_typed_at_once_all_land_in_the_field(make_app: MakeApp) -> None:
    from textual import events

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, char in (("slash", "/"), ("p", "p"), ("r", "r"), ("o", "o")):
            app.post_message(events.Key(key, char))
        # A key lost on the way (the field mounted by the first) would leave "ro" or "pr".
        await until(pilot, lambda: app.main.filter_query == "pro", "the three letters")


async def test_profile_picker_jumps(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("P")
        assert isinstance(app.screen, ProfilePicker)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        data = cursor(app)
        assert isinstance(data, ProfileNode) and data.profile == "production"
        await pilot.press("P", "escape")
        assert app.screen is app.main


async def test_help_lists_every_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = statics_text(app.screen)
        for key in ("j k", "h l", "/", "P", "r", "ctrl+p", "q", "v", "V", "c", "t"):
            assert key in text
        await pilot.press("escape")
        assert app.screen is app.main


async def test_reload_picks_up_changes(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        config = project / "fnox.toml"
        config.write_text(config.read_text() + 'NEW_ONE = { default = "x" }\n')
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        names = [secret.name for secret in app.main.tree.secret_nodes("production")]
        assert "NEW_ONE" in names


async def test_malformed_toml_opens_the_error_screen_and_r_retries(
    make_app: MakeApp, project: Path
) -> None:
    config = project / "fnox.toml"
    good = config.read_text()
    config.write_text('[secrets]\nA = { value = "x" \n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        message = statics_text(app.screen)
        assert "Cannot load fnox.toml" in message and "line 2, column" in message
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)  # still broken
        config.write_text(good)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is app.main
        assert len(app.main.tree.secret_nodes("default")) == 4


async def test_reload_into_a_broken_file_shows_the_error(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        (project / "fnox.toml").write_text("x = [\n")
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)


async def test_problems_panel_lists_file_and_line(make_app: MakeApp, project: Path) -> None:
    (project / "fnox.toml").write_text(
        '[providers]\np = { type = "plain" }\n[secrets]\nA = { valu = "x" }\nB = "bare"\n'
        'C = { value = "c" }\n'
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "⚠ 2 problems: press p" in app.main.status_bar.summary
        names = [secret.name for secret in app.main.tree.secret_nodes("default")]
        assert names == ["A", "C"]  # the rest of the file still shows
        await pilot.press("p")
        assert isinstance(app.screen, ProblemsScreen)
        text = statics_text(app.screen)
        assert "fnox.toml:4" in text and "unknown field `valu`" in text
        assert "fnox.toml:5" in text and "bare value" in text
        await pilot.press("escape")
        assert app.screen is app.main


async def test_command_palette_jumps_to_a_secret(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.press(*"PROD_FLAG")
        await until(pilot, lambda: "PROD_FLAG" in highlighted_command(app), "the secret offered")
        await pilot.press("enter")
        await until(pilot, lambda: on_secret(app, ("production", "PROD_FLAG")), "the jump")


async def test_q_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)


async def test_details_follow_a_fast_cursor_to_where_it_stops(make_app: MakeApp) -> None:
    app = make_app(profiles=("staging",))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j", "j", "j")
        body = app.main.query_one("#details-body", Static)
        # The trailing update lands by itself (nothing flushes it).
        await until(pilot, lambda: "STAGING_ONLY" in plain(body.content), "the last secret's")
        assert cursor_secret(app) == ("staging", "STAGING_ONLY")


async def test_details_due_as_the_screen_is_taken_down_are_dropped(make_app: MakeApp) -> None:
    """A details timer that fires while the app shuts down (the panes already removed) does
    nothing, instead of failing to find the tree or the details."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        details_text(app)
        await app.main.query_one("#panes").remove()
        app.main.flush_details()  # what the timer would do
        assert not app.main.tree.is_attached and not app.main.query("#details")


async def test_the_filter_field_is_mounted_after_the_first_frame(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.main.query("#filter")), "the filter's field")
        field = app.main.query_one("#filter", Input)
        assert not field.display
        left = app.main.query_one("#left")
        assert list(left.children) == [field, app.main.tree]  # above the tree


async def test_shorter_details_replace_longer_ones_without_a_layout(make_app: MakeApp) -> None:
    """Shorter details keep the body's height (no layout, which would repaint the whole
    screen) and leave nothing of the old text on screen; longer ones make it taller."""
    from fnox_tui.ui.compat import screen_text

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        pane = app.main.query_one("#details")
        body = app.main.query_one("#details-body", Static)
        pane.show("\n".join(f"old line {n}" for n in range(14)))
        await until(pilot, lambda: body.size.height == 14, "the body laid out for 14 lines")
        # What the pane asks for, not the body's size: any other layout (the footer's keys
        # being mounted on a loaded machine) shrinks the body too, and that is fine.
        asked: list[bool] = []
        refresh = body.refresh

        def recording_refresh(*regions: Region, **flags: bool) -> Static:
            asked.append(bool(flags.get("layout")))
            return refresh(*regions, **flags)

        body.refresh = recording_refresh  # type: ignore[method-assign]
        details = details_text(app)  # the secret's own, shorter
        assert len(details.splitlines()) < 14
        assert "Stored value" in details
        assert asked and not any(asked)  # repainted, not laid out
        await until(pilot, lambda: "Stored value" in screen_text(app), "the new details")
        assert "old line" not in screen_text(app)
        asked.clear()
        pane.show("\n".join(f"line {n}" for n in range(17)))
        assert any(asked)
        await until(pilot, lambda: body.size.height == 17, "a taller body")
