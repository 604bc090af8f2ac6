"""aws-sm and aws-ps against moto's ``mock_aws``: names with prefixes, errors, checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from fnox_tui.core.providers.aws_remote import (
    AwsParameterStoreProvider,
    AwsSecretsManagerProvider,
)
from fnox_tui.core.providers.base import ErrorCode, ProviderError, UnsupportedProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from tests.aws_fakes import FAKE_REGION
from tests.provider_defs import provider_def


@pytest.fixture
def registry() -> Iterator[ProviderRegistry]:
    registry = ProviderRegistry(environ={})
    yield registry
    registry.close()


@pytest.fixture
def secrets(mocked_aws: None) -> Any:
    client = boto3.client("secretsmanager", region_name=FAKE_REGION)
    client.create_secret(Name="myapp/db", SecretString="postgres://u:p@h/db")
    client.create_secret(Name="plain-name", SecretString='{"user": "u", "pass": "p"}')
    client.create_secret(Name="myapp/binary", SecretBinary=b"\x00\x01")
    return client


@pytest.fixture
def parameters(mocked_aws: None) -> Any:
    client = boto3.client("ssm", region_name=FAKE_REGION)
    client.put_parameter(Name="/myapp/token", Value="tok-123", Type="SecureString")
    client.put_parameter(Name="/myapp/plain", Value="visible", Type="String")
    return client


def sm(registry: ProviderRegistry, **fields: Any) -> AwsSecretsManagerProvider:
    provider = registry.get(provider_def("sm", "aws-sm", region=FAKE_REGION, **fields))
    assert isinstance(provider, AwsSecretsManagerProvider)
    return provider


def ps(registry: ProviderRegistry, **fields: Any) -> AwsParameterStoreProvider:
    provider = registry.get(provider_def("ps", "aws-ps", region=FAKE_REGION, **fields))
    assert isinstance(provider, AwsParameterStoreProvider)
    return provider


def test_secrets_manager_with_prefix(registry: ProviderRegistry, secrets: Any) -> None:
    assert sm(registry, prefix="myapp/").resolve("db") == "postgres://u:p@h/db"


def test_secrets_manager_without_prefix(registry: ProviderRegistry, secrets: Any) -> None:
    assert sm(registry).resolve("plain-name") == '{"user": "u", "pass": "p"}'


def test_secrets_manager_binary_secret(registry: ProviderRegistry, secrets: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        sm(registry, prefix="myapp/").resolve("binary")
    assert caught.value.message == (
        "The secret myapp/binary in AWS Secrets Manager holds binary data, not a string."
    )
    assert caught.value.hint == "fnox reads SecretString only: store the value as text."


def test_secrets_manager_missing(registry: ProviderRegistry, secrets: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        sm(registry, prefix="myapp/").resolve("nope")
    assert caught.value.code == ErrorCode.SECRET_NOT_FOUND
    assert caught.value.message == (
        "The secret myapp/nope does not exist in AWS Secrets Manager in region us-east-1 "
        "(prefix 'myapp/' included)."
    )


def test_secrets_manager_check(registry: ProviderRegistry, secrets: Any) -> None:
    result = sm(registry, prefix="myapp/").check()
    assert result.ok and result.badge == "✓ Reachable"
    assert dict(result.facts) == {"Region": FAKE_REGION, "Prefix": "myapp/"}


def test_secrets_manager_check_denied(registry: ProviderRegistry, aws_env: Any) -> None:
    provider = sm(registry, prefix="myapp/")
    with Stubber(provider.client()) as stub:
        stub.add_client_error("list_secrets", service_error_code="AccessDeniedException")
        result = provider.check()
    assert not result.ok and result.badge == "✗ Access denied"
    assert result.error is not None and "secretsmanager:ListSecrets" in result.error.detail


def test_secrets_manager_does_not_encrypt(registry: ProviderRegistry, aws_env: Any) -> None:
    with pytest.raises(UnsupportedProviderError) as caught:
        sm(registry).encrypt("value")
    assert caught.value.code == ErrorCode.UNSUPPORTED
    assert caught.value.message == (
        "fnox-tui does not write aws-sm values: they are names of secrets kept in AWS Secrets "
        "Manager."
    )
    assert "fnox set NAME --provider sm" in caught.value.hint


def test_parameter_store_secure_string(registry: ProviderRegistry, parameters: Any) -> None:
    assert ps(registry, prefix="/myapp/").resolve("token") == "tok-123"
    assert ps(registry).resolve("/myapp/plain") == "visible"


def test_parameter_store_missing(registry: ProviderRegistry, parameters: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        ps(registry, prefix="/myapp/").resolve("nope")
    assert caught.value.code == ErrorCode.SECRET_NOT_FOUND
    assert caught.value.message == (
        "The parameter /myapp/nope does not exist in AWS Systems Manager Parameter Store in "
        "region us-east-1 (prefix '/myapp/' included)."
    )


def test_parameter_store_check(registry: ProviderRegistry, parameters: Any) -> None:
    result = ps(registry).check()
    assert result.ok and result.badge == "✓ Reachable"


def test_parameter_store_does_not_encrypt(registry: ProviderRegistry, aws_env: Any) -> None:
    with pytest.raises(UnsupportedProviderError):
        ps(registry).encrypt("value")


@pytest.mark.parametrize(
    ("variable", "make"),
    [("AWS_ENDPOINT_URL_SECRETS_MANAGER", sm), ("AWS_ENDPOINT_URL_SSM", ps)],
)
def test_service_endpoint_variables(
    registry: ProviderRegistry,
    aws_env: Any,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    make: Any,
) -> None:
    monkeypatch.setenv(variable, "http://127.0.0.1:4566")
    assert make(registry).client().meta.endpoint_url == "http://127.0.0.1:4566"


def test_requests_to_other_services_are_not_kms(registry: ProviderRegistry, secrets: Any) -> None:
    sm(registry, prefix="myapp/").resolve("db")
    assert registry.stats.kms_requests == 0
    assert registry.stats.count("secrets-manager", "GetSecretValue") == 1
