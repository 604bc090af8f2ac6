"""A rotation while edits are staged: it shows and plans, may dry-run, but writes nothing
(no journal, no file) until the staged edits are saved or undone; never loses a staged edit.
After a save, a new walkthrough plans from the saved files and rotates the saved value too.
(moto in-process.)"""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.changes import UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.rotation.journal import JOURNAL_NAME
from fnox_tui.core.rotation.staged import StagedChangesError
from fnox_tui.ui.screens.rotation.screen import RotationScreen
from fnox_tui.ui.screens.rotation.steps import Step
from tests.rotation_helpers import encrypter
from tests.rotation_ui_helpers import (
    KMS_VALUES,
    SIZE,
    choose_key,
    commit,
    make_app,
    open_walkthrough,
    run_to_verify,
    shown,
    until,
    until_shown,
    write_kms_project,
)
from tests.save_helpers import open_review, settle, stage


@pytest.fixture
def keys(kms_client: Any) -> dict[str, str]:
    old = kms_client.create_key(Description="old")["KeyMetadata"]
    new = kms_client.create_key(Description="new")["KeyMetadata"]
    return {"old": old["Arn"], "new": new["Arn"]}


@pytest.fixture
def root(tmp_path: Path, kms_client: Any, keys: dict[str, str]) -> Path:
    encrypt = encrypter(kms_client, keys["old"])
    return write_kms_project(tmp_path / "project", keys["old"], encrypt)


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def edit_token(kms_client: Any, keys: dict[str, str], root: Path, text: str) -> UpdateSecret:
    """What the edit form stages for API_TOKEN: its new value encrypted under the key now."""
    blob = kms_client.encrypt(KeyId=keys["old"], Plaintext=text.encode())["CiphertextBlob"]
    entry = EntryId.secret(root / "fnox.toml", "API_TOKEN")
    return UpdateSecret(entry, {"value": base64.b64encode(blob).decode()})


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_a_staged_edit_stops_the_run_and_stays_staged(
    root: Path, kms_client: Any, keys: dict[str, str]
) -> None:
    app = make_app(root)
    before = files(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, edit_token(kms_client, keys, root, "edited"), description="edit API_TOKEN")
        screen = await open_walkthrough(pilot, "kms")
        assert "1 staged change is not saved in fnox.toml, which the rotation rewrites" in flat(
            shown(app)
        )
        await choose_key(pilot, screen, keys["new"])
        await pilot.press("n")
        assert screen.step is Step.PLAN
        await pilot.press("n")  # refused: not re-encrypting for real while edits are staged
        await pilot.pause()
        assert screen.step is Step.PLAN
        assert screen.session is not None and screen.session.rotation is None
        assert "A rotation writes nothing while edits are staged" in flat(shown(app))
        assert not (root / JOURNAL_NAME).exists()
        with pytest.raises(StagedChangesError):  # the session refuses as well
            screen.session.begin()
        assert not (root / JOURNAL_NAME).exists()
        await pilot.press("escape", "escape", "escape")
        await until(pilot, lambda: app.screen is app.main, "back on the main screen")
        assert len(app.controller.staging) == 1
        assert app.controller.staging.steps[0].description == "edit API_TOKEN"
    assert files(root) == before


async def test_a_dry_run_works_while_edits_are_staged(
    root: Path, kms_client: Any, keys: dict[str, str]
) -> None:
    app = make_app(root)
    before = files(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, edit_token(kms_client, keys, root, "edited"))
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, keys["new"])
        await pilot.press("n")
        screen.query_one("#dry-run").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        await until_shown(pilot, "n starts the dry run")
        await pilot.press("n")
        assert screen.step is Step.RUN
        await until(pilot, lambda: screen.session.complete, "dry run done")  # type: ignore[union-attr]
        await pilot.press("n", "n")
        await until(pilot, lambda: screen.step is Step.DONE, "done")
        await app.workers.wait_for_complete()
        assert len(app.controller.staging) == 1
    assert files(root) == before


async def test_an_edit_staged_before_the_commit_stops_the_write_until_undone(
    root: Path, kms_client: Any, keys: dict[str, str]
) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, keys["new"])
        await run_to_verify(pilot, screen)
        # An edit staged meanwhile (the walkthrough covers the main screen, but e.g. a
        # save-or-discard question on quitting reaches the staged edits from here).
        stage(app, edit_token(kms_client, keys, root, "edited meanwhile"))
        before = files(root)
        await pilot.press("n")
        assert screen.step is Step.COMMIT
        await until(pilot, lambda: screen.session.prepared is not None, "prepared")  # type: ignore[union-attr]
        await pilot.pause()
        assert "A rotation writes nothing while edits are staged" in flat(shown(app))
        await pilot.press("w")
        await pilot.pause()
        assert app.screen is screen  # no confirmation asked: nothing to confirm
        assert screen.session is not None
        with pytest.raises(StagedChangesError):
            screen.session.write()
        assert files(root) == before
        assert len(app.controller.staging) == 1
        # Undone, the same commit goes through.
        assert app.controller.undo() is not None
        await pilot.press("w")
        await until(pilot, lambda: not isinstance(app.screen, RotationScreen), "confirm")
        await pilot.press("y")
        await until(pilot, lambda: screen.step is Step.DONE, "written")
        await app.workers.wait_for_complete()
    data = tomllib.loads((root / "fnox.toml").read_text())
    assert data["providers"]["kms"]["key_id"] == keys["new"]


async def test_after_saving_the_edit_the_rotation_re_encrypts_the_saved_value(
    root: Path, kms_client: Any, keys: dict[str, str]
) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        stage(app, edit_token(kms_client, keys, root, "edited and saved"))
        await open_review(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert not app.controller.staging
        screen = await open_walkthrough(pilot, "kms")
        assert screen.session is not None and screen.session.staged_blocker() is None
        await choose_key(pilot, screen, keys["new"])
        await run_to_verify(pilot, screen)
        await commit(pilot, screen)
    data = tomllib.loads((root / "fnox.toml").read_text())
    assert data["providers"]["kms"]["key_id"] == keys["new"]

    def decrypt(value: str) -> str:
        blob = base64.b64decode(value)
        return kms_client.decrypt(KeyId=keys["new"], CiphertextBlob=blob)["Plaintext"].decode()

    assert decrypt(data["secrets"]["API_TOKEN"]["value"]) == "edited and saved"
    prod = data["profiles"]["prod"]["secrets"]["PROD_PASSWORD"]["value"]
    assert decrypt(prod) == KMS_VALUES[("fnox.toml", "profiles.prod.secrets", "PROD_PASSWORD")]
