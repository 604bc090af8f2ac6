"""The walkthrough when AWS denies ReEncrypt: without consent every row fails, names the IAM
actions and nothing is written; with the plan's consent the values are decrypted and encrypted
here instead, verified, and written. Step 7's policy is copyable. (moto in-process, its
ReEncrypt denied.)"""

from __future__ import annotations

import base64
import json
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from moto.kms.exceptions import AccessDeniedException
from moto.kms.models import KmsBackend

from fnox_tui.core.rotation.journal import JOURNAL_NAME
from fnox_tui.core.rotation.plan import Route
from fnox_tui.ui.screens.rotation.steps import Step
from tests.rotation_helpers import encrypter
from tests.rotation_ui_helpers import (
    KMS_VALUES,
    SIZE,
    choose_key,
    commit,
    make_app,
    open_walkthrough,
    shown,
    until,
    until_shown,
    write_kms_project,
)


@pytest.fixture
def keys(kms_client: Any) -> dict[str, str]:
    old = kms_client.create_key(Description="old")["KeyMetadata"]
    new = kms_client.create_key(Description="new")["KeyMetadata"]
    return {"old": old["Arn"], "new": new["Arn"]}


@pytest.fixture
def root(tmp_path: Path, kms_client: Any, keys: dict[str, str]) -> Path:
    encrypt = encrypter(kms_client, keys["old"])
    return write_kms_project(tmp_path / "project", keys["old"], encrypt)


@pytest.fixture
def reencrypt_denied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []

    def deny(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        raise AccessDeniedException(
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: "
            "kms:ReEncryptFrom"
        )

    monkeypatch.setattr(KmsBackend, "re_encrypt", deny)
    return calls


def files(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_denied_without_consent_every_row_fails_and_nothing_is_written(
    root: Path, keys: dict[str, str], reencrypt_denied: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(root)
    before = files(root)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(
            app.plain_clip,
            "copy",
            lambda text: copied.append(text) or SimpleNamespace(method="system"),
        )
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, keys["new"])
        await pilot.press("n", "n")
        session = screen.session
        assert session is not None
        await until(pilot, lambda: not screen.busy and not session.running, "run ended")
        assert session.progress() == (0, 5, 5)
        assert reencrypt_denied  # it was asked, and denied
        error = session.failed()[0].error
        assert error is not None and error.message.startswith("AWS denied re-encrypting")
        assert "allow fnox-tui to decrypt and encrypt the values on this machine" in error.hint
        assert '"kms:ReEncryptTo"' in error.detail
        assert "Nothing was written." in flat(shown(app))
        await pilot.press("y")  # the policy the denied rows need
        await pilot.pause()
        assert copied == [error.detail]
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not screen, "asked to confirm")
        await pilot.press("y")
        await until(pilot, lambda: app.screen is app.main, "left")
    assert files(root) == before  # no journal either


async def test_denied_with_consent_decrypts_and_encrypts_here_and_writes(
    root: Path,
    kms_client: Any,
    keys: dict[str, str],
    reencrypt_denied: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(root)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(
            app.plain_clip,
            "copy",
            lambda text: copied.append(text) or SimpleNamespace(method="system"),
        )
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, keys["new"])
        await pilot.press("n")
        assert screen.step is Step.PLAN
        screen.query_one("#consent").value = True  # type: ignore[attr-defined]
        await pilot.pause()
        session = screen.session
        assert session is not None and session.plan.consent_decrypt
        # The plan counts the worst case: ReEncrypt, then Decrypt, Encrypt and a verify.
        assert (
            "10 (ReEncrypt and a verifying Decrypt per value), at most 20 if ReEncrypt is "
            "denied" in flat(shown(app))
        )
        await pilot.press("n")
        await until(pilot, lambda: not screen.busy and session.complete, "all re-encrypted")
        assert not screen.check_action("copy", ())  # no failed row: nothing to copy here
        routes = {result.route for result in session.results()}
        assert routes == {Route.DECRYPT_ENCRYPT}
        assert all(result.verified for result in session.results())
        assert reencrypt_denied  # ReEncrypt was tried first, and denied
        await pilot.press("n")
        await until_shown(pilot, "Decrypt+Encrypt")
        await commit(pilot, screen)
        # Step 7: the IAM actions the new key needs, copyable.
        await pilot.press("y")
        await pilot.pause()
    assert len(copied) == 1
    policy = json.loads(copied[0])
    (statement,) = policy["Statement"]
    assert statement["Resource"] == keys["new"]
    assert set(statement["Action"]) == {"kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"}
    assert not (root / JOURNAL_NAME).exists()
    data = tomllib.loads((root / "fnox.toml").read_text())
    assert data["providers"]["kms"]["key_id"] == keys["new"]
    for (file, table, name), plaintext in KMS_VALUES.items():
        node: Any = tomllib.loads((root / file).read_text())
        for part in table.split("."):
            node = node[part]
        blob = base64.b64decode(node[name]["value"])
        answer = kms_client.decrypt(KeyId=keys["new"], CiphertextBlob=blob)
        assert answer["Plaintext"].decode() == plaintext
