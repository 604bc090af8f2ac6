"""The user's place: a filter cleared, a provider checked or a secret opened with enter leaves
the user where they were."""

from __future__ import annotations

from fnox_tui.ui.widgets.secret_tree import ProfileNode, ProvidersGroup
from tests.test_ui_main import SIZE, cursor_secret, details_text
from tests.test_ui_values import PLAIN_VALUE, notifications, row
from tests.ui_fixtures import MakeApp, secret_key
from tests.waiting import settle


async def test_esc_after_a_filter_keeps_the_highlighted_secret_and_the_open_branches(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        tree.jump_to_profile("production")  # default (at start) and production open
        await pilot.pause()
        before = tree.open_branches()
        assert before == {ProfileNode("default"), ProfileNode("production")}
        await pilot.press("slash", *"dburl", "enter")
        await settle(pilot)
        tree.jump_to_secret("production", "DATABASE_URL")  # the third match
        await pilot.pause()
        assert cursor_secret(app) == ("production", "DATABASE_URL")
        await pilot.press("escape")
        await settle(pilot)
        assert tree.query_text == ""
        assert tree.open_branches() == before
        assert cursor_secret(app) == ("production", "DATABASE_URL")
        # A second filter, on a branch closed before it: esc opens it only to show the cursor.
        await pilot.press("slash", *"staging_only", "enter")
        await settle(pilot)
        assert cursor_secret(app) == ("staging", "STAGING_ONLY")
        await pilot.press("escape")
        await settle(pilot)
        assert tree.open_branches() == before | {ProfileNode("staging")}
        assert cursor_secret(app) == ("staging", "STAGING_ONLY")


async def test_esc_with_the_providers_open_keeps_them_open(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.main.tree
        tree.move_cursor(tree.get_node_at_line(0))
        await pilot.press("l")
        assert ProvidersGroup() in tree.open_branches()
        await pilot.press("slash", *"log", "escape")
        await settle(pilot)
        assert ProvidersGroup() in tree.open_branches()


async def test_reload_keeps_the_open_branches(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret("staging", "STAGING_ONLY")
        await pilot.pause()
        await pilot.press("r")
        await settle(pilot)
        await pilot.pause()
        assert app.main.tree.open_branches() == {ProfileNode("default"), ProfileNode("staging")}
        assert cursor_secret(app) == ("staging", "STAGING_ONLY")


async def test_enter_on_a_secret_reveals_and_hides_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")
        await settle(pilot)
        assert PLAIN_VALUE in row(app, ("default", "DATABASE_URL"))
        await pilot.press("enter")
        await settle(pilot)
        assert PLAIN_VALUE not in row(app, ("default", "DATABASE_URL"))
        assert len(app.plaintext) == 0


async def test_enter_on_a_matrix_cell_reveals_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "x")
        await settle(pilot)
        assert app.main.matrix is not None
        await pilot.press("enter")
        await settle(pilot)
        assert app.plaintext.get(secret_key(app, "default", "DATABASE_URL")) == PLAIN_VALUE


async def test_t_on_a_secret_shows_the_result_in_its_details(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "t")
        await settle(pilot)
        assert cursor_secret(app) == ("default", "DATABASE_URL")
        text = details_text(app)
        assert "Provider check" in text and "✓" in text
        assert "Providers branch" not in notifications(app)
