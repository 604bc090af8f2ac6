"""Snapshot tests (pytest-textual-snapshot). Regenerate with `pytest --snapshot-update`.

Every app here runs over files in a fixed directory name under tmp_path, with relative paths
shown, so the SVGs do not depend on where the tests run. No snapshot holds a real secret.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.ui_fixtures import MakeApp

SIZE = (120, 36)


@pytest.fixture
def snap(snap_compare):  # type: ignore[no-untyped-def]
    def compare(app, press=(), run_before=None) -> bool:  # type: ignore[no-untyped-def]
        return snap_compare(app, press=press, terminal_size=SIZE, run_before=run_before)

    return compare


def test_main_screen(snap, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    assert snap(make_app())


def test_details_of_an_overriding_secret(snap, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    async def to_secret(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.main.tree.jump_to_secret("production", "DATABASE_URL")  # type: ignore[attr-defined]
        await pilot.pause()

    assert snap(make_app(), run_before=to_secret)


def test_filter(snap, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    assert snap(make_app(), press=["slash", "d", "b", "_", "_", "_"])


def test_help(snap, make_app: MakeApp) -> None:  # type: ignore[no-untyped-def]
    assert snap(make_app(), press=["question_mark"])


def test_error_screen(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "fnox.toml").write_text('[secrets]\nA = { value = "x" \nB = 1\n')
    assert snap(make_app())


def test_problems_panel(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    (project / "fnox.toml").write_text(
        '[providers]\np = { type = "plain" }\n[secrets]\nA = { valu = "x" }\nB = "bare"\n'
    )
    assert snap(make_app(), press=["p"])
