"""Snapshots of the main screen at 80x24, 120x36 and 200x50: rows with revealed values, the
override and inherited markers, a long name, the details pane beside or below the tree, and
the footer. Regenerate with `pytest --snapshot-update`. Values are the made-up SAMPLE ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui_fixtures import MakeApp

LONG = """
[profiles.production.secrets.PAYMENTS_SERVICE_DATABASE_CONNECTION_STRING_FOR_REPORTING]
value = "postgres://reporting.internal:5432/payments?sslmode=require"
description = "The read-only replica the nightly reports use; rotated every quarter by ops"
"""


@pytest.mark.parametrize(
    "size", [(80, 24), (120, 36), (200, 50)], ids=lambda s: "x".join(map(str, s))
)
def test_main_screen_at(snap_compare, make_app: MakeApp, project: Path, size) -> None:  # type: ignore[no-untyped-def]
    with (project / "fnox.toml").open("a") as file:
        file.write(LONG)

    async def reveal_production(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press("h")  # close default
        pilot.app.main.tree.jump_to_profile("production")  # type: ignore[attr-defined]
        await pilot.pause()
        await pilot.press("V")
        await pilot.app.workers.wait_for_complete()
        await pilot.press("j", "j")
        await pilot.app.workers.wait_for_complete()
        pilot.app.main.flush_details()  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=reveal_production)
