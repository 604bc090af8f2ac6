"""What the forms' workers run: checks before encrypting, copies, and remote writes."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from pyrage import decrypt, x25519

from fnox_tui.core.loader import load_workspace
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from fnox_tui.core.reencrypt import check_plaintext, copy_value, put_remote, stored_plaintext
from fnox_tui.core.resolver import SecretResolver
from tests.aws_fakes import FAKE_REGION
from tests.provider_defs import provider_def


@pytest.mark.parametrize(
    ("provider_type", "plaintext", "refused"),
    [
        ("aws-kms", "", "The value is empty."),
        ("aws-kms", "x" * 4097, "The value is 4097 bytes; AWS KMS encrypts at most 4096 bytes."),
        ("aws-kms", "é" * 2049, "The value is 4098 bytes"),
        ("aws-kms", "x" * 4096, None),
        ("age", "x" * 100_000, None),
        ("plain", "", "The value is empty."),
    ],
)
def test_check_plaintext(provider_type: str, plaintext: str, refused: str | None) -> None:
    if refused is None:
        check_plaintext(provider_type, plaintext)
        return
    with pytest.raises(ProviderError) as caught:
        check_plaintext(provider_type, plaintext)
    assert caught.value.message.startswith(refused)
    assert caught.value.code == ErrorCode.PLAINTEXT_SIZE


@pytest.fixture
def registry() -> Iterator[ProviderRegistry]:
    registry = ProviderRegistry(environ={})
    yield registry
    registry.close()


def test_a_kms_value_over_the_limit_makes_no_call(
    registry: ProviderRegistry, aws_env: dict[str, str]
) -> None:
    definition = provider_def("kms", "aws-kms", key_id="alias/app", region=FAKE_REGION)
    provider: Any = registry.get(definition)
    resolver: Any = type("R", (), {"registry": registry, "references": lambda self, p: None})()
    from fnox_tui.core.reencrypt import encrypt_value

    with Stubber(provider.client()) as stub, pytest.raises(ProviderError):
        encrypt_value(resolver, definition, "default", "x" * 4097)
    stub.assert_no_pending_responses()


def test_copy_decrypts_with_the_source_and_encrypts_for_the_target(tmp_path: Path) -> None:
    identity = x25519.Identity.generate()
    (tmp_path / "fnox.toml").write_text(
        'root = true\n[providers]\nplain = { type = "plain" }\n'
        f'age = {{ type = "age", recipients = ["{identity.to_public()}"] }}\n'
        '[secrets]\nA = { provider = "plain", value = "{\\"k\\": 1}", json_path = "k" }\n'
    )
    environ = {"HOME": str(tmp_path), "FNOX_CONFIG_DIR": str(tmp_path / "cfg")}
    workspace = load_workspace(tmp_path, environ=environ)
    resolver = SecretResolver(workspace, ProviderRegistry(environ), environ)
    view = workspace.profiles["default"]
    secret = view.secret("A")
    assert secret is not None
    source = (secret.provider, "default", secret.definition.value)
    assert stored_plaintext(resolver, *source) == '{"k": 1}'  # the whole value, not json_path's
    ciphertext = copy_value(resolver, source, view.providers["age"], "default")
    assert decrypt(base64.b64decode(ciphertext), [identity]) == b'{"k": 1}'
    with pytest.raises(ProviderError, match="no stored value"):
        stored_plaintext(resolver, None, "default", "x")


def test_put_remote_creates_a_missing_secret_and_overwrites_a_parameter(
    registry: ProviderRegistry, mocked_aws: None
) -> None:
    resolver: Any = type("R", (), {"registry": registry, "references": lambda self, p: None})()
    sm = provider_def("sm", "aws-sm", region=FAKE_REGION, prefix="app/")
    ps = provider_def("ps", "aws-ps", region=FAKE_REGION, prefix="/app/")
    assert put_remote(resolver, sm, "default", "new", "first") == "app/new"  # created
    assert put_remote(resolver, sm, "default", "new", "second") == "app/new"  # a new version
    client = boto3.client("secretsmanager", region_name=FAKE_REGION)
    assert client.get_secret_value(SecretId="app/new")["SecretString"] == "second"
    assert put_remote(resolver, ps, "default", "p", "v1") == "/app/p"
    put_remote(resolver, ps, "default", "p", "v2")
    ssm = boto3.client("ssm", region_name=FAKE_REGION)
    parameter = ssm.get_parameter(Name="/app/p", WithDecryption=True)["Parameter"]
    assert (parameter["Value"], parameter["Type"]) == ("v2", "SecureString")
    with pytest.raises(ProviderError, match="empty"):
        put_remote(resolver, ps, "default", "p", "")
    kms = provider_def("kms", "aws-kms", key_id="alias/x", region=FAKE_REGION)
    with pytest.raises(ProviderError, match="cannot write values to provider kms"):
        put_remote(resolver, kms, "default", "p", "v")
