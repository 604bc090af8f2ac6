"""aws-kms against moto's in-process ``mock_aws``: round trips, checks, counters, client setup."""

from __future__ import annotations

import base64
import json
import re
import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.base import MAX_PLAINTEXT_BYTES, ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from tests.aws_fakes import FAKE_REGION
from tests.provider_defs import provider_def

B64_LINE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
SECRET = "correct horse battery staple"


@pytest.fixture
def registry() -> Any:
    registry = ProviderRegistry(environ={}, max_workers=4)
    yield registry
    registry.close()


def kms(registry: ProviderRegistry, key_id: str, **fields: Any) -> AwsKmsProvider:
    provider = registry.get(provider_def("kms", "aws-kms", key_id=key_id, **fields))
    assert isinstance(provider, AwsKmsProvider)
    return provider


@pytest.mark.parametrize(
    "plaintext",
    [
        "ascii value",
        "ünïcödé ✓ 秘密 🔑",
        "quotes \" and ' and \\ backslash",
        "two\nlines\r\nand a trailing newline\n",
        "x" * MAX_PLAINTEXT_BYTES,
        "é" * (MAX_PLAINTEXT_BYTES // 2),
    ],
    ids=["ascii", "unicode", "quotes", "newlines", "4096-ascii", "4096-bytes-utf8"],
)
def test_round_trip(registry: ProviderRegistry, kms_key: dict[str, Any], plaintext: str) -> None:
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION)
    stored = provider.encrypt(plaintext)
    assert B64_LINE.match(stored) and len(stored) % 4 == 0
    assert provider.resolve(stored) == plaintext


@pytest.mark.parametrize("form", ["arn", "key-id", "alias"])
def test_key_id_forms(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any], form: str
) -> None:
    kms_client.create_alias(AliasName="alias/fnox-test", TargetKeyId=kms_key["KeyId"])
    key_id = {"arn": kms_key["Arn"], "key-id": kms_key["KeyId"], "alias": "alias/fnox-test"}
    provider = kms(registry, key_id[form], region=FAKE_REGION)
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    assert provider.key_arn == kms_key["Arn"]


def test_stored_value_is_what_kms_returned(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    stored = kms(registry, kms_key["Arn"], region=FAKE_REGION).encrypt(SECRET)
    plaintext = kms_client.decrypt(KeyId=kms_key["Arn"], CiphertextBlob=base64.b64decode(stored))
    assert plaintext["Plaintext"] == SECRET.encode()


@pytest.mark.parametrize("plaintext", ["", "x" * (MAX_PLAINTEXT_BYTES + 1), "é" * 2049])
def test_plaintext_size_limits(
    registry: ProviderRegistry, kms_key: dict[str, Any], plaintext: str
) -> None:
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION)
    with pytest.raises(ProviderError) as caught:
        provider.encrypt(plaintext)
    assert caught.value.code == ErrorCode.PLAINTEXT_SIZE
    assert "4096" in str(caught.value) or "empty" in str(caught.value)
    if plaintext:
        assert plaintext not in str(caught.value) and "xxxx" not in str(caught.value)
    assert registry.stats.kms_requests == 0


def test_plaintext_that_is_not_utf8(registry: ProviderRegistry, kms_key: dict[str, Any]) -> None:
    with pytest.raises(ProviderError) as caught:
        kms(registry, kms_key["Arn"], region=FAKE_REGION).encrypt("bad \udcff surrogate")
    assert caught.value.code == ErrorCode.NOT_UTF8
    assert caught.value.message == "The value is not valid UTF-8 text."


@pytest.mark.parametrize("value", ["not base64!", "abc", "QUJD\n", ""])
def test_invalid_base64_is_a_corrupt_value(
    registry: ProviderRegistry, kms_key: dict[str, Any], value: str
) -> None:
    with pytest.raises(ProviderError) as caught:
        kms(registry, kms_key["Arn"], region=FAKE_REGION).resolve(value)
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert caught.value.message == (
        "The stored value is corrupt or is not AWS KMS ciphertext (it is not valid base64)."
    )
    assert "fnox set" in caught.value.hint
    assert registry.stats.kms_requests == 0


def test_tampered_ciphertext_is_a_corrupt_value(
    registry: ProviderRegistry, kms_key: dict[str, Any]
) -> None:
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION)
    blob = bytearray(base64.b64decode(provider.encrypt(SECRET)))
    blob[-5] ^= 0x01
    with pytest.raises(ProviderError) as caught:
        provider.resolve(base64.b64encode(bytes(blob)).decode())
    assert caught.value.code == ErrorCode.CORRUPT_VALUE
    assert caught.value.message == "The stored value is corrupt or is not AWS KMS ciphertext."


def test_decrypted_bytes_that_are_not_utf8(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    blob = kms_client.encrypt(KeyId=kms_key["Arn"], Plaintext=b"\xff\xfe\x00binary")
    stored = base64.b64encode(blob["CiphertextBlob"]).decode()
    with pytest.raises(ProviderError) as caught:
        kms(registry, kms_key["Arn"], region=FAKE_REGION).resolve(stored)
    assert caught.value.code == ErrorCode.NOT_UTF8
    assert caught.value.message == "The value decrypted by AWS KMS is not UTF-8 text."
    assert "binary" not in str(caught.value)


def test_other_key_is_denied_with_a_copyable_policy(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    """moto answers a KeyId that does not match the ciphertext with AccessDeniedException."""
    stored = kms(registry, kms_key["Arn"], region=FAKE_REGION).encrypt(SECRET)
    other = kms_client.create_key()["KeyMetadata"]
    other_provider = registry.get(
        provider_def("other", "aws-kms", key_id=other["Arn"], region=FAKE_REGION)
    )
    with pytest.raises(ProviderError) as caught:
        other_provider.resolve(stored)
    error = caught.value
    assert error.code == ErrorCode.ACCESS_DENIED
    assert error.message == f"AWS denied access to the KMS key {other['Arn']} (Decrypt)."
    assert "IAM policy" in error.hint and "key_id was changed" in error.hint
    policy = json.loads(error.detail)
    statement = policy["Statement"][0]
    assert statement["Action"] == ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"]
    assert statement["Resource"] == other["Arn"]
    assert SECRET not in error.detail + str(error)


def test_unknown_alias_is_key_not_found(registry: ProviderRegistry, mocked_aws: None) -> None:
    with pytest.raises(ProviderError) as caught:
        kms(registry, "alias/nope", region=FAKE_REGION).encrypt(SECRET)
    assert caught.value.code == ErrorCode.KEY_NOT_FOUND
    assert caught.value.message == "The KMS key alias/nope was not found in region us-east-1."
    assert "[providers.kms]" in caught.value.hint


def test_check_enabled_key(registry: ProviderRegistry, kms_key: dict[str, Any]) -> None:
    result = kms(registry, kms_key["KeyId"], region=FAKE_REGION).check()
    assert result.ok and result.badge == "✓ Key enabled" and result.error is None
    facts = dict(result.facts)
    assert facts["Key ARN"] == kms_key["Arn"]
    assert facts["State"] == "Enabled"
    assert facts["Key spec"] == "SYMMETRIC_DEFAULT"
    assert facts["Key usage"] == "ENCRYPT_DECRYPT"
    assert facts["Region"] == FAKE_REGION
    assert facts["Automatic rotation"] == "off"
    assert facts["Description"] == "fnox-tui test"


def test_check_reports_rotation(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    kms_client.enable_key_rotation(KeyId=kms_key["KeyId"])
    facts = dict(kms(registry, kms_key["Arn"], region=FAKE_REGION).check().facts)
    assert facts["Automatic rotation"].startswith("on")


def test_check_disabled_key(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    kms_client.disable_key(KeyId=kms_key["KeyId"])
    result = kms(registry, kms_key["Arn"], region=FAKE_REGION).check()
    assert not result.ok and result.badge == "✗ Key disabled"
    assert dict(result.facts)["State"] == "Disabled"


def test_check_key_pending_deletion(
    registry: ProviderRegistry, kms_client: Any, kms_key: dict[str, Any]
) -> None:
    kms_client.schedule_key_deletion(KeyId=kms_key["KeyId"], PendingWindowInDays=7)
    result = kms(registry, kms_key["Arn"], region=FAKE_REGION).check()
    assert not result.ok and result.badge == "✗ Key pending deletion"
    assert "Deletion date" in dict(result.facts)


def test_check_missing_key(registry: ProviderRegistry, mocked_aws: None) -> None:
    result = kms(registry, "alias/missing", region=FAKE_REGION).check()
    assert not result.ok and result.badge == "✗ Key not found"
    assert result.error is not None and result.error.code == ErrorCode.KEY_NOT_FOUND
    assert dict(result.facts)["Key"] == "alias/missing"


def test_check_without_key_id_is_a_config_error(registry: ProviderRegistry) -> None:
    provider = registry.get(provider_def("kms", "aws-kms", region=FAKE_REGION))
    result = provider.check()
    assert not result.ok and result.badge == "✗ Misconfigured"
    assert result.error is not None
    assert result.error.message == "Provider kms has no `key_id`."
    assert 'key_id = "..."' in result.error.hint


def test_requests_are_counted_with_cost(
    registry: ProviderRegistry, kms_key: dict[str, Any]
) -> None:
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION)
    provider.resolve(provider.encrypt(SECRET))
    assert registry.stats.kms_requests == 2
    assert registry.stats.count("kms", "Encrypt") == 1
    assert registry.stats.count("kms", "Decrypt") == 1
    assert registry.stats.kms_cost_usd == pytest.approx(2 * 0.03 / 10_000)


def test_retries_are_counted(registry: ProviderRegistry, kms_key: dict[str, Any]) -> None:
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION)
    client = provider.client()
    throttled = {"left": 1}

    def throttle_once(request: Any, **_: Any) -> AWSResponse | None:
        if throttled["left"]:
            throttled["left"] -= 1
            body = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'
            return AWSResponse(request.url, 400, {}, _Raw(body))
        return None

    client.meta.events.register_first("before-send.kms", throttle_once)
    provider.encrypt(SECRET)
    assert registry.stats.kms_requests == 2  # the throttled attempt and the retry
    # The throttled answer is counted though botocore's retry succeeded: V backs off on it.
    assert registry.stats.throttles == 1


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def test_client_configuration(aws_env: dict[str, str]) -> None:
    registry = ProviderRegistry(environ={}, max_workers=32)
    provider = kms(registry, "alias/x", region="eu-west-1")
    config = provider.client().meta.config
    assert config.max_pool_connections == 32
    assert config.connect_timeout == 5 and config.read_timeout == 5
    assert config.retries["mode"] == "standard"
    assert provider.client().meta.region_name == "eu-west-1"
    assert provider.client() is provider.client()


def test_endpoint_field_sets_the_endpoint(aws_env: dict[str, str], registry: Any) -> None:
    provider = kms(registry, "alias/x", region=FAKE_REGION, endpoint="http://localhost:4566")
    assert provider.client().meta.endpoint_url == "http://localhost:4566"


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS"])
def test_endpoint_variables_work_as_in_botocore(
    aws_env: dict[str, str], registry: Any, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://127.0.0.1:9999")
    assert kms(registry, "alias/x", region=FAKE_REGION).client().meta.endpoint_url == (
        "http://127.0.0.1:9999"
    )
    fixed = registry.get(
        provider_def("k2", "aws-kms", key_id="k", region=FAKE_REGION, endpoint="http://e:1")
    )
    assert fixed.client().meta.endpoint_url == "http://e:1"


def test_named_profile_is_used(
    aws_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = Path(aws_env["AWS_CONFIG_FILE"])
    config.write_text("[profile dev]\nregion = ap-south-1\n")
    credentials = Path(aws_env["AWS_SHARED_CREDENTIALS_FILE"])
    credentials.write_text("[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_DEFAULT_REGION")  # the environment would beat the profile's region
    registry = ProviderRegistry(environ={})
    client = kms(registry, "alias/x", profile="dev").client()
    assert client.meta.region_name == "ap-south-1"
    assert client._request_signer._credentials.access_key == "DEVKEY"


def test_unknown_profile(aws_env: dict[str, str], registry: ProviderRegistry) -> None:
    with pytest.raises(ProviderError) as caught:
        kms(registry, "alias/x", region=FAKE_REGION, profile="nope").encrypt(SECRET)
    assert caught.value.code == ErrorCode.PROFILE_NOT_FOUND
    assert caught.value.message == (
        "The AWS profile 'nope' does not exist in ~/.aws/config or ~/.aws/credentials."
    )
    assert "aws configure list-profiles" in caught.value.hint


def test_no_region(
    aws_env: dict[str, str], registry: ProviderRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    with pytest.raises(ProviderError) as caught:
        kms(registry, "alias/x").encrypt(SECRET)
    assert caught.value.code == ErrorCode.NO_REGION
    assert caught.value.message == "No AWS region is set for provider kms."
    assert 'region = "us-east-1"' in caught.value.hint and "AWS_REGION" in caught.value.hint


def test_no_credentials(
    aws_env: dict[str, str], registry: ProviderRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ProviderError) as caught:
        kms(registry, "alias/x", region=FAKE_REGION).encrypt(SECRET)
    assert caught.value.code == ErrorCode.NO_CREDENTIALS
    assert caught.value.message == "No AWS credentials were found for provider kms."
    assert "AWS_PROFILE" in caught.value.hint and "aws sso login" in caught.value.hint
    assert SECRET not in str(caught.value)


def test_unreachable_endpoint_is_named(aws_env: dict[str, str], registry: Any) -> None:
    provider = kms(registry, "alias/x", region=FAKE_REGION, endpoint="http://127.0.0.1:9")
    with pytest.raises(ProviderError) as caught:
        provider.encrypt(SECRET)
    assert caught.value.code == ErrorCode.UNREACHABLE
    assert caught.value.message == "Cannot reach AWS KMS at http://127.0.0.1:9/."
    assert "`endpoint` in [providers.kms]" in caught.value.hint
    assert registry.stats.kms_requests == 3  # standard retry mode: three attempts


def test_role_is_assumed(registry: ProviderRegistry, kms_key: dict[str, Any]) -> None:
    role = "arn:aws:iam::123456789012:role/kms-user"
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION, role_arn=role)
    assert provider.resolve(provider.encrypt(SECRET)) == SECRET
    credentials = provider.client()._request_signer._credentials
    assert credentials.method == "assume-role"
    assert credentials.get_frozen_credentials().access_key.startswith("ASIA")


def test_role_session_name(registry: ProviderRegistry, kms_key: dict[str, Any]) -> None:
    role = "arn:aws:iam::123456789012:role/kms-user"
    provider = kms(registry, kms_key["Arn"], region=FAKE_REGION, role_arn=role)
    calls: list[dict[str, Any]] = []
    original = boto3.Session.client

    def recording_client(self: boto3.Session, service: str, *args: Any, **kwargs: Any) -> Any:
        client = original(self, service, *args, **kwargs)
        if service == "sts":
            client.meta.events.register(
                "provide-client-params.sts.AssumeRole",
                lambda params, **_: calls.append(dict(params)),
            )
        return client

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boto3.Session, "client", recording_client)
        provider.encrypt(SECRET)
    assert calls and calls[0]["RoleArn"] == role and calls[0]["RoleSessionName"] == "fnox"


def test_invalid_role_arn(registry: ProviderRegistry) -> None:
    provider = kms(registry, "alias/x", region=FAKE_REGION, role_arn="my-role")
    with pytest.raises(ProviderError) as caught:
        provider.encrypt(SECRET)
    assert caught.value.code == ErrorCode.CONFIG
    assert caught.value.message == "role_arn 'my-role' of provider kms is not an IAM role ARN."


def test_one_client_for_many_threads(
    registry: ProviderRegistry, kms_key: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import fnox_tui.core.providers.aws_base as aws_base

    made: list[Any] = []
    real = aws_base.make_client

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(aws_base, "make_client", counting)
    definition = provider_def("kms", "aws-kms", key_id=kms_key["Arn"], region=FAKE_REGION)
    stored = registry.get(definition).encrypt(SECRET)
    results: list[str] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        provider = registry.get(provider_def("kms", "aws-kms", **definition.fields))
        results.append(provider.resolve(stored))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [SECRET] * 8
    assert len(made) == 1
