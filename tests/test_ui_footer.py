"""The main screen's footer is rebuilt when the keys it shows change, and only then."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from fnox_tui.ui.widgets.steady_footer import SteadyFooter, shown_bindings
from tests.test_ui_main import SIZE
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
