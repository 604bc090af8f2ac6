"""Snapshots of the profile matrix at 80x24 and 120x36. Regenerate with `pytest --snapshot-update`.

The values revealed are the UI sample's made-up ones (``postgres://db/app``, ``tok-123``), never
a real secret.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.ui_fixtures import MakeApp
from tests.waiting import settle


def test_matrix_at_80x24(snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    async def reveal(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("j", "x")  # default's DATABASE_URL
        await settle(pilot)
        await pilot.press("v", "l", "v")  # and staging's: they differ
        await settle(pilot)
        pilot.app.main.flush_details()  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=reveal)


def test_matrix_at_120x36(snap_compare, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    async def reveal(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("V", "l", "V")  # every secret of default and staging
        await settle(pilot)
        await pilot.press("h")  # default's API_TOKEN: equal to staging's
        pilot.app.main.flush_details()  # type: ignore[attr-defined]
        await pilot.pause()

    app = make_app(environ={"HOME_DIR": "/home/someone"})
    assert snap_compare(app, terminal_size=(120, 36), run_before=reveal)
