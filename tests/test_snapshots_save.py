"""Snapshots of saving: the tree's marks, the review, the quit question, a conflict.

The staged values are made up: a ``plain`` value (shown as •••) and a long base64 string that
stands for a ciphertext (shortened). No plaintext may reach an SVG: each test reads its
snapshot back and looks for every plain value of the sample.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from textual.pilot import Pilot

from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.confirm import ConfirmScreen
from fnox_tui.ui.screens.review import ReviewScreen
from tests.save_helpers import stage, until
from tests.ui_fixtures import MakeApp

SIZE = (120, 36)
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshots_save"
# Every plaintext of the sample and of the staged changes.
PLAINTEXTS = ["postgres://", "tok-123", "new-plain-value"]
CIPHERTEXT = base64.b64encode(bytes(range(7, 200))).decode()  # stands for a KMS ciphertext


def stage_sample(app: FnoxTuiApp, project: Path) -> None:
    main = project / "fnox.toml"
    stage(app, UpdateSecret(EntryId.secret(main, "DATABASE_URL"), {"value": "new-plain-value"}))
    stage(app, DeleteSecret(EntryId.secret(main, "API_TOKEN")))
    stage(
        app,
        AddSecret(
            EntryId.secret(main, "PAYMENTS_KEY", "production"),
            {"provider": "other", "value": CIPHERTEXT, "description": "made up"},
        ),
    )


def no_plaintext(name: str) -> None:
    svg = (SNAPSHOTS / f"{name}.svg").read_text(encoding="utf-8")
    for plaintext in PLAINTEXTS:
        assert plaintext not in svg, plaintext
    assert CIPHERTEXT not in svg


@pytest.fixture
def snap(snap_compare):  # type: ignore[no-untyped-def]
    def compare(app, run_before=None) -> bool:  # type: ignore[no-untyped-def]
        return snap_compare(app, terminal_size=SIZE, run_before=run_before)

    return compare


def test_tree_marks(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def staged(pilot: Pilot) -> None:
        await pilot.pause()
        stage_sample(app, project)
        await pilot.pause()
        app.main.tree.jump_to_secret("production", "PAYMENTS_KEY")
        await pilot.pause()
        app.main.flush_details()

    assert snap(app, run_before=staged)
    no_plaintext("test_tree_marks")


def test_matrix_marks(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def staged(pilot: Pilot) -> None:
        await pilot.pause()
        stage_sample(app, project)
        await pilot.press("x")
        await until(pilot, lambda: app.main.matrix is not None, "the matrix")
        app.main.matrix.jump("production", "PAYMENTS_KEY")  # type: ignore[union-attr]
        await pilot.pause()
        app.main.flush_details()

    assert snap(app, run_before=staged)
    no_plaintext("test_matrix_marks")


def test_review_screen(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def review(pilot: Pilot) -> None:
        await pilot.pause()
        stage_sample(app, project)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        await pilot.pause()

    assert snap(app, run_before=review)
    no_plaintext("test_review_screen")


def test_quit_dialog(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def quit_(pilot: Pilot) -> None:
        await pilot.pause()
        stage_sample(app, project)
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.pause()

    assert snap(app, run_before=quit_)
    no_plaintext("test_quit_dialog")


def test_conflict_dialog(snap, make_app: MakeApp, project: Path) -> None:  # type: ignore[no-untyped-def]
    app = make_app()

    async def conflict(pilot: Pilot) -> None:
        await pilot.pause()
        stage_sample(app, project)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review")
        path = project / "fnox.toml"
        path.write_text("# edited elsewhere\n" + path.read_text())
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.pause()

    assert snap(app, run_before=conflict)
    no_plaintext("test_conflict_dialog")
