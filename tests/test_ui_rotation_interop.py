"""After a rotation through the walkthrough, the real ``fnox get`` reads every original value
with the new ``key_id``: secrets in several profiles and files, a shadowed entry in
``fnox.local.toml`` included (moto_server on 127.0.0.1, the real fnox binary)."""

from __future__ import annotations

import base64
import textwrap
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.ui.app import FnoxTuiApp
from tests.aws_server import MOTO_REGION
from tests.fnox_binary import Fnox
from tests.rotation_ui_helpers import SIZE, choose_key, commit, open_walkthrough, run_to_verify

pytestmark = [pytest.mark.moto_server, pytest.mark.fnox]


@pytest.mark.parametrize("pasted", ["alias", "arn"])
async def test_fnox_reads_every_value_after_the_walkthrough(
    fnox: Fnox, moto_environ: dict[str, str], tmp_path: Path, pasted: str
) -> None:
    kms: Any = boto3.client("kms", region_name=MOTO_REGION)
    old = kms.create_key(Description="old")["KeyMetadata"]["Arn"]
    new = kms.create_key(Description="new")["KeyMetadata"]
    alias = f"alias/fnox-next-{uuid.uuid4().hex[:8]}"  # the moto_server is shared by the session
    kms.create_alias(AliasName=alias, TargetKeyId=new["KeyId"])
    root = tmp_path / "project"
    root.mkdir()
    (root / "fnox.toml").write_text(
        textwrap.dedent(
            f"""\
            root = true
            # the team's key
            [providers]
            kms = {{ type = "aws-kms", key_id = "{old}", region = "{MOTO_REGION}" }}

            [secrets]
            """
        )
    )

    def run(*args: str) -> str:
        return fnox.run(*args, cwd=root, env=moto_environ).stdout

    def encrypted(text: str) -> str:
        blob = kms.encrypt(KeyId=old, Plaintext=text.encode())["CiphertextBlob"]
        return base64.b64encode(blob).decode()

    run("set", "TOP_A", "alpha ✓", "--provider", "kms")
    run("set", "SHADOW", "base value", "--provider", "kms")
    run("-P", "prod", "set", "PROD_B", "bravo\nline two", "--provider", "kms")
    (root / "fnox.local.toml").write_text(
        f'[secrets]\nSHADOW = {{ provider = "kms", value = "{encrypted("local value")}" }} # shadows\n'
    )
    (root / "fnox.staging.toml").write_text(
        f'[secrets]\nSTAGING_C = {{ value = "{encrypted("charlie")}" }}\n'
    )
    expected = {
        (): {"TOP_A": "alpha ✓", "SHADOW": "local value"},
        ("-P", "prod"): {"PROD_B": "bravo\nline two"},
        ("-P", "staging"): {"STAGING_C": "charlie"},
    }
    for profile, values in expected.items():  # fnox reads them all under the old key
        for name, value in values.items():
            assert run(*profile, "get", name).rstrip("\n") == value.rstrip("\n")

    source = WorkspaceSource(cwd=root, environ=fnox.env(moto_environ))
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_walkthrough(pilot, "kms")
        await choose_key(pilot, screen, new["Arn"] if pasted == "arn" else alias)
        await run_to_verify(pilot, screen)
        await commit(pilot, screen)

    main = (root / "fnox.toml").read_text()
    assert f'key_id = "{new["Arn"]}"' in main and "# the team's key" in main
    assert "# shadows" in (root / "fnox.local.toml").read_text()
    for profile, values in expected.items():
        for name, value in values.items():
            assert run(*profile, "get", name).rstrip("\n") == value.rstrip("\n")
    (root / "fnox.local.toml").unlink()  # the shadowed value was rotated too
    assert run("get", "SHADOW").rstrip("\n") == "base value"
