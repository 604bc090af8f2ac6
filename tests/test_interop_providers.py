"""fnox-tui and the real fnox binary read each other's values (KMS on moto_server, and age).

Values fnox writes (``fnox set``) resolve in fnox-tui to exactly what ``fnox get`` prints
(minus the newline ``println!`` adds); values fnox-tui encrypts, written into the file by hand,
are read back by ``fnox get``. The resolution rules are compared on a plain-provider file.
"""

from __future__ import annotations

import base64
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from pyrage import x25519

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.resolver import SecretMissingError, SecretResolver
from tests.aws_server import MOTO_REGION
from tests.fnox_binary import Fnox
from tests.resolver_cases import CONFIG, ENVIRON, EXPECTED, MISSING

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
def project(fnox: Fnox, moto_environ: dict[str, str], tmp_path: Path) -> Iterator[Project]:
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


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_fnox_set_then_fnox_tui_resolves(project: Project, provider: str) -> None:
    for name, value in VALUES.items():
        project.set(f"{name}_{provider}".upper(), value, provider)
    resolver = project.resolver()
    for name, value in VALUES.items():
        key = f"{name}_{provider}".upper()
        printed = project.get(key)
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == value + "\n"
        assert resolver.resolve_name(key) == value


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_fnox_tui_encrypts_then_fnox_gets(project: Project, provider: str) -> None:
    resolver = project.resolver()
    definition = resolver.workspace.profiles["default"].providers[provider]
    encrypter = resolver.registry.get(definition)
    for name, value in VALUES.items():
        key = f"OURS_{name}_{provider}".upper()
        project.append(
            f'{key} = {{ provider = "{provider}", value = "{encrypter.encrypt(value)}" }}'
        )
    for name, value in VALUES.items():
        printed = project.get(f"OURS_{name}_{provider}".upper())
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == value + "\n"


@pytest.mark.fnox
@pytest.mark.moto_server
@pytest.mark.parametrize("provider", PROVIDERS)
def test_tampered_value_is_corrupt_for_both(project: Project, provider: str) -> None:
    project.set("VICTIM", "original value", provider)
    stored = project.stored("VICTIM")
    data = bytearray(base64.b64decode(stored))
    data[len(data) // 2 + 8] ^= 0x01
    tampered = base64.b64encode(bytes(data)).decode()
    text = project.config.read_text().replace(stored, tampered)
    project.config.write_text(text)
    assert project.get("VICTIM").returncode != 0
    with pytest.raises(ProviderError) as caught:
        project.resolver().resolve_name("VICTIM")
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert "original value" not in str(caught.value) + caught.value.detail


@pytest.mark.fnox
@pytest.mark.moto_server
def test_kms_request_count(project: Project) -> None:
    project.set("COUNTED", "value", "kms")
    resolver = project.resolver()
    resolver.resolve_name("COUNTED")
    resolver.resolve_name("COUNTED")
    assert resolver.registry.stats.kms_requests == 2


@pytest.fixture
def cases_project(fnox: Fnox, tmp_path: Path) -> Project:
    root = tmp_path / "cases"
    root.mkdir()
    (root / "fnox.toml").write_text(CONFIG.lstrip())
    return Project(fnox, root, dict(ENVIRON))


@pytest.mark.fnox
@pytest.mark.parametrize("name", [*EXPECTED, *MISSING])
def test_resolution_rules_match_fnox(cases_project: Project, name: str) -> None:
    printed = cases_project.get(name)
    resolver = cases_project.resolver()
    expected = EXPECTED.get(name, "")
    if name in MISSING:
        assert printed.returncode == 0 and printed.stdout == ""
        with pytest.raises(SecretMissingError) as caught:
            resolver.resolve_name(name)
        assert caught.value.if_missing == "warn"
    elif expected is None:
        assert printed.returncode != 0
        with pytest.raises(ProviderError):
            resolver.resolve_name(name)
    else:
        assert printed.returncode == 0, printed.stderr
        assert printed.stdout == expected + "\n"
        assert resolver.resolve_name(name) == expected
