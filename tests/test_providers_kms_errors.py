"""aws-kms errors moto cannot produce, through botocore's Stubber: each message is checked."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.registry import ProviderRegistry
from tests.provider_defs import provider_def

KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
STORED = base64.b64encode(b"\x01\x02\x03 not really ciphertext").decode()
SECRET = "hunter2-plaintext"


@pytest.fixture
def provider(aws_env: dict[str, str]) -> Iterator[AwsKmsProvider]:
    registry = ProviderRegistry(environ={"AWS_PROFILE": "work"})
    definition = provider_def("kms", "aws-kms", key_id="alias/app", region="eu-west-1")
    provider = registry.get(definition)
    assert isinstance(provider, AwsKmsProvider)
    yield provider
    registry.close()


@pytest.fixture
def stub(provider: AwsKmsProvider) -> Iterator[Stubber]:
    with Stubber(provider.client()) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def decrypt_error(
    provider: AwsKmsProvider, stub: Stubber, code: str, message: str = ""
) -> ProviderError:
    stub.add_client_error(
        "decrypt",
        service_error_code=code,
        service_message=message,
        http_status_code=400,
        expected_params={"KeyId": "alias/app", "CiphertextBlob": ANY},
    )
    with pytest.raises(ProviderError) as caught:
        provider.resolve(STORED)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    return caught.value


def test_disabled(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "DisabledException", f"{KEY_ARN} is disabled.")
    assert error.code == ErrorCode.KEY_DISABLED
    assert error.message == "The KMS key alias/app is disabled."
    assert error.hint == (
        "Enable it (`aws kms enable-key --key-id alias/app`) or point key_id at an enabled key."
    )


def test_pending_deletion(provider: AwsKmsProvider, stub: Stubber) -> None:
    message = f"{KEY_ARN} is pending deletion."
    error = decrypt_error(provider, stub, "KMSInvalidStateException", message)
    assert error.code == ErrorCode.KEY_INVALID_STATE
    assert error.message.startswith("The KMS key alias/app cannot be used in its current state")
    assert "aws kms cancel-key-deletion --key-id alias/app" in error.hint
    assert error.detail == message


def test_incorrect_key(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "IncorrectKeyException", "The key ID is incorrect.")
    assert error.code == ErrorCode.INCORRECT_KEY
    assert error.message == "This value was encrypted under a different KMS key than alias/app."
    assert "ReEncrypt" in error.hint and "key_id" in error.hint


def test_invalid_ciphertext(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "InvalidCiphertextException")
    assert error.code == ErrorCode.CORRUPT_VALUE
    assert error.message == "The stored value is corrupt or is not AWS KMS ciphertext."


def test_invalid_key_usage(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "InvalidKeyUsageException", "KeyUsage is SIGN_VERIFY")
    assert error.code == ErrorCode.KEY_USAGE
    assert error.message == "The KMS key alias/app cannot encrypt and decrypt data as fnox needs."
    assert "SYMMETRIC_DEFAULT" in error.hint


def test_throttled_after_retries(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "ThrottlingException", "Rate exceeded")
    assert error.code == ErrorCode.THROTTLED
    assert error.message == "AWS KMS is throttling requests, even after retries."
    assert error.hint == "Wait a moment and try again, or resolve fewer secrets at once."


@pytest.mark.parametrize("code", ["ExpiredTokenException", "ExpiredToken"])
def test_expired_token(provider: AwsKmsProvider, stub: Stubber, code: str) -> None:
    error = decrypt_error(
        provider, stub, code, "The security token included in the request is expired"
    )
    assert error.code == ErrorCode.EXPIRED_CREDENTIALS
    assert error.message == "The AWS credentials have expired."
    assert "`aws sso login --profile work`" in error.hint  # AWS_PROFILE from the registry's environ


def test_unrecognized_client(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "UnrecognizedClientException")
    assert error.code == ErrorCode.INVALID_CREDENTIALS
    assert "aws sts get-caller-identity" in error.hint


def test_not_found(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "NotFoundException", "Alias alias/app is not found.")
    assert error.code == ErrorCode.KEY_NOT_FOUND
    assert error.message == "The KMS key alias/app was not found in region eu-west-1."


def test_key_unavailable(provider: AwsKmsProvider, stub: Stubber) -> None:
    error = decrypt_error(provider, stub, "KeyUnavailableException")
    assert error.code == ErrorCode.AWS
    assert error.message == "AWS KMS is temporarily unavailable (KeyUnavailableException)."


def test_access_denied_policy_names_the_denied_key(provider: AwsKmsProvider, stub: Stubber) -> None:
    message = (
        "User: arn:aws:iam::111122223333:user/dev is not authorized to perform: kms:Decrypt "
        f"on resource: {KEY_ARN} because no identity-based policy allows the kms:Decrypt action"
    )
    error = decrypt_error(provider, stub, "AccessDeniedException", message)
    assert error.code == ErrorCode.ACCESS_DENIED
    assert error.message == "AWS denied access to the KMS key alias/app (Decrypt)."
    assert json.loads(error.detail) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],
                "Resource": KEY_ARN,
            }
        ],
    }


def test_access_denied_policy_has_placeholders_when_the_arn_is_unknown(
    provider: AwsKmsProvider, stub: Stubber
) -> None:
    error = decrypt_error(provider, stub, "AccessDeniedException")
    resource = json.loads(error.detail)["Statement"][0]["Resource"]
    assert resource == "arn:aws:kms:eu-west-1:ACCOUNT:key/KEY-ID"


def test_encrypt_error_never_carries_the_plaintext(provider: AwsKmsProvider, stub: Stubber) -> None:
    stub.add_client_error("encrypt", service_error_code="AccessDeniedException")
    with pytest.raises(ProviderError) as caught:
        provider.encrypt(SECRET)
    error = caught.value
    assert error.message == "AWS denied access to the KMS key alias/app (Encrypt)."
    assert SECRET not in f"{error.message} {error.hint} {error.detail}"


def test_encrypt_output(provider: AwsKmsProvider, stub: Stubber) -> None:
    blob = bytes(range(256))
    stub.add_response(
        "encrypt",
        {"CiphertextBlob": blob, "KeyId": KEY_ARN},
        {"KeyId": "alias/app", "Plaintext": SECRET.encode()},
    )
    assert provider.encrypt(SECRET) == base64.b64encode(blob).decode()
    assert provider.key_arn == KEY_ARN


def describe(state: str, **extra: Any) -> dict[str, Any]:
    metadata = {
        "KeyId": KEY_ARN.rsplit("/", 1)[1],
        "Arn": KEY_ARN,
        "KeyState": state,
        "Enabled": state == "Enabled",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT",
        **extra,
    }
    return {"KeyMetadata": metadata}


def test_check_rotation_denied_is_unknown(provider: AwsKmsProvider, stub: Stubber) -> None:
    stub.add_response("describe_key", describe("Enabled"), {"KeyId": "alias/app"})
    stub.add_client_error("get_key_rotation_status", service_error_code="AccessDeniedException")
    result = provider.check()
    assert result.ok and result.badge == "✓ Key enabled"
    facts = dict(result.facts)
    assert facts["Automatic rotation"] == "unknown (access denied)"
    assert facts["Key ARN"] == KEY_ARN and facts["Region"] == "eu-west-1"


def test_check_rotation_on(provider: AwsKmsProvider, stub: Stubber) -> None:
    stub.add_response("describe_key", describe("Enabled"), {"KeyId": "alias/app"})
    stub.add_response(
        "get_key_rotation_status",
        {"KeyRotationEnabled": True, "RotationPeriodInDays": 90},
        {"KeyId": KEY_ARN},
    )
    assert dict(provider.check().facts)["Automatic rotation"] == "on (every 90 days)"


def test_check_pending_deletion(provider: AwsKmsProvider, stub: Stubber) -> None:
    when = datetime(2030, 1, 2, tzinfo=UTC)
    stub.add_response(
        "describe_key", describe("PendingDeletion", DeletionDate=when), {"KeyId": "alias/app"}
    )
    stub.add_response("get_key_rotation_status", {"KeyRotationEnabled": False})
    result = provider.check()
    assert not result.ok and result.badge == "✗ Key pending deletion"
    assert dict(result.facts)["Deletion date"].startswith("2030-01-02")


def test_check_asymmetric_key(provider: AwsKmsProvider, stub: Stubber) -> None:
    response = describe("Enabled", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    stub.add_response("describe_key", response, {"KeyId": "alias/app"})
    result = provider.check()
    assert not result.ok and result.badge == "✗ Not a symmetric key"
    assert dict(result.facts)["Automatic rotation"] == "not supported for this key"


def test_check_access_denied(provider: AwsKmsProvider, stub: Stubber) -> None:
    stub.add_client_error("describe_key", service_error_code="AccessDeniedException")
    result = provider.check()
    assert not result.ok and result.badge == "✗ Access denied"
    assert result.error is not None and "kms:DescribeKey" in result.error.detail
