"""Pilot tests of staging and saving: marks, undo, the review, the save, conflicts, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, DeleteSecret, UpdateSecret
from fnox_tui.core.entries import SecretKey
from fnox_tui.core.identity import EntryId
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.review import ReviewScreen
from tests.save_helpers import (
    confirm,
    dialog,
    notes,
    open_review,
    review_text,
    settle,
    stage,
    until,
)
from tests.test_ui_main import SIZE
from tests.ui_fixtures import MakeApp, revealed


def main_file(project: Path) -> Path:
    return project / "fnox.toml"


def db(project: Path) -> EntryId:
    return EntryId.secret(main_file(project), "DATABASE_URL")


def edit_db(project: Path, value: str) -> tuple[UpdateSecret, ...]:
    return (UpdateSecret(db(project), {"value": value}),)


def expect_db(project: Path, entered: str) -> ExpectedValue:
    return ExpectedValue.of(db(project), entered, profile="default", provider="plain")


def row_of(app: FnoxTuiApp, profile: str, entry: EntryId) -> str:
    text = app.main.tree.row_text(SecretKey(profile, entry))
    assert text is not None, (profile, entry)
    return text.plain


async def test_the_tree_marks_staged_changes_and_the_status_counts_them(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    path = main_file(project)
    token, new = EntryId.secret(path, "API_TOKEN"), EntryId.secret(path, "NEW_ONE")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://new/app"))
        stage(app, DeleteSecret(token))
        stage(app, AddSecret(new, {"provider": "plain", "value": "n1"}))
        await pilot.pause()
        assert "3 staged changes · ctrl+s to review" in app.main.status_bar.counters
        assert "~ changed" in row_of(app, "default", db(project))
        deleted = app.main.tree.row_text(SecretKey("default", token))
        assert deleted is not None and "- deleted" in deleted.plain
        assert any("strike" in str(span.style) for span in deleted.spans)
        assert "+ new" in row_of(app, "default", new)
        # The new top-level secret shows in every profile, as the loader will show it.
        for profile in ("staging", "production"):
            app.main.tree.fill(profile)
            row = row_of(app, profile, new)
            assert "+ new" in row and "↑ inherited" in row
        # The file and the loaded text are untouched until a save.
        assert "NEW_ONE" not in path.read_text()

        await pilot.press("u")  # undo the last step: the new secret
        await pilot.pause()
        assert "2 staged changes · ctrl+s to review" in app.main.status_bar.counters
        assert app.main.tree.row_text(SecretKey("default", new)) is None
        await pilot.press("u", "u")
        await pilot.pause()
        assert "staged" not in app.main.status_bar.counters
        assert "~ changed" not in row_of(app, "default", db(project))


async def test_review_shows_the_lines_that_change_without_plaintext_and_esc_goes_back(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    before = main_file(project).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://new/app"), expected=[expect_db(project, "x")])
        review = await open_review(app, pilot)
        text = review_text(review)
        assert "fnox.toml" in text and "+1 -1" in text
        assert '-DATABASE_URL = { provider = "plain", value = "•••"' in text
        assert '+DATABASE_URL = { provider = "plain", value = "•••"' in text
        assert "postgres://" not in text  # a plain value is plaintext: hidden
        assert "new file" not in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main
        assert main_file(project).read_bytes() == before
        assert len(app.controller.staging) == 1


async def test_a_new_file_is_named_as_such_in_the_review(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    local = project / "fnox.local.toml"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, AddSecret(EntryId.secret(local, "LOCAL"), {"default": "l"}))
        text = review_text(await open_review(app, pilot))
        assert "fnox.local.toml  new file  +2 -0" in text
        await confirm(app, pilot)
        assert local.read_text() == '[secrets]\nLOCAL = { default = "l" }\n'
        assert "1 entry read back as staged" in notes(app)


async def test_enter_writes_reloads_keeps_revealed_values_and_verifies(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    path = main_file(project)
    before = path.read_text()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret("default", "LOG_LEVEL")
        await pilot.pause()
        await pilot.press("v")
        await settle(app, pilot)
        assert revealed(app, "default", "LOG_LEVEL") == "info"
        stage(
            app,
            *edit_db(project, "postgres://new/app"),
            expected=[expect_db(project, "postgres://new/app")],
        )
        await open_review(app, pilot)
        await confirm(app, pilot)
        after = path.read_text()
        assert after == before.replace("postgres://db/app", "postgres://new/app")
        assert not app.controller.staging
        assert app.saves.last.report is not None and app.saves.last.report.ok
        assert "Saved fnox.toml: verified 1 value, 1 entry read back as staged" in notes(app)
        # The untouched entry's value stayed revealed over the reload; the saved one is on disk.
        assert revealed(app, "default", "LOG_LEVEL") == "info"
        assert "info" in row_of(app, "default", EntryId.secret(path, "LOG_LEVEL"))
        assert app.workspace.loaded[path].text == after  # type: ignore[union-attr]
        assert "~ changed" not in row_of(app, "default", db(project))


async def test_a_value_that_does_not_decrypt_to_what_was_entered_is_named(
    make_app: MakeApp, project: Path
) -> None:
    """As if the provider had encrypted something else than what the user typed."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://wrong/app"), expected=[expect_db(project, "ok")])
        await open_review(app, pilot)
        await confirm(app, pilot)
        report = app.saves.last.report
        assert report is not None and not report.ok
        assert [failure.entry.name for failure in report.failures] == ["DATABASE_URL"]
        said = notes(app)
        assert "Verification failed" in said and "DATABASE_URL in fnox.toml" in said
        assert "decrypts to a different value than the one entered" in said
        assert "postgres://" not in said


async def test_conflict_reload_and_reapply_keeps_what_does_not_conflict(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    path = main_file(project)
    token = EntryId.secret(path, "API_TOKEN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        stage(app, UpdateSecret(token, {"value": "tok-mine"}))
        await open_review(app, pilot)
        # Someone else edits the file between staging and confirming.
        theirs = "# added by someone else\n" + path.read_text().replace(
            "postgres://db/app", "postgres://theirs/app"
        )
        path.write_text(theirs)
        await pilot.press("enter")
        conflict = await dialog(app, pilot, "conflict-dialog")
        assert any("changed on disk: fnox.toml" in line for line in conflict.body)
        assert path.read_text() == theirs  # nothing was written
        await pilot.press("r")
        review = await open_review_after_reapply(app, pilot)
        text = review_text(review)
        assert "Dropped, changed on disk: DATABASE_URL in [secrets] of fnox.toml" in text
        diff = text.split("\n", 1)[1]
        assert "[secrets.API_TOKEN]" in diff and '+value = "•••"' in diff
        assert "DATABASE_URL" not in diff and "tok-" not in diff
        await confirm(app, pilot)
        final = path.read_text()
        assert final == theirs.replace('value = "tok-123"', 'value = "tok-mine"')
        assert not app.controller.staging
        assert "DATABASE_URL in [secrets] of fnox.toml: the entry was changed on disk" in notes(app)


async def open_review_after_reapply(app: FnoxTuiApp, pilot) -> ReviewScreen:  # type: ignore[no-untyped-def]
    await until(pilot, lambda: isinstance(app.screen, ReviewScreen), "the review again")
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_conflict_cancel_writes_nothing_and_keeps_the_changes(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    path = main_file(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        await open_review(app, pilot)
        theirs = path.read_text() + '\n[profiles.qa.secrets]\nQA = { default = "q" }\n'
        path.write_text(theirs)
        await pilot.press("enter")
        await dialog(app, pilot, "conflict-dialog")
        await pilot.press("c")
        await settle(app, pilot)
        assert app.screen is app.main
        assert path.read_text() == theirs
        assert len(app.controller.staging) == 1
        assert "Nothing was written; your 1 staged change is kept" in notes(app)


async def test_a_reload_keeps_staged_changes_that_still_apply(
    make_app: MakeApp, project: Path
) -> None:
    """`r` with staged changes: a change whose entry changed on disk is dropped and named."""
    app = make_app()
    path = main_file(project)
    token = EntryId.secret(path, "API_TOKEN")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        stage(app, UpdateSecret(token, {"value": "tok-mine"}))
        path.write_text(path.read_text().replace("tok-123", "tok-theirs"))
        loads = app.controller.loads
        await pilot.press("r")
        await until(pilot, lambda: app.controller.loads > loads, "the reload")
        await pilot.pause()
        assert [c.id.name for c in app.controller.staging] == ["DATABASE_URL"]
        assert "API_TOKEN in [secrets] of fnox.toml: the entry was changed on disk" in notes(app)


async def test_quit_with_staged_changes_stay(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        await pilot.press("q")
        question = await dialog(app, pilot, "quit-dialog")
        assert "1 staged change is not saved" in question.body[0]
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running and app.screen is app.main
        await pilot.press("q")
        await dialog(app, pilot, "quit-dialog")
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running and len(app.controller.staging) == 1


async def test_quit_with_staged_changes_discard(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    before = main_file(project).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        await pilot.press("q")
        await dialog(app, pilot, "quit-dialog")
        await pilot.press("d")
        await until(pilot, lambda: app._exit_renderables or not app.is_running, "the exit")
    assert main_file(project).read_bytes() == before
    assert app.return_code == 0


async def test_quit_with_staged_changes_save(make_app: MakeApp, project: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(
            app,
            *edit_db(project, "postgres://saved/app"),
            expected=[expect_db(project, "postgres://saved/app")],
        )
        await pilot.press("q")
        await dialog(app, pilot, "quit-dialog")
        await pilot.press("s")
        review = await open_review_after_reapply(app, pilot)
        assert review.title_text == "Save before quitting"
        await pilot.press("enter")
        await until(pilot, lambda: not app.is_running or app.return_code is not None, "exit")
    assert "postgres://saved/app" in main_file(project).read_text()
    assert app.saves.last.report is not None and app.saves.last.report.ok


async def test_quit_without_staged_changes_asks_nothing(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: app.return_code is not None, "the exit")
    assert app.return_code == 0


async def test_a_signal_cannot_ask_and_says_what_was_lost(
    make_app: MakeApp, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, *edit_db(project, "postgres://mine/app"))
        app.shut_down(143)  # what ui.runner does on SIGTERM
        await until(pilot, lambda: app.return_code is not None, "the exit")
    assert app.return_code == 143
    assert "fnox-tui: 1 staged change was not saved." in capsys.readouterr().err


async def test_a_staged_row_reveals_what_will_be_written_and_undo_hides_it(
    make_app: MakeApp, project: Path
) -> None:
    app = make_app()
    path = main_file(project)
    new = EntryId.secret(path, "NEW_ONE")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "v")  # DATABASE_URL, as on disk
        await settle(app, pilot)
        assert revealed(app, "default", "DATABASE_URL") == "postgres://db/app"
        stage(app, *edit_db(project, "postgres://staged/app"))
        await pilot.pause()
        # The value shown was the file's: hidden once a change is staged for the entry.
        assert revealed(app, "default", "DATABASE_URL") is None
        assert "postgres://" not in row_of(app, "default", db(project))
        await pilot.press("v")
        await settle(app, pilot)
        assert "postgres://staged/app" in row_of(app, "default", db(project))
        stage(app, AddSecret(new, {"provider": "plain", "value": "brand new"}))
        await pilot.pause()
        app.main.tree.jump_to_secret("default", "NEW_ONE")
        await pilot.pause()
        await pilot.press("v")
        await settle(app, pilot)
        assert "brand new" in row_of(app, "default", new)
        assert "postgres://staged/app" in row_of(app, "default", db(project))  # kept
        await pilot.press("u", "u")
        await pilot.pause()
        assert len(app.plaintext) == 0
        assert "postgres://" not in row_of(app, "default", db(project))


async def test_a_crlf_file_is_saved_as_crlf_with_only_the_entry_changed(
    make_app: MakeApp, project: Path
) -> None:
    path = main_file(project)
    before = path.read_text().replace("\n", "\r\n")
    path.write_bytes(before.encode())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "\r\n" in app.workspace.loaded[path].text  # type: ignore[union-attr]
        stage(app, *edit_db(project, "postgres://crlf/app"))
        await open_review(app, pilot)
        await confirm(app, pilot)
        assert app.saves.last.report is not None and app.saves.last.report.ok
    after = path.read_bytes().decode()
    assert after == before.replace("postgres://db/app", "postgres://crlf/app")
