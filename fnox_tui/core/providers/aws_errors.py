"""Botocore and AWS service errors, explained: one sentence, what to do, never a value.

``translate`` turns any exception raised while building a client or calling AWS into a
ProviderError. Messages name the provider, key, secret, region and endpoint; they never carry
a plaintext (botocore errors never contain one: the plaintext only travels in Encrypt's body).
A setting or key id taken from a secret (``{ secret = "NAME" }``) is named by its secret: the
messages are built from :class:`FieldValue`'s display forms, never from the value.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    ParamValidationError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    SSOError,
    TokenRetrievalError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from fnox_tui.core.providers.aws_answers import UnexpectedAnswer
from fnox_tui.core.providers.aws_policy import resource_from_message
from fnox_tui.core.providers.aws_session import THROTTLED, AwsSettings
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.field_value import EMPTY, FieldValue

ACCESS_DENIED = {
    "AccessDeniedException",
    "AccessDenied",
    "UnauthorizedAccess",
    "UnauthorizedOperation",
}
EXPIRED = {"ExpiredTokenException", "ExpiredToken", "TokenRefreshRequired"}
INVALID_CREDENTIALS = {
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "IncompleteSignature",
    "MissingAuthenticationToken",
}
UNAVAILABLE = {
    "KeyUnavailableException",
    "DependencyTimeoutException",
    "KMSInternalException",
    "InternalFailure",
    "InternalServerError",
    "InternalServiceError",
    "InternalServiceErrorException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
}
NOT_FOUND = {"ResourceNotFoundException", "ParameterNotFound", "ParameterVersionNotFound"}


@dataclass(frozen=True, slots=True)
class AwsTarget:
    """What a call was about, so the message can name it."""

    service: str  # "AWS KMS", "AWS Secrets Manager", ...
    provider: str  # the provider's name in fnox.toml
    table: str  # "[providers.kms]"
    settings: AwsSettings
    resource_kind: str = ""  # "KMS key", "secret", "parameter"
    resource: FieldValue = EMPTY  # the key id, or the full secret name
    endpoint_url: str = ""  # the endpoint the client talks to, when known (display form)
    login_profile: FieldValue | None = None  # the AWS profile for `aws sso login --profile`
    policy: Callable[[str | None], str] | None = None  # IAM policy, given the denied ARN

    def __post_init__(self) -> None:
        object.__setattr__(self, "resource", FieldValue.of(self.resource))
        if isinstance(self.login_profile, str):
            object.__setattr__(self, "login_profile", FieldValue.of(self.login_profile))


def translate(error: BaseException, target: AwsTarget) -> ProviderError:
    if isinstance(error, ProviderError):
        return error
    if isinstance(error, UnexpectedAnswer):
        return not_the_service(target, error.reason)
    if isinstance(error, binascii.Error):  # botocore decoding a blob field of the answer
        return not_the_service(target, "holds a field that should be base64 and is not")
    if isinstance(error, ClientError):
        return _client_error(error, target)
    if isinstance(error, BotoCoreError):
        return _botocore_error(error, target)
    return ProviderError(
        f"{target.service} call for provider {target.provider} failed unexpectedly "
        f"({type(error).__name__}).",
        hint="Try again; if it persists, run `fnox get NAME` to compare.",
        code=ErrorCode.AWS,
    )


def _login_hint(target: AwsTarget) -> str:
    if target.login_profile:
        return f"aws sso login --profile {target.login_profile.shell}"
    return "aws sso login"


def _where(target: AwsTarget) -> str:
    region = target.settings.region
    return f" in region {region}" if region else ""


def _profile(error: BotoCoreError, target: AwsTarget) -> str:
    """The AWS profile botocore could not find, quoted, or named by its secret."""
    configured = target.settings.profile
    if configured is not None and configured.referenced:
        return configured.display
    named = error.kwargs.get("profile") or (configured.value if configured else None) or "?"
    return repr(named)


def _botocore_error(error: BotoCoreError, target: AwsTarget) -> ProviderError:
    if isinstance(error, SSOError | TokenRetrievalError):
        profile = target.login_profile
        whose = f" for AWS profile {profile}" if profile else ""
        return ProviderError(
            f"The AWS SSO session{whose} has expired or was never started.",
            hint=f"Run `{_login_hint(target)}`, then try again.",
            code=ErrorCode.EXPIRED_CREDENTIALS,
        )
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return ProviderError(
            f"No AWS credentials were found for provider {target.provider}.",
            hint="Set AWS_PROFILE to a profile in ~/.aws/config (run `aws sso login --profile "
            'NAME` for SSO), add `profile = "NAME"` to '
            f"{target.table}, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
            code=ErrorCode.NO_CREDENTIALS,
        )
    if isinstance(error, CredentialRetrievalError):
        return ProviderError(
            f"AWS credentials for provider {target.provider} could not be obtained "
            f"({error.kwargs.get('provider', 'credential provider')}).",
            hint=f"Check the credential settings of the AWS profile; for SSO run "
            f"`{_login_hint(target)}`.",
            detail=str(error),  # botocore's text; a referenced setting is redacted upstream
            code=ErrorCode.NO_CREDENTIALS,
        )
    if isinstance(error, NoRegionError):
        return ProviderError(
            f"No AWS region is set for provider {target.provider}.",
            hint=f'Add region = "us-east-1" (your region) to {target.table}, or set AWS_REGION.',
            code=ErrorCode.NO_REGION,
        )
    if isinstance(error, ProfileNotFound):
        return ProviderError(
            f"The AWS profile {_profile(error, target)} does not exist in ~/.aws/config or "
            "~/.aws/credentials.",
            hint=f"Fix `profile` in {target.table} or AWS_PROFILE; "
            "`aws configure list-profiles` lists the profiles you have.",
            code=ErrorCode.PROFILE_NOT_FOUND,
        )
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        endpoint = _endpoint(error, target)
        return ProviderError(
            f"{target.service} at {endpoint} did not answer in time.",
            hint=_network_hint(target),
            code=ErrorCode.TIMEOUT,
        )
    if isinstance(
        error,
        EndpointConnectionError | BotoConnectionError | ConnectionClosedError | HTTPClientError,
    ):
        endpoint = _endpoint(error, target)
        return ProviderError(
            f"Cannot reach {target.service} at {endpoint}.",
            hint=_network_hint(target),
            code=ErrorCode.UNREACHABLE,
        )
    if isinstance(error, ParamValidationError):
        return ProviderError(
            f"{target.service} rejected the request for provider {target.provider} before "
            "sending it.",
            hint=f"Check the fields of {target.table}.",
            detail=error.kwargs.get("report", ""),
            code=ErrorCode.CONFIG,
        )
    return ProviderError(
        f"{target.service} call for provider {target.provider} failed: {str(error).rstrip('.')}.",
        hint=f"Check the fields of {target.table} and your AWS configuration.",
        code=ErrorCode.AWS,
    )


def _endpoint(error: BotoCoreError, target: AwsTarget) -> str:
    endpoint = target.settings.endpoint
    if endpoint is not None and endpoint.referenced:
        return endpoint.token  # botocore's URL is the secret's value
    kwargs = getattr(error, "kwargs", {}) or {}
    return str(kwargs.get("endpoint_url") or target.endpoint_url or "its endpoint")


def _network_hint(target: AwsTarget) -> str:
    if target.settings.endpoint:
        return f"Check that `endpoint` in {target.table} is right and the service is running."
    return (
        "Check your network, proxy (HTTPS_PROXY) and the region; AWS_ENDPOINT_URL, if set, "
        "redirects the call."
    )


def _client_error(error: ClientError, target: AwsTarget) -> ProviderError:
    info = error.response.get("Error", {})
    code = str(info.get("Code", ""))
    aws_message = str(info.get("Message", "") or "")
    operation = error.operation_name or ""
    if operation == "AssumeRole":
        return _assume_role_error(code, aws_message, target)
    if code in EXPIRED:
        return ProviderError(
            "The AWS credentials have expired.",
            hint=f"Run `{_login_hint(target)}` (SSO) or refresh your session credentials.",
            code=ErrorCode.EXPIRED_CREDENTIALS,
        )
    if code in INVALID_CREDENTIALS:
        return ProviderError(
            "AWS did not accept the credentials: the access key is unknown or the secret key "
            "is wrong.",
            hint="Check AWS_PROFILE / AWS_ACCESS_KEY_ID; `aws sts get-caller-identity` shows "
            "which credentials are in use.",
            code=ErrorCode.INVALID_CREDENTIALS,
        )
    if code in ACCESS_DENIED:
        return _access_denied(operation, aws_message, target)
    if code in THROTTLED:
        return ProviderError(
            f"{target.service} is throttling requests, even after retries.",
            hint="Wait a moment and try again, or resolve fewer secrets at once.",
            code=ErrorCode.THROTTLED,
        )
    if code in NOT_FOUND:
        return _not_found(target)
    if code in UNAVAILABLE:
        return ProviderError(
            f"{target.service} is temporarily unavailable ({code}).",
            hint="Try again in a moment.",
            code=ErrorCode.AWS,
        )
    kms = _kms_error(code, aws_message, target)
    if kms is not None:
        return kms
    if code == "DecryptionFailure":
        return ProviderError(
            f"Secrets Manager could not decrypt the secret {target.resource}.",
            hint="You need kms:Decrypt on the KMS key that protects the secret.",
            code=ErrorCode.ACCESS_DENIED,
        )
    return ProviderError(
        f"{target.service} refused {operation or 'the request'} for provider "
        f"{target.provider}: {code}.",
        hint=aws_message or f"Check the fields of {target.table}.",
        code=ErrorCode.AWS,
    )


def _assume_role_error(code: str, aws_message: str, target: AwsTarget) -> ProviderError:
    role = str(target.settings.role_arn or "?")
    if code in EXPIRED:
        return ProviderError(
            f"The credentials used to assume role {role} have expired.",
            hint=f"Run `{_login_hint(target)}` or refresh your credentials.",
            code=ErrorCode.EXPIRED_CREDENTIALS,
        )
    if code in INVALID_CREDENTIALS:
        return ProviderError(
            f"AWS did not accept the credentials used to assume role {role}.",
            hint="Check AWS_PROFILE / AWS_ACCESS_KEY_ID; `aws sts get-caller-identity` shows "
            "which credentials are in use.",
            code=ErrorCode.INVALID_CREDENTIALS,
        )
    return ProviderError(
        f"Could not assume role {role} for provider {target.provider} ({code}).",
        hint="The role's trust policy must allow your identity to call sts:AssumeRole; check "
        f"`role_arn` in {target.table}.",
        detail=aws_message,
        code=ErrorCode.ACCESS_DENIED,
    )


def _access_denied(operation: str, aws_message: str, target: AwsTarget) -> ProviderError:
    action = f" ({operation})" if operation else ""
    what = f"the {target.resource_kind} {target.resource}" if target.resource else target.service
    hint = (
        "Ask an administrator to attach the IAM policy below to your user or role"
        + (" and to allow it in the key policy" if target.resource_kind == "KMS key" else "")
        + "."
    )
    if target.resource_kind == "KMS key" and operation == "Decrypt":
        hint += (
            " If key_id was changed, this value may have been encrypted under another key "
            "(some KMS implementations answer that with access denied)."
        )
    policy = target.policy(resource_from_message(aws_message)) if target.policy else ""
    return ProviderError(
        f"AWS denied access to {what}{action}.",
        hint=hint,
        detail=policy,
        code=ErrorCode.ACCESS_DENIED,
    )


def _not_found(target: AwsTarget) -> ProviderError:
    prefix = target.settings.prefix
    with_prefix = f" (prefix {prefix.quoted} included)" if prefix else ""
    return ProviderError(
        f"The {target.resource_kind or 'resource'} {target.resource} does not exist in "
        f"{target.service}{_where(target)}{with_prefix}.",
        hint=f"Check the secret's value and the provider's prefix and region in {target.table}.",
        code=ErrorCode.SECRET_NOT_FOUND,
    )


def _kms_error(code: str, aws_message: str, target: AwsTarget) -> ProviderError | None:
    key = target.resource
    if code == "NotFoundException":
        return ProviderError(
            f"The KMS key {key} was not found{_where(target)}.",
            hint=f"Check key_id and region in {target.table}: a key and its aliases exist in "
            "one region of one account.",
            code=ErrorCode.KEY_NOT_FOUND,
        )
    if code == "DisabledException":
        return ProviderError(
            f"The KMS key {key} is disabled.",
            hint=f"Enable it (`aws kms enable-key --key-id {key.shell}`) or point key_id at "
            "an enabled key.",
            code=ErrorCode.KEY_DISABLED,
        )
    if code == "KMSInvalidStateException":
        return ProviderError(
            f"The KMS key {key} cannot be used in its current state (for example pending "
            "deletion, or pending import).",
            hint=f"If deletion is scheduled, cancel it: `aws kms cancel-key-deletion --key-id "
            f"{key.shell}` then `aws kms enable-key --key-id {key.shell}`.",
            detail=aws_message,
            code=ErrorCode.KEY_INVALID_STATE,
        )
    if code == "IncorrectKeyException":
        return ProviderError(
            f"This value was encrypted under a different KMS key than "
            f"{'the key ' if key.referenced else ''}{key}.",
            hint="key_id was probably changed without re-encrypting. Rotate properly: decrypt "
            "with the old key (or KMS ReEncrypt) and encrypt under the new one, saving the new "
            "key_id and every value together; or set key_id back to the old key.",
            code=ErrorCode.INCORRECT_KEY,
        )
    if code == "InvalidCiphertextException":
        return corrupt_value(target.service)
    if code == "InvalidKeyUsageException":
        return ProviderError(
            f"The KMS key {key} cannot encrypt and decrypt data as fnox needs.",
            hint="Use a symmetric key (key spec SYMMETRIC_DEFAULT, key usage ENCRYPT_DECRYPT).",
            detail=aws_message,
            code=ErrorCode.KEY_USAGE,
        )
    return None


def corrupt_value(service: str, reason: str = "") -> ProviderError:
    why = f" ({reason})" if reason else ""
    return ProviderError(
        f"The stored value is corrupt or is not {service} ciphertext{why}.",
        hint="Set the secret again (`fnox set NAME --provider ...`), or restore the value "
        "from version control.",
        code=ErrorCode.CORRUPT_VALUE,
    )


def not_the_service(target: AwsTarget, reason: str) -> ProviderError:
    """The endpoint answered something that is not the service: neither the value nor the
    file is to blame. ``reason`` completes "the answer ..."."""
    endpoint = target.endpoint_url or "the endpoint"
    where = (
        f"`endpoint` in {target.table}"
        if target.settings.endpoint
        else "AWS_ENDPOINT_URL (and the AWS_ENDPOINT_URL_* variables) or the proxy settings"
    )
    return ProviderError(
        f"The endpoint {endpoint} answered something that is not {target.service} "
        f"(the answer {reason}).",
        hint=f"Check {where}: something other than {target.service} is answering there, "
        "such as a proxy, a captive portal or another service.",
        code=ErrorCode.NOT_THE_SERVICE,
    )
