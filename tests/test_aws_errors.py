"""Every botocore / AWS error ``translate`` explains: the sentence, the advice and the code."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)

from fnox_tui.core.providers.aws_errors import AwsTarget, translate
from fnox_tui.core.providers.aws_policy import (
    kms_key_arn,
    kms_policy,
    parameter_store_policy,
    resource_from_message,
    secrets_manager_policy,
)
from fnox_tui.core.providers.aws_session import AwsSettings
from fnox_tui.core.providers.base import ErrorCode, ProviderError

SETTINGS = AwsSettings(region="eu-central-1", profile="dev-sso")
KMS = AwsTarget(
    service="AWS KMS",
    provider="kms",
    table="[providers.kms]",
    settings=SETTINGS,
    resource_kind="KMS key",
    resource="alias/app",
    endpoint_url="https://kms.eu-central-1.amazonaws.com",
    login_profile="dev-sso",
    policy=lambda denied: kms_policy(kms_key_arn("alias/app", "eu-central-1", denied)),
)
SM = AwsTarget(
    service="AWS Secrets Manager",
    provider="sm",
    table="[providers.sm]",
    settings=AwsSettings(region="us-west-2", prefix="myapp/"),
    resource_kind="secret",
    resource="myapp/db",
    policy=lambda denied: secrets_manager_policy("us-west-2", "myapp/db", "myapp/"),
)
PS = AwsTarget(
    service="AWS Systems Manager Parameter Store",
    provider="ps",
    table="[providers.ps]",
    settings=AwsSettings(region="us-west-2"),
    resource_kind="parameter",
    resource="/myapp/token",
    policy=lambda denied: parameter_store_policy("us-west-2", "/myapp/token", ""),
)


def client_error(code: str, operation: str = "Decrypt", message: str = "") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def check(error: ProviderError, code: ErrorCode, message: str, *in_hint: str) -> None:
    assert isinstance(error, ProviderError)
    assert error.code == code
    assert error.message == message
    assert error.message.endswith(".")
    assert error.hint, "every error says what to do"
    for text in in_hint:
        assert text in error.hint
    assert "Traceback" not in str(error) + error.detail


BOTOCORE_CASES = [
    (
        NoCredentialsError(),
        ErrorCode.NO_CREDENTIALS,
        "No AWS credentials were found for provider kms.",
        ("AWS_PROFILE", "aws sso login --profile NAME", "AWS_ACCESS_KEY_ID"),
    ),
    (
        PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"),
        ErrorCode.NO_CREDENTIALS,
        "No AWS credentials were found for provider kms.",
        ("AWS_PROFILE",),
    ),
    (
        NoRegionError(),
        ErrorCode.NO_REGION,
        "No AWS region is set for provider kms.",
        ("[providers.kms]", "AWS_REGION"),
    ),
    (
        ProfileNotFound(profile="dev-sso"),
        ErrorCode.PROFILE_NOT_FOUND,
        "The AWS profile 'dev-sso' does not exist in ~/.aws/config or ~/.aws/credentials.",
        ("aws configure list-profiles",),
    ),
    (
        UnauthorizedSSOTokenError(),
        ErrorCode.EXPIRED_CREDENTIALS,
        "The AWS SSO session for AWS profile dev-sso has expired or was never started.",
        ("aws sso login --profile dev-sso",),
    ),
    (
        SSOTokenLoadError(error_msg="Token for https://x.awsapps.com/start does not exist"),
        ErrorCode.EXPIRED_CREDENTIALS,
        "The AWS SSO session for AWS profile dev-sso has expired or was never started.",
        ("aws sso login --profile dev-sso",),
    ),
    (
        TokenRetrievalError(provider="sso", error_msg="expired"),
        ErrorCode.EXPIRED_CREDENTIALS,
        "The AWS SSO session for AWS profile dev-sso has expired or was never started.",
        ("aws sso login --profile dev-sso",),
    ),
    (
        CredentialRetrievalError(provider="custom-process", error_msg="exit 1"),
        ErrorCode.NO_CREDENTIALS,
        "AWS credentials for provider kms could not be obtained (custom-process).",
        ("aws sso login --profile dev-sso",),
    ),
    (
        EndpointConnectionError(endpoint_url="https://kms.eu-central-1.amazonaws.com/"),
        ErrorCode.UNREACHABLE,
        "Cannot reach AWS KMS at https://kms.eu-central-1.amazonaws.com/.",
        ("network", "HTTPS_PROXY"),
    ),
    (
        ConnectionClosedError(endpoint_url="https://kms.eu-central-1.amazonaws.com/"),
        ErrorCode.UNREACHABLE,
        "Cannot reach AWS KMS at https://kms.eu-central-1.amazonaws.com/.",
        ("network",),
    ),
    (
        ConnectTimeoutError(endpoint_url="https://kms.eu-central-1.amazonaws.com/"),
        ErrorCode.TIMEOUT,
        "AWS KMS at https://kms.eu-central-1.amazonaws.com/ did not answer in time.",
        ("network",),
    ),
    (
        ReadTimeoutError(endpoint_url="https://kms.eu-central-1.amazonaws.com/"),
        ErrorCode.TIMEOUT,
        "AWS KMS at https://kms.eu-central-1.amazonaws.com/ did not answer in time.",
        ("network",),
    ),
    (
        ParamValidationError(report="Invalid length for parameter KeyId, value: 0"),
        ErrorCode.CONFIG,
        "AWS KMS rejected the request for provider kms before sending it.",
        ("[providers.kms]",),
    ),
    (
        BotoCoreError(),
        ErrorCode.AWS,
        "AWS KMS call for provider kms failed: An unspecified error occurred.",
        ("[providers.kms]",),
    ),
    (
        ValueError("boom"),
        ErrorCode.AWS,
        "AWS KMS call for provider kms failed unexpectedly (ValueError).",
        ("fnox get",),
    ),
]


@pytest.mark.parametrize(
    ("raised", "code", "message", "hints"),
    BOTOCORE_CASES,
    ids=[type(case[0]).__name__ for case in BOTOCORE_CASES],
)
def test_botocore_errors(
    raised: Exception, code: ErrorCode, message: str, hints: tuple[str, ...]
) -> None:
    check(translate(raised, KMS), code, message, *hints)


def test_sso_without_a_profile() -> None:
    target = AwsTarget("AWS KMS", "kms", "[providers.kms]", AwsSettings(region="x"))
    error = translate(UnauthorizedSSOTokenError(), target)
    check(
        error,
        ErrorCode.EXPIRED_CREDENTIALS,
        "The AWS SSO session has expired or was never started.",
        "`aws sso login`",
    )


def test_unreachable_custom_endpoint_points_at_the_field() -> None:
    target = AwsTarget(
        "AWS KMS", "kms", "[providers.kms]", AwsSettings(region="x", endpoint="http://h:1")
    )
    error = translate(EndpointConnectionError(endpoint_url="http://h:1/"), target)
    check(
        error,
        ErrorCode.UNREACHABLE,
        "Cannot reach AWS KMS at http://h:1/.",
        "`endpoint` in [providers.kms]",
    )


CLIENT_CASES = [
    ("ExpiredTokenException", ErrorCode.EXPIRED_CREDENTIALS, "The AWS credentials have expired."),
    ("ExpiredToken", ErrorCode.EXPIRED_CREDENTIALS, "The AWS credentials have expired."),
    (
        "InvalidClientTokenId",
        ErrorCode.INVALID_CREDENTIALS,
        "AWS did not accept the credentials: the access key is unknown or the secret key is wrong.",
    ),
    (
        "SignatureDoesNotMatch",
        ErrorCode.INVALID_CREDENTIALS,
        "AWS did not accept the credentials: the access key is unknown or the secret key is wrong.",
    ),
    (
        "ThrottlingException",
        ErrorCode.THROTTLED,
        "AWS KMS is throttling requests, even after retries.",
    ),
    ("Throttling", ErrorCode.THROTTLED, "AWS KMS is throttling requests, even after retries."),
    (
        "AccessDeniedException",
        ErrorCode.ACCESS_DENIED,
        "AWS denied access to the KMS key alias/app (Decrypt).",
    ),
    (
        "NotFoundException",
        ErrorCode.KEY_NOT_FOUND,
        "The KMS key alias/app was not found in region eu-central-1.",
    ),
    ("DisabledException", ErrorCode.KEY_DISABLED, "The KMS key alias/app is disabled."),
    (
        "KMSInvalidStateException",
        ErrorCode.KEY_INVALID_STATE,
        "The KMS key alias/app cannot be used in its current state (for example pending "
        "deletion, or pending import).",
    ),
    (
        "IncorrectKeyException",
        ErrorCode.INCORRECT_KEY,
        "This value was encrypted under a different KMS key than alias/app.",
    ),
    (
        "InvalidCiphertextException",
        ErrorCode.CORRUPT_VALUE,
        "The stored value is corrupt or is not AWS KMS ciphertext.",
    ),
    (
        "InvalidKeyUsageException",
        ErrorCode.KEY_USAGE,
        "The KMS key alias/app cannot encrypt and decrypt data as fnox needs.",
    ),
    (
        "DependencyTimeoutException",
        ErrorCode.AWS,
        "AWS KMS is temporarily unavailable (DependencyTimeoutException).",
    ),
    (
        "KMSInternalException",
        ErrorCode.AWS,
        "AWS KMS is temporarily unavailable (KMSInternalException).",
    ),
    (
        "SomethingNew",
        ErrorCode.AWS,
        "AWS KMS refused Decrypt for provider kms: SomethingNew.",
    ),
]


@pytest.mark.parametrize(("code", "expected_code", "message"), CLIENT_CASES)
def test_kms_client_errors(code: str, expected_code: ErrorCode, message: str) -> None:
    error = translate(client_error(code, message="aws says no"), KMS)
    assert error.code == expected_code
    assert error.message == message
    assert error.hint


def test_unknown_code_passes_aws_message_as_hint() -> None:
    error = translate(client_error("SomethingNew", message="Try X instead"), KMS)
    assert error.hint == "Try X instead"


def test_access_denied_detail_is_the_docs_policy_json() -> None:
    error = translate(client_error("AccessDeniedException"), KMS)
    assert error.detail == (
        "{\n"
        '  "Version": "2012-10-17",\n'
        '  "Statement": [\n'
        "    {\n"
        '      "Effect": "Allow",\n'
        '      "Action": ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"],\n'
        '      "Resource": "arn:aws:kms:eu-central-1:ACCOUNT:key/KEY-ID"\n'
        "    }\n"
        "  ]\n"
        "}"
    )


@pytest.mark.parametrize("operation", ["AssumeRole"])
def test_assume_role_denied(operation: str) -> None:
    target = AwsTarget(
        "AWS KMS",
        "kms",
        "[providers.kms]",
        AwsSettings(region="x", role_arn="arn:aws:iam::123456789012:role/kms"),
    )
    error = translate(client_error("AccessDenied", operation, "not authorized"), target)
    check(
        error,
        ErrorCode.ACCESS_DENIED,
        "Could not assume role arn:aws:iam::123456789012:role/kms for provider kms (AccessDenied).",
        "trust policy",
        "`role_arn` in [providers.kms]",
    )
    assert error.detail == "not authorized"
    expired = translate(client_error("ExpiredToken", operation), target)
    check(
        expired,
        ErrorCode.EXPIRED_CREDENTIALS,
        "The credentials used to assume role arn:aws:iam::123456789012:role/kms have expired.",
        "aws sso login",
    )
    invalid = translate(client_error("InvalidClientTokenId", operation), target)
    assert invalid.code == ErrorCode.INVALID_CREDENTIALS


def test_secrets_manager_not_found_names_the_full_name_and_prefix() -> None:
    error = translate(client_error("ResourceNotFoundException", "GetSecretValue"), SM)
    check(
        error,
        ErrorCode.SECRET_NOT_FOUND,
        "The secret myapp/db does not exist in AWS Secrets Manager in region us-west-2 "
        "(prefix 'myapp/' included).",
        "[providers.sm]",
    )


def test_secrets_manager_access_denied_policy() -> None:
    error = translate(client_error("AccessDeniedException", "GetSecretValue"), SM)
    assert error.message == "AWS denied access to the secret myapp/db (GetSecretValue)."
    statements = json.loads(error.detail)["Statement"]
    assert statements[1]["Action"] == [
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
    ]
    assert statements[1]["Resource"] == "arn:aws:secretsmanager:us-west-2:ACCOUNT:secret:myapp/*"


def test_secrets_manager_decryption_failure() -> None:
    error = translate(client_error("DecryptionFailure", "GetSecretValue"), SM)
    check(
        error,
        ErrorCode.ACCESS_DENIED,
        "Secrets Manager could not decrypt the secret myapp/db.",
        "kms:Decrypt",
    )


@pytest.mark.parametrize("code", ["ParameterNotFound", "ParameterVersionNotFound"])
def test_parameter_not_found(code: str) -> None:
    error = translate(client_error(code, "GetParameter"), PS)
    check(
        error,
        ErrorCode.SECRET_NOT_FOUND,
        "The parameter /myapp/token does not exist in AWS Systems Manager Parameter Store in "
        "region us-west-2.",
        "[providers.ps]",
    )


def test_parameter_access_denied_policy() -> None:
    error = translate(client_error("AccessDeniedException", "GetParameter"), PS)
    statements = json.loads(error.detail)["Statement"]
    assert statements[1]["Resource"] == "arn:aws:ssm:us-west-2:ACCOUNT:parameter/myapp/token"


def test_provider_errors_pass_through() -> None:
    original = ProviderError("x.", "y")
    assert translate(original, KMS) is original


@pytest.mark.parametrize(
    ("key_id", "region", "known", "expected"),
    [
        ("arn:aws:kms:us-east-1:1:key/k", None, None, "arn:aws:kms:us-east-1:1:key/k"),
        ("arn:aws:kms:us-east-1:1:alias/a", None, None, "arn:aws:kms:us-east-1:1:key/KEY-ID"),
        (
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "eu-west-1",
            None,
            "arn:aws:kms:eu-west-1:ACCOUNT:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
        ("alias/a", None, None, "arn:aws:kms:REGION:ACCOUNT:key/KEY-ID"),
        ("alias/a", "x", "arn:aws:kms:x:2:key/z", "arn:aws:kms:x:2:key/z"),
    ],
)
def test_kms_key_arn(key_id: str, region: str | None, known: str | None, expected: str) -> None:
    assert kms_key_arn(key_id, region, known) == expected


def test_resource_from_message() -> None:
    message = (
        "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: kms:Decrypt on "
        "resource: arn:aws:kms:us-east-1:1:key/abc because no resource-based policy allows it"
    )
    assert resource_from_message(message) == "arn:aws:kms:us-east-1:1:key/abc"
    assert resource_from_message("on resource: arn:aws:kms:r:1:key/k.") == "arn:aws:kms:r:1:key/k"
    assert resource_from_message("") is None
