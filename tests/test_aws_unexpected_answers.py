"""An endpoint that answers 200 with something that is not AWS: the error names the endpoint
and says it is not the service, instead of blaming the stored value or failing "unexpectedly".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from unittest.mock import ANY

import pytest

from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from tests.fake_endpoints import SilentEndpoint, answering_endpoint
from tests.provider_defs import provider_def

BAD_BASE64 = "the answer holds a field that should be base64 and is not"
STORED = base64.b64encode(b"ciphertext-ish bytes").decode()


@pytest.fixture
def registry(aws_env: dict[str, str]) -> Iterator[ProviderRegistry]:
    registry = ProviderRegistry(environ={})
    yield registry
    registry.close()


def provider(registry: ProviderRegistry, kind: str, url: str) -> Any:
    fields: dict[str, Any] = {"region": "us-east-1", "endpoint": url}
    if kind == "aws-kms":
        fields["key_id"] = "alias/app"
    return registry.get(provider_def("p", kind, **fields))


def failure(registry: ProviderRegistry, kind: str, body: bytes, value: str) -> ProviderError:
    with answering_endpoint(body) as url:
        with pytest.raises(ProviderError) as caught:
            provider(registry, kind, url).resolve(value)
        error = caught.value
        assert error.code == ErrorCode.NOT_THE_SERVICE
        assert f"The endpoint {url} answered something that is not " in error.message
        assert "`endpoint` in [providers.p]" in error.hint
        return error


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>Welcome to the hotel wifi</html>", "the answer is not JSON"),
        (b"[1, 2, 3]", "the answer is not a JSON object"),
        (json.dumps({"Plaintext": "abc"}).encode(), BAD_BASE64),
        (b"{}", "the answer holds no Plaintext"),
        (json.dumps({"Plaintext": ""}).encode(), "the answer holds no Plaintext"),
    ],
    ids=["html", "json-list", "bad-base64", "empty-object", "empty-plaintext"],
)
def test_kms_decrypt(registry: ProviderRegistry, body: bytes, reason: str) -> None:
    error = failure(registry, "aws-kms", body, STORED)
    assert error.message.endswith(f"is not AWS KMS ({reason}).")
    assert "corrupt" not in error.message and "unexpectedly" not in error.message


def test_an_answer_of_null_is_an_empty_answer(registry: ProviderRegistry) -> None:
    """moto answers CreateAlias with ``null`` (AWS with an empty body): no fields, no error."""
    with answering_endpoint(b"null") as url:
        kms = provider(registry, "aws-kms", url)
        assert kms.call("create_alias", "alias/x", AliasName="alias/x", TargetKeyId="k") == {
            "ResponseMetadata": ANY
        }


def test_kms_check_says_the_same(registry: ProviderRegistry) -> None:
    with answering_endpoint(b"not json at all") as url:
        result = provider(registry, "aws-kms", url).check()
    assert not result.ok
    assert result.error is not None and result.error.code == ErrorCode.NOT_THE_SERVICE


def test_kms_encrypt(registry: ProviderRegistry) -> None:
    with answering_endpoint(b"{}") as url, pytest.raises(ProviderError) as caught:
        provider(registry, "aws-kms", url).encrypt("a value")
    assert caught.value.message.endswith("is not AWS KMS (the answer holds no CiphertextBlob).")
    assert "a value" not in str(caught.value)


def test_secrets_manager(registry: ProviderRegistry) -> None:
    error = failure(registry, "aws-sm", b"{}", "app/db")
    assert error.message.endswith("is not AWS Secrets Manager (the answer holds no SecretString).")


def test_parameter_store(registry: ProviderRegistry) -> None:
    error = failure(registry, "aws-ps", b"<html></html>", "/app/db")
    assert error.message.endswith(
        "is not AWS Systems Manager Parameter Store (the answer is not JSON)."
    )
    error = failure(registry, "aws-ps", b'{"Parameter": {"Name": "/app/db"}}', "/app/db")
    assert error.message.endswith("(the answer holds no Value).")


def test_environment_endpoint_is_named_in_the_hint(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with answering_endpoint(b"garbage") as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        registry = ProviderRegistry(environ={"AWS_ENDPOINT_URL": url})
        definition = provider_def("kms", "aws-kms", key_id="alias/app", region="us-east-1")
        with pytest.raises(ProviderError) as caught:
            registry.get(definition).resolve(STORED)
        registry.close()
    assert caught.value.message.startswith(f"The endpoint {url} answered something")
    assert "AWS_ENDPOINT_URL" in caught.value.hint


def test_an_endpoint_that_never_answers_times_out(
    registry: ProviderRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every call has a read timeout: a silent endpoint ends in a sentence, not a hang."""
    from fnox_tui.core.providers import aws_session

    monkeypatch.setattr(aws_session, "READ_TIMEOUT_SECONDS", 0.2)
    with SilentEndpoint() as endpoint:
        with pytest.raises(ProviderError) as caught:
            provider(registry, "aws-kms", endpoint.url).resolve(STORED)
        assert endpoint.connections >= 1
    assert caught.value.code == ErrorCode.TIMEOUT
    assert caught.value.message == f"AWS KMS at {endpoint.url}/ did not answer in time."
