"""Rotation over HTTP against moto_server, and the real fnox reading the result.

The commit step is not part of the engine: ``apply_output`` here writes the engine's output
with minimal tomlkit edits, as the commit step will.
"""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path
from typing import Any

import boto3
import pytest
import tomlkit

from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import FileCache, load_workspace
from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.rotation.execute import Rotation
from fnox_tui.core.rotation.keyinfo import describe_key, validate_new_key
from fnox_tui.core.rotation.plan import Slot, plan_rotation
from fnox_tui.core.rotation.results import RotationOutput
from fnox_tui.core.rotation.targets import KmsTarget
from tests.aws_server import MOTO_REGION
from tests.fnox_binary import Fnox
from tests.rotation_helpers import (
    PLAINTEXTS,
    encrypt_all,
    encrypter,
    make_plan,
    two_keys,
    write_kms_workspace,
)

pytestmark = pytest.mark.moto_server


def apply_output(output: RotationOutput) -> None:
    """Write the new key_id / recipients and every new value, file by file."""
    paths = {output.provider.path, *(entry.path for entry in output.values)}
    for path in paths:
        document = tomlkit.parse(path.read_text())
        if path == output.provider.path:
            table = _table(document, output.provider.table)[output.provider.name]
            for name, value in output.provider_fields.items():
                table[name] = value
        for entry, slots in output.values.items():
            if entry.path != path:
                continue
            table = _table(document, entry.table)[entry.name]
            for slot, value in slots.items():
                if slot is Slot.VALUE:
                    table["value"] = value
                else:
                    table[slot.value.split(".")[0]]["value"] = value
        path.write_text(tomlkit.dumps(document))


def _table(document: Any, parts: tuple[str, ...]) -> Any:
    for part in parts:
        document = document[part]
    return document


def test_rotation_over_http(moto_environ: dict[str, str], tmp_path: Path) -> None:
    """One rotation through moto_server over HTTP: the provider's own endpoint field."""
    kms = boto3.client("kms", region_name=MOTO_REGION)
    old, new = two_keys(kms)
    encrypt = encrypter(kms, old)

    root = tmp_path / "ws"
    endpoint = moto_environ["AWS_ENDPOINT_URL"]
    write_kms_workspace(root, old, encrypt_all(encrypt, PLAINTEXTS), endpoint=endpoint)
    plan = make_plan(root)
    with ProviderRegistry(environ={}) as registry:
        rotation = Rotation(plan, KmsTarget(new, new), registry.context, concurrency=8)
        summary = rotation.run()
        assert summary.complete and summary.kms_requests == 2 * len(PLAINTEXTS)
        output = rotation.output()
    assert rotation.rotator.client().meta.endpoint_url == endpoint  # type: ignore[attr-defined]
    for entry, slots in output.values.items():
        blob = base64.b64decode(slots[Slot.VALUE])
        assert (
            kms.decrypt(KeyId=new, CiphertextBlob=blob)["Plaintext"].decode()
            == (PLAINTEXTS[entry.name])
        )


@pytest.mark.fnox
def test_fnox_reads_every_value_after_rotation(
    fnox: Fnox, moto_environ: dict[str, str], tmp_path: Path
) -> None:
    kms = boto3.client("kms", region_name=MOTO_REGION)
    old = kms.create_key(Description="old")["KeyMetadata"]["Arn"]
    new_id = kms.create_key(Description="new")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/fnox-next", TargetKeyId=new_id)
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

    run("set", "TOP_A", "alpha ✓", "--provider", "kms")
    run("set", "SHADOW", "base value", "--provider", "kms")
    run("-P", "prod", "set", "PROD_B", "bravo\nline two", "--provider", "kms")
    local = base64.b64encode(
        kms.encrypt(KeyId=old, Plaintext=b"local value")["CiphertextBlob"]
    ).decode()
    (root / "fnox.local.toml").write_text(
        f'[secrets]\nSHADOW = {{ provider = "kms", value = "{local}" }} # shadows\n'
    )
    staging = base64.b64encode(
        kms.encrypt(KeyId=old, Plaintext=b"charlie")["CiphertextBlob"]
    ).decode()
    (root / "fnox.staging.toml").write_text(f'[secrets]\nSTAGING_C = {{ value = "{staging}" }}\n')
    expected = {
        (): {"TOP_A": "alpha ✓", "SHADOW": "local value"},
        ("-P", "prod"): {"PROD_B": "bravo\nline two"},
        ("-P", "staging"): {"STAGING_C": "charlie"},
    }
    for profile, values in expected.items():  # fnox reads them all under the old key
        for name, value in values.items():
            assert run(*profile, "get", name).rstrip("\n") == value.rstrip("\n")

    environ = fnox.env(moto_environ)
    cache = FileCache()
    workspace = load_workspace(root, environ=environ, cache=cache)
    plan = plan_rotation(workspace, EntryId(root / "fnox.toml", ("providers",), "kms"), cache.files)
    assert sorted((row.file.name, row.name) for row in plan.rows) == [
        ("fnox.local.toml", "SHADOW"),
        ("fnox.staging.toml", "STAGING_C"),
        ("fnox.toml", "PROD_B"),
        ("fnox.toml", "SHADOW"),
        ("fnox.toml", "TOP_A"),
    ]
    with ProviderRegistry(environ=environ, cwd=root) as registry:
        provider = registry.get(plan.definition)
        assert isinstance(provider, AwsKmsProvider)
        validation = validate_new_key(provider, "alias/fnox-next", describe_key(provider))
        assert validation.ok and validation.key is not None
        new_arn = validation.key.arn
        rotation = Rotation(plan, KmsTarget(new_arn, new_arn), registry.context)
        assert rotation.run().complete
        apply_output(rotation.output())

    assert f'key_id = "{new_arn}"' in (root / "fnox.toml").read_text()
    assert "# the team's key" in (root / "fnox.toml").read_text()
    assert "# shadows" in (root / "fnox.local.toml").read_text()
    for profile, values in expected.items():
        for name, value in values.items():
            assert run(*profile, "get", name).rstrip("\n") == value.rstrip("\n")
    (root / "fnox.local.toml").unlink()  # the shadowed value was rotated too
    assert run("get", "SHADOW").rstrip("\n") == "base value"
    blob = base64.b64decode(plan.rows[0].ciphertext)
    with pytest.raises(kms.exceptions.ClientError):  # moto: the old value under the new key id
        kms.decrypt(KeyId=new_arn, CiphertextBlob=blob)
