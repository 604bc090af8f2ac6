"""The main screen's footer is rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from fnox_tui.ui.widgets.steady_footer import SteadyFooter, shown_bindings
from tests.test_ui_main import SIZE, plain
from tests.ui_fixtures import MakeApp


async def test_the_footer_is_not_rebuilt_when_its_keys_did_not_change(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.main.query_one(SteadyFooter)
        keys = list(footer.query(FooterKey))
        assert keys
        app.main.refresh_bindings()  # what a focus change or a pushed screen does
        await pilot.pause()
        await pilot.pause()
        assert list(footer.query(FooterKey)) == keys  # the same widgets: nothing rebuilt


async def test_the_footer_is_rebuilt_when_its_keys_change(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.main.query_one(SteadyFooter)
        before = shown_bindings(app.main)
        keys = list(footer.query(FooterKey))
        await pilot.press("slash")  # the filter has the focus: its keys show
        await pilot.pause()
        await pilot.pause()
        assert shown_bindings(app.main) != before
        assert list(footer.query(FooterKey)) != keys
        shown = {key.description for key in footer.query(FooterKey)}
        assert {binding[1] for binding in shown_bindings(app.main) if binding[5]} <= shown


async def test_the_first_frame_with_the_secrets_waits_for_neither_footer_keys_nor_details(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First paint: the tree's rows are drawn before the footer's key widgets are built and
    the details are rendered; both follow right after."""
    from fnox_tui.ui.widgets.details import DetailsPane
    from fnox_tui.ui.widgets.secret_tree import SecretTree

    seen: list[tuple[int, str]] = []
    render_lines = SecretTree.render_lines

    def spy(tree: SecretTree, crop: Region) -> list[Strip]:
        if tree.workspace is not None and not seen:
            body = tree.screen.query_one(DetailsPane).query_one("#details-body", Static)
            seen.append((len(tree.screen.query(FooterKey)), plain(body.content).strip()))
        return render_lines(tree, crop)

    monkeypatch.setattr(SecretTree, "render_lines", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert seen == [(0, "")]
        assert app.main.query(FooterKey)  # then the keys
        assert "Secrets" in plain(app.main.query_one("#details-body", Static).content)
