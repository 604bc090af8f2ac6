"""The `project` fixture: a fnox.toml with KMS (moto_server) and age providers, run by fnox."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from pyrage import x25519

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.resolver import SecretResolver
from tests.aws_server import MOTO_REGION
from tests.fnox_binary import Fnox

VALUES = {
    "ASCII": "plain ascii value",
    "UNICODE": "ünïcödé ✓ 秘密 🔑",
    "BIG": ("0123456789abcdef" * 256)[:4096],
    "BIG_UTF8": "é" * 2048,
    "NEWLINES": "line one\nline two\r\nline three\n",
    "QUOTES": "he said \"hi\" and 'bye' \\ back\\slash",
    "SPACES": "  padded  ",
    "TOMLISH": 'x = { provider = "kms", value = "y" } # not a comment',
}
PROVIDERS = ["kms", "kms_env", "age", "age_env"]


@dataclass
class Printed:
    returncode: int
    stdout: str
    stderr: str


class Project:
    def __init__(self, fnox: Fnox, root: Path, env: dict[str, str]) -> None:
        self.fnox = fnox
        self.root = root
        self.env = env
        self.config = root / "fnox.toml"

    def fnox_env(self) -> dict[str, str]:
        return self.fnox.env(self.env)

    def set(self, name: str, value: str, provider: str) -> None:
        self.fnox.run("set", name, value, "--provider", provider, cwd=self.root, env=self.env)

    def get(self, name: str) -> Printed:
        """``fnox get NAME``, read as bytes (text mode would turn "\\r\\n" into "\\n")."""
        result = subprocess.run(
            [str(self.fnox.binary), "--no-color", "get", name],
            cwd=self.root,
            env=self.fnox_env(),
            capture_output=True,
            timeout=60,
        )
        return Printed(
            result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
        )

    def resolver(self) -> SecretResolver:
        environ = self.fnox_env()
        workspace = load_workspace(self.root, environ=environ)
        return SecretResolver(workspace, ProviderRegistry(environ, cwd=self.root), environ)

    def append(self, line: str) -> None:
        with self.config.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    def stored(self, name: str) -> str:
        resolver = self.resolver()
        secret = resolver.workspace.profiles["default"].secret(name)
        assert secret is not None and secret.definition.value is not None
        return secret.definition.value


@pytest.fixture
def fnox_project(fnox: Fnox, moto_environ: dict[str, str], tmp_path: Path) -> Iterator[Project]:
    kms = boto3.client("kms", region_name=MOTO_REGION)
    key_arn = kms.create_key(Description="fnox interop")["KeyMetadata"]["Arn"]
    identity = x25519.Identity.generate()
    env_identity = x25519.Identity.generate()
    root = tmp_path / "project"
    (root / "keys").mkdir(parents=True)
    (root / "keys" / "age.txt").write_text(f"# test key\n{identity}\n")
    env_key_file = tmp_path / "env-age.txt"
    env_key_file.write_text(f"{env_identity}\n")
    endpoint = moto_environ["AWS_ENDPOINT_URL"]
    (root / "fnox.toml").write_text(
        textwrap.dedent(
            f"""\
            [providers]
            kms = {{ type = "aws-kms", key_id = "{key_arn}", region = "{MOTO_REGION}", endpoint = "{endpoint}" }}
            kms_env = {{ type = "aws-kms", key_id = "{key_arn}", region = "{MOTO_REGION}" }}
            age = {{ type = "age", recipients = ["{identity.to_public()}"], key_file = "keys/age.txt" }}
            age_env = {{ type = "age", recipients = ["{env_identity.to_public()}"] }}

            [secrets]
            """
        )
    )
    env = {**moto_environ, "FNOX_AGE_KEY_FILE": str(env_key_file)}
    yield Project(fnox, root, env)
