"""Pilot tests of the walkthrough for an aws-kms provider, against moto in-process."""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fnox_tui.core.rotation.journal import JOURNAL_NAME
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


@pytest.fixture
def keys(kms_client: Any) -> dict[str, str]:
    old = kms_client.create_key(Description="old")["KeyMetadata"]
    new = kms_client.create_key(Description="new")["KeyMetadata"]
    kms_client.create_alias(AliasName="alias/next", TargetKeyId=new["KeyId"])
    return {"old": old["Arn"], "new": new["Arn"], "new_id": new["KeyId"]}


@pytest.fixture
def root(tmp_path: Path, kms_client: Any, keys: dict[str, str]) -> Path:
    encrypt = encrypter(kms_client, keys["old"])
    return write_kms_project(tmp_path / "project", keys["old"], encrypt)


def stored_values(root: Path) -> dict[tuple[str, str, str], str]:
    found = {}
    for file, table, name in KMS_VALUES:
        data: Any = tomllib.loads((root / file).read_text())
        for part in table.split("."):
            data = data[part]
        found[(file, table, name)] = data[name]["value"]
    return found


def decrypt_all(kms_client: Any, root: Path, key: str) -> dict[tuple[str, str, str], str]:
    return {
        where: kms_client.decrypt(KeyId=key, CiphertextBlob=base64.b64decode(value))[
            "Plaintext"
        ].decode()
        for where, value in stored_values(root).items()
    }


def no_plaintext(text: str) -> bool:
    return not any(value.splitlines()[0] in text for value in KMS_VALUES.values())


async def test_every_step_rotates_every_value_to_a_pasted_alias(
    root: Path, kms_client: Any, keys: dict[str, str]
) -> None:
    app = make_app(root)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        seen.append(shown(app))
        # 1 Current key: DescribeKey and the values that use it.
        text = shown(app)
        assert keys["old"] in text and "Enabled" in text
        assert "5 values use this key, in 3 files" in text
        # 2 New key: the alias is resolved to the key's ARN and checked.
        await choose_key(pilot, screen, "alias/next")
        assert screen.session.target.arn == keys["new"]  # type: ignore[union-attr]
        text = shown(app)
        assert "A test Encrypt and Decrypt succeeded" in text and "Not the current key" in text
        seen.append(text)
        # 3 Plan, 4 Re-encrypt, 5 Verify.
        await run_to_verify(pilot, screen)
        await until_shown(pilot, "All 5 values re-encrypted")
        seen.append(shown(app))
        assert (root / JOURNAL_NAME).exists()  # progress is journaled, nothing else written
        # 6 Commit, 7 Done.
        await commit(pilot, screen)
        text = shown(app)
        assert "kms:Decrypt" in text and "schedule-key-deletion" in text
        seen.append(text)
    assert all(no_plaintext(text) for text in seen)  # no step ever shows a value
    data = tomllib.loads((root / "fnox.toml").read_text())
    assert data["providers"]["kms"]["key_id"] == keys["new"]
    assert "# the team's key" in (root / "fnox.toml").read_text()
    assert decrypt_all(kms_client, root, keys["new"]) == KMS_VALUES
    assert not (root / JOURNAL_NAME).exists()


async def test_R_on_a_secret_opens_its_provider_and_esc_leaves(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret("default", "API_TOKEN")
        await pilot.pause()
        await pilot.press("R")
        await until(pilot, lambda: isinstance(app.screen, RotationScreen), "the walkthrough")
        screen = app.screen
        assert isinstance(screen, RotationScreen) and screen.provider.name == "kms"
        await until(pilot, lambda: screen.session.loaded is not None, "loaded")  # type: ignore[union-attr]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is app.main, "back on the main screen")


async def test_R_on_a_plain_secret_says_why_not(root: Path) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.main.tree.jump_to_secret("default", "LOG_LEVEL")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert app.screen is app.main
        assert any("provider plain is plain" in n.message for n in app._notifications)


async def test_create_a_new_key_with_an_alias(root: Path, kms_client: Any) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        await pilot.press("n")
        screen.query_one("#alias-input").value = "fnox-created"  # type: ignore[attr-defined]
        await pilot.click("#create-key")
        await until(pilot, lambda: screen.session.target is not None, "created key")  # type: ignore[union-attr]
        arn = screen.session.target.arn  # type: ignore[union-attr]
        described = kms_client.describe_key(KeyId="alias/fnox-created")["KeyMetadata"]
        assert described["Arn"] == arn and described["Description"] == "fnox secrets encryption"


async def test_the_current_key_is_refused_as_the_new_one(root: Path, keys: dict[str, str]) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        await pilot.press("n")
        from tests.rotation_ui_helpers import enter_text

        await enter_text(pilot, screen, "#key-input", keys["old"])
        await until(pilot, lambda: not screen.busy, "checked")
        assert screen.session.target is None  # type: ignore[union-attr]
        await until_shown(pilot, "This is the key the provider uses now")
        await pilot.press("n")
        assert screen.step is Step.NEW


async def test_a_file_changed_before_the_commit_is_refused_and_nothing_is_written(
    root: Path, keys: dict[str, str]
) -> None:
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, keys["new"])
        await run_to_verify(pilot, screen)
        local = root / "fnox.local.toml"
        local.write_text(local.read_text() + "# edited meanwhile\n")
        before = {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}
        await pilot.press("n")
        await until(pilot, lambda: not screen.busy, "prepared")
        await until_shown(
            pilot, "fnox.local.toml changed on disk since it was loaded; nothing was written"
        )
        assert screen.session.prepared is None  # type: ignore[union-attr]
        await pilot.press("w")  # nothing to write
        await pilot.pause()
        assert app.screen is screen
    assert {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()} == before


async def test_the_command_palette_offers_each_rotatable_provider(root: Path) -> None:
    from fnox_tui.ui.commands import FnoxCommands

    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        commands = {title: action for title, _help, action in FnoxCommands(app.screen)._commands()}
        assert "Rotate key…" in commands and "Rotate key… kms" in commands
        assert not any(title.startswith("Rotate") and "plain" in title for title in commands)
        commands["Rotate key… kms"]()
        await until(pilot, lambda: isinstance(app.screen, RotationScreen), "the walkthrough")
        screen = app.screen
        assert isinstance(screen, RotationScreen) and screen.provider.name == "kms"
        await until(pilot, lambda: screen.session is not None and screen.session.loaded, "loaded")
        await pilot.pause()
