"""On start, fnox-tui offers the journal of an interrupted rotation: continue, discard, recover."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import FileCache, load_workspace
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.journal import JOURNAL_NAME, Journal, Phase
from fnox_tui.core.rotation.plan import plan_rotation
from fnox_tui.core.rotation.targets import KmsTarget
from fnox_tui.ui.screens.rotation.recovery import RecoveryOffer
from fnox_tui.ui.screens.rotation.screen import RotationScreen
from fnox_tui.ui.screens.rotation.steps import Step
from tests.rotation_commit_helpers import snapshot, write_workspace
from tests.rotation_helpers import encrypter, two_keys
from tests.rotation_ui_helpers import (
    KMS_VALUES,
    SIZE,
    commit,
    make_app,
    until,
    until_shown,
    write_kms_project,
)
from tests.test_rotation_commit_kill import assert_new_state, run_child
from tests.test_ui_rotation_kms import decrypt_all


@pytest.fixture
def interrupted(tmp_path: Path, kms_client: Any) -> dict[str, Any]:
    """A KMS rotation that re-encrypted 2 of its 5 values, then stopped (its journal kept)."""
    old, new = two_keys(kms_client)
    encrypt = encrypter(kms_client, old)

    root = write_kms_project(tmp_path / "project", old, encrypt)
    cache = FileCache()
    workspace = load_workspace(root, environ={"HOME": str(tmp_path)}, cache=cache)
    plan = plan_rotation(workspace, EntryId(root / "fnox.toml", ("providers",), "kms"), cache.files)
    journal = Journal.start(plan, KmsTarget(new, new))
    with ProviderRegistry(environ={}) as registry:
        rotation = Rotation(plan, KmsTarget(new, new), registry.context, journal=journal)
        rotation.run([row.key for row in plan.rows[:2]])
    assert len(Journal.load(root / JOURNAL_NAME).rows) == 2
    return {"root": root, "old": old, "new": new, "files": snapshot(root)}


async def offered(pilot: Any) -> RecoveryOffer:
    await until(pilot, lambda: isinstance(pilot.app.screen, RecoveryOffer), "the recovery offer")
    await pilot.pause()
    return pilot.app.screen  # type: ignore[no-any-return]


async def test_continue_an_interrupted_rotation(
    interrupted: dict[str, Any], kms_client: Any
) -> None:
    root = interrupted["root"]
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await offered(pilot)
        await until_shown(pilot, "2 values were re-encrypted so far")
        await pilot.click("#recovery-continue")
        await until(pilot, lambda: isinstance(app.screen, RotationScreen), "the walkthrough")
        screen = app.screen
        assert isinstance(screen, RotationScreen)
        await until(pilot, lambda: screen.step is Step.PLAN, "resumed at the plan")
        await pilot.pause()
        await until_shown(pilot, "2 values done in the earlier run")
        requests = app.registry.stats.kms_requests
        await pilot.press("n")
        await until(pilot, lambda: not screen.busy and screen.session.complete, "re-encrypted")  # type: ignore[union-attr]
        assert screen.session.reused == 2  # type: ignore[union-attr]
        assert app.registry.stats.kms_requests - requests == 2 * 3  # only the 3 rows left
        await pilot.press("n")
        await commit(pilot, screen)
    assert decrypt_all(kms_client, root, interrupted["new"]) == KMS_VALUES
    assert not (root / JOURNAL_NAME).exists()


async def test_discard_an_interrupted_rotation(interrupted: dict[str, Any]) -> None:
    root = interrupted["root"]
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await offered(pilot)
        await pilot.click("#recovery-discard")
        await until(pilot, lambda: not (root / JOURNAL_NAME).exists(), "journal deleted")
        assert app.screen is app.main
    assert snapshot(root) == {k: v for k, v in interrupted["files"].items() if k != JOURNAL_NAME}


async def test_not_now_keeps_the_journal(interrupted: dict[str, Any]) -> None:
    root = interrupted["root"]
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await offered(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "offer closed")
    assert Journal.load(root / JOURNAL_NAME).phase is Phase.ROTATING


@pytest.mark.parametrize("mode", ["before-renames", "mid-renames"])
async def test_a_commit_killed_midway_is_completed_on_the_next_start(
    tmp_path: Path, mode: str
) -> None:
    """The process died between writing the temporary files and the renames (or after the
    first rename): the next start completes the commit, and every file holds the new values."""
    root = write_workspace(tmp_path / "ws")
    run_child(root, mode)
    assert Journal.load(root / JOURNAL_NAME).phase is Phase.COMMITTING
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await offered(pilot)
        await until_shown(pilot, "was interrupted (2 files)")
        await pilot.click("#recovery-recover")
        await until(pilot, lambda: not (root / JOURNAL_NAME).exists(), "recovered")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: app.controller.loads >= 2, "reloaded")
        assert any("completed" in n.message for n in app._notifications)
    assert_new_state(root)
