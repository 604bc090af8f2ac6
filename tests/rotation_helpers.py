"""Building workspaces of encrypted values for the rotation tests."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fnox_tui.core.identity import EntryId
from fnox_tui.core.loader import FileCache, load_workspace
from fnox_tui.core.rotation.plan import RotationPlan, plan_rotation

PROVIDERS = ("providers",)


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_kms_workspace(
    root: Path,
    key_id: str,
    ciphertexts: Mapping[str, str],
    *,
    region: str = "us-east-1",
    endpoint: str | None = None,
) -> Path:
    """``root/fnox.toml`` with provider ``kms`` and one secret per ciphertext."""
    root.mkdir(parents=True, exist_ok=True)
    fields = f'type = "aws-kms", key_id = {toml_string(key_id)}, region = "{region}"'
    if endpoint:
        fields += f", endpoint = {toml_string(endpoint)}"
    lines = ["root = true", "", "[providers]", f"kms = {{ {fields} }}", "", "[secrets]"]
    lines += [
        f'{name} = {{ provider = "kms", value = {toml_string(value)} }}'
        for name, value in ciphertexts.items()
    ]
    path = root / "fnox.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def make_plan(root: Path, provider: str = "kms", **options: Any) -> RotationPlan:
    cache = FileCache()
    workspace = load_workspace(root, environ={"HOME": str(root)}, cache=cache)
    return plan_rotation(
        workspace, EntryId(root / "fnox.toml", PROVIDERS, provider), cache.files, **options
    )


def two_keys(kms: Any) -> tuple[str, str]:
    """The ARNs of two new KMS keys: the one to rotate from, the one to rotate to."""
    return kms.create_key()["KeyMetadata"]["Arn"], kms.create_key()["KeyMetadata"]["Arn"]


def encrypter(kms: Any, key_id: str) -> Callable[[bytes], bytes]:
    """KMS Encrypt under ``key_id``: how the tests make the values a rotation starts from."""

    def encrypt(data: bytes) -> bytes:
        return bytes(kms.encrypt(KeyId=key_id, Plaintext=data)["CiphertextBlob"])

    return encrypt


def encrypt_all(encrypt: Callable[[bytes], bytes], plaintexts: Mapping[str, str]) -> dict[str, str]:
    return {
        name: base64.b64encode(encrypt(text.encode())).decode() for name, text in plaintexts.items()
    }


PLAINTEXTS = {
    "API_TOKEN": "tok-123",
    "DB_PASSWORD": "pässwörd ✓",
    "MULTI": "line one\nline two",
    "QUOTE": 'he said "hi"',
    "LONG": "x" * 4096,
}
