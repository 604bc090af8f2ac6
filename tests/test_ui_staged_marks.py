"""Staged changes marked alike in the tree's profile rows and in the profile matrix (`x`)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.widgets.matrix import MatrixLegend
from tests.save_helpers import stage
from tests.test_ui_main import SIZE, details_text
from tests.test_ui_matrix import open_matrix, until
from tests.ui_fixtures import MakeApp


def stage_three(app: FnoxTuiApp, project: Path) -> None:
    """An edit of staging's DATABASE_URL, the top-level API_TOKEN deleted, a top-level NEW_ONE."""
    path = project / "fnox.toml"
    staging_db = EntryId.secret(path, "DATABASE_URL", "staging")
    stage(app, UpdateSecret(staging_db, {"value": "postgres://edited"}))
    stage(app, DeleteSecret(EntryId.secret(path, "API_TOKEN")))
    stage(app, AddSecret(EntryId.secret(path, "NEW_ONE"), {"provider": "plain", "value": "n"}))


def profile_row(app: FnoxTuiApp, profile: str) -> str:
    node = app.main.tree._profile_nodes[profile]
    return node.label.plain


async def staged_and_settled(app: FnoxTuiApp, pilot: Pilot, project: Path) -> None:
    await pilot.pause()
    stage_three(app, project)
    await until(pilot, lambda: "+1 new" in profile_row(app, "default"))


async def test_profile_rows_count_new_secrets_and_leave_out_deleted_ones(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "4 secrets" in profile_row(app, "default")
        assert "5 secrets" in profile_row(app, "staging")
        await staged_and_settled(app, pilot, project)
        # default: 4 loaded, API_TOKEN goes, NEW_ONE comes.
        assert profile_row(app, "default").startswith("default  4 secrets  +1 new  -1 deleted")
        # staging inherits both top-level changes and has its own edit.
        assert "5 secrets  +1 new  ~1 changed  -1 deleted" in profile_row(app, "staging")
        # production (2 of its own, 3 inherited) sees the top-level changes only.
        assert "5 secrets  +1 new  -1 deleted" in profile_row(app, "production")
        # The details of the profile say the same.
        app.main.tree.jump_to_profile("staging")
        await pilot.pause()
        said = details_text(app)
        assert "Staged" in said and "+1 new, ~1 changed, -1 deleted: 5 once saved" in said
        await pilot.press("u", "u", "u")
        await until(pilot, lambda: "new" not in profile_row(app, "default"))
        assert "Staged" not in details_text(app)
        assert profile_row(app, "default").startswith("default  4 secrets")
        assert "deleted" not in profile_row(app, "staging")


async def test_the_matrix_marks_staged_cells_as_the_tree_marks_rows(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await staged_and_settled(app, pilot, project)
        matrix = await open_matrix(app, pilot)
        assert matrix.matrix is not None and "NEW_ONE" in matrix.matrix.names

        def text(profile: str, name: str):  # type: ignore[no-untyped-def]
            cell = matrix.cell_text_at(name, profile)
            assert cell is not None
            return cell

        for profile in ("default", "staging", "production"):
            assert text(profile, "NEW_ONE").plain.startswith("+ "), profile
            deleted = text(profile, "API_TOKEN")
            assert deleted.plain.startswith("- "), profile
            assert any("strike" in str(span.style) for span in deleted.spans)
        assert text("staging", "DATABASE_URL").plain.startswith("~ ")
        assert not text("default", "DATABASE_URL").plain.startswith(("~", "+", "-"))
        legend = app.main.query_one(MatrixLegend)
        assert legend.staged and "+ new" in legend.render().plain
        await pilot.press("u", "u", "u")
        await until(pilot, lambda: not legend.staged)
        assert matrix.matrix is not None and "NEW_ONE" not in matrix.matrix.names
        assert text("staging", "DATABASE_URL").plain.startswith("● plain")
        assert "+ new" not in legend.render().plain


async def test_a_deleted_override_leaves_the_inherited_secret_counted(
    make_app: MakeApp, project: Path
) -> None:
    """Deleting staging's own DATABASE_URL: staging inherits the top-level one again, so it
    keeps as many secrets (the deletion is counted beside them)."""
    app = make_app()
    path = project / "fnox.toml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, DeleteSecret(EntryId.secret(path, "DATABASE_URL", "staging")))
        await until(pilot, lambda: "deleted" in profile_row(app, "staging"))
        assert "staging  5 secrets  -1 deleted" in profile_row(app, "staging")
        stage(app, DeleteSecret(EntryId.secret(path, "DATABASE_URL")))  # the top-level one too
        # staging's row is still the one (its own) entry marked; now nothing is left behind it.
        await until(pilot, lambda: "4 secrets" in profile_row(app, "staging"))
        assert "staging  4 secrets  -1 deleted" in profile_row(app, "staging")
        assert profile_row(app, "default").startswith("default  3 secrets  -1 deleted")


async def test_the_review_keeps_room_for_the_diff_at_80x24(
    make_app: MakeApp, project: Path
) -> None:
    """The review's buttons take one line: at 80x24 the diff gets the rest."""
    from fnox_tui.ui.screens.review import ReviewScreen
    from tests.save_helpers import open_review

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        stage_three(app, project)
        review = await open_review(app, pilot)
        await pilot.pause()
        assert isinstance(review, ReviewScreen)
        assert review.query_one("#write").region.height == 1
        assert review.query_one("#review-body").region.height >= 9


async def test_the_profile_picker_counts_what_the_profiles_hold_once_saved(
    make_app: MakeApp, project: Path
) -> None:
    from textual.widgets import OptionList

    from fnox_tui.ui.screens.profile_picker import ProfilePicker

    def picker_rows() -> list[str]:
        options = app.screen.query_one("#profiles", OptionList)
        return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, ProfilePicker))
        assert any(row.startswith("default  4 secrets") for row in picker_rows())
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main)
        new = EntryId.secret(project / "fnox.toml", "NEW_ONE")
        stage(app, AddSecret(new, {"provider": "plain", "value": "n"}))
        await until(pilot, lambda: "+1 new" in profile_row(app, "default"))
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, ProfilePicker))
        rows = picker_rows()
        assert any(row.startswith("default  5 secrets") for row in rows), rows
        assert any(row.startswith("staging  6 secrets") for row in rows), rows
