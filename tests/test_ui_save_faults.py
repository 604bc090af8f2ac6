"""Faults while saving: a clear message, the staged changes kept, every file exactly as before.

The tests run as root, for whom no permission bit stops a write: a read-only file or directory
is simulated by the os calls the save makes (``SaveFlow.ops``) failing with EACCES, a full
disk by writes failing with ENOSPC.
"""

from __future__ import annotations

from pathlib import Path

from fnox_tui.core.changes import UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.save_verify import ExpectedValue
from fnox_tui.ui.app import FnoxTuiApp
from fnox_tui.ui.screens.review import ReviewScreen
from tests.save_helpers import (
    EACCES,
    ENOSPC,
    ReadOnlyOs,
    confirm,
    dialog,
    notes,
    open_review,
    settle,
    stage,
    temp_leftovers,
    until,
)
from tests.test_atomic_save import FaultyOs
from tests.test_ui_main import SIZE
from tests.ui_fixtures import MakeApp


def db_change(project: Path, value: str = "postgres://new/app") -> UpdateSecret:
    return UpdateSecret(EntryId.secret(project / "fnox.toml", "DATABASE_URL"), {"value": value})


async def save_failing(app: FnoxTuiApp, pilot, project: Path) -> str:  # type: ignore[no-untyped-def]
    """Stage one edit, review, confirm; the save fails. Returns what the user was told."""
    stage(app, db_change(project))
    await open_review(app, pilot)
    await confirm(app, pilot)
    assert app.screen is app.main
    assert len(app.controller.staging) == 1  # kept
    return notes(app)


async def test_a_full_disk(make_app: MakeApp, project: Path) -> None:
    path = project / "fnox.toml"
    before = path.read_bytes()
    app = make_app()
    ops = FaultyOs()
    ops.fail("write", ENOSPC, path=path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.saves.ops = ops
        said = await save_failing(app, pilot, project)
    assert "Not saved Nothing was written: disk full while writing" in said
    assert "Your 1 staged change is kept." in said
    assert path.read_bytes() == before
    assert temp_leftovers(project) == []


async def test_a_read_only_directory(make_app: MakeApp, project: Path) -> None:
    path = project / "fnox.toml"
    before = path.read_bytes()
    app = make_app()
    ops = FaultyOs()
    ops.fail("open", EACCES, path=path)  # creating the temporary file beside it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.saves.ops = ops
        said = await save_failing(app, pilot, project)
    assert "permission denied while creating a temporary file for" in said
    assert path.read_bytes() == before
    assert temp_leftovers(project) == []


async def test_a_read_only_file(make_app: MakeApp, project: Path) -> None:
    path = project / "fnox.toml"
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.saves.ops = ReadOnlyOs(path)
        said = await save_failing(app, pilot, project)
    assert "fnox.toml is read-only (permission denied); nothing was changed" in said
    assert path.read_bytes() == before
    assert temp_leftovers(project) == []


async def test_a_file_deleted_meanwhile(make_app: MakeApp, project: Path) -> None:
    local = project / "fnox.local.toml"
    local.write_text('[secrets]\nLOCAL = { provider = "plain", value = "one" }\n')
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, UpdateSecret(EntryId.secret(local, "LOCAL"), {"value": "two"}))
        await open_review(app, pilot)
        local.unlink()
        await pilot.press("enter")
        question = await dialog(app, pilot, "conflict-dialog")
        assert "  deleted: fnox.local.toml" in question.body
        await pilot.press("c")  # cancel: kept
        await settle(app, pilot)
        assert not local.exists() and len(app.controller.staging) == 1
        # Again, and this time reload: the change has nothing left to apply to.
        await open_review(app, pilot)
        await pilot.press("enter")
        await dialog(app, pilot, "conflict-dialog")
        await pilot.press("r")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReviewScreen)
        said = notes(app)
        assert "LOCAL in [secrets] of fnox.local.toml: the file was deleted" in said
        assert "No staged change is left to save" in said
        assert not local.exists()


async def test_an_empty_value_is_refused_before_anything_is_written(
    make_app: MakeApp, project: Path
) -> None:
    path = project / "fnox.toml"
    before = path.read_bytes()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, db_change(project, value=""))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "empty" in notes(app), "the refusal")
        await settle(app, pilot)
        assert app.screen is app.main
        assert "The value of DATABASE_URL is empty: nothing was written" in notes(app)
        assert len(app.controller.staging) == 1
    assert path.read_bytes() == before


async def test_a_value_that_cannot_be_decrypted_after_saving_is_named(
    make_app: MakeApp, project: Path
) -> None:
    """The check after the save goes through the provider: its error is the message."""
    app = make_app()
    entry = EntryId.secret(project / "fnox.toml", "DATABASE_URL")
    change = UpdateSecret(entry, {"provider": "other", "value": "secret/db"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, change, expected=[ExpectedValue.of(entry, "x", profile="default")])
        await open_review(app, pilot)
        await confirm(app, pilot)
        report = app.saves.last.report
        assert report is not None and not report.ok
        (failure,) = report.failures
        assert failure.entry == entry and "vault" in failure.reason
        assert "Verification failed" in notes(app)
