"""The ``aws-kms`` provider: values are KMS ciphertexts, base64 in the file."""

from __future__ import annotations

import re
from typing import Any

from botocore.exceptions import ClientError

from fnox_tui.core.providers.aws_base import AwsProvider
from fnox_tui.core.providers.aws_errors import ACCESS_DENIED, corrupt_value, translate
from fnox_tui.core.providers.aws_policy import kms_key_arn, kms_policy
from fnox_tui.core.providers.base import (
    MAX_PLAINTEXT_BYTES,
    CheckResult,
    ErrorCode,
    ProviderError,
)
from fnox_tui.core.providers.checks import failed_badge, failure, ok_badge
from fnox_tui.core.providers.encoding import (
    b64decode_strict,
    b64encode,
    decode_utf8,
    utf8_plaintext,
)
from fnox_tui.core.providers.field_value import FieldValue
from fnox_tui.core.providers.fields import secret_reference, text_field

LABEL = "AWS KMS"
ROTATION_DENIED = "unknown (access denied)"  # the automatic rotation, when it cannot be read


class AwsKmsProvider(AwsProvider):
    service = "kms"
    label = LABEL
    resource_kind = "KMS key"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._key_arn: str | None = None

    @property
    def key_id(self) -> FieldValue:
        """``key_id``; ``.value`` is what KMS is sent, ``str()`` is how messages name it."""
        key_id = text_field(self.definition, "key_id", self._context, required=True)
        assert key_id is not None
        return key_id

    @property
    def key_arn(self) -> str | None:
        """The key's ARN once a call has told it (DescribeKey, Encrypt or Decrypt)."""
        return self._key_arn

    def policy(self, resource: FieldValue, denied: str | None) -> str:
        region = self._settings.region if self._settings else None
        region_text = region.token if region is not None else None
        return kms_policy(kms_key_arn(resource.token, region_text, denied or self._key_arn))

    def _remember(self, response: dict[str, Any]) -> None:
        arn = response.get("KeyId")
        if isinstance(arn, str) and arn.startswith("arn:"):
            self._key_arn = arn

    def encrypt(self, plaintext: str) -> str:
        data = utf8_plaintext(plaintext)
        check_plaintext_size(len(data))
        key_id = self.key_id
        response = self.call("encrypt", key_id, KeyId=key_id.value, Plaintext=data)
        blob = self.answer(response, "CiphertextBlob", bytes, key_id)
        self._remember(response)
        return b64encode(blob)

    def resolve(self, value: str) -> str:
        key_id = self.key_id
        blob = b64decode_strict(value)
        if blob is None:
            raise corrupt_value(LABEL, "it is not valid base64")
        response = self.call("decrypt", key_id, KeyId=key_id.value, CiphertextBlob=blob)
        # KMS never encrypts an empty value, so an answer without plaintext is not from KMS.
        plaintext = self.answer(response, "Plaintext", bytes, key_id)
        self._remember(response)
        return decode_utf8(plaintext, LABEL)

    def check(self) -> CheckResult:
        reference = secret_reference(self.definition.fields.get("key_id"))
        key_text = f"from secret {reference}" if reference else "?"
        if reference is None:
            key_text = self.definition.field_text("key_id") or key_text
        try:
            key_id = self.key_id
            key_text = key_id.display
            response = self.call("describe_key", key_id, KeyId=key_id.value)
            metadata = self.answer(response, "KeyMetadata", dict, key_id)
        except ProviderError as error:
            return failure(error, [("Key", key_text), *self.base_facts()])
        arn = str(metadata.get("Arn") or key_id.value)
        self._key_arn = arn if arn.startswith("arn:") else self._key_arn
        state = str(metadata.get("KeyState") or ("Enabled" if metadata.get("Enabled") else "?"))
        spec = str(metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec") or "?")
        # Symmetric default keys can only encrypt/decrypt; some fakes leave KeyUsage out.
        usage = str(metadata.get("KeyUsage") or _default_usage(spec))
        facts = [
            *([("Key", key_id.display)] if key_id.referenced else []),
            ("Key ARN", arn),
            ("State", state),
            ("Key spec", spec),
            ("Key usage", usage),
            *self.base_facts(),
            ("Automatic rotation", self.rotation_status(arn, str(metadata.get("KeySpec") or ""))),
        ]
        if metadata.get("Description"):
            facts.append(("Description", str(metadata["Description"])))
        if metadata.get("DeletionDate"):
            facts.append(("Deletion date", str(metadata["DeletionDate"])))
        if state != "Enabled":
            badge = failed_badge("Key " + _spaced(state).lower())
            return CheckResult(ok=False, badge=badge, facts=facts)
        if usage != "ENCRYPT_DECRYPT" or spec != "SYMMETRIC_DEFAULT":
            return CheckResult(ok=False, badge=failed_badge("Not a symmetric key"), facts=facts)
        return CheckResult(ok=True, badge=ok_badge("Key enabled"), facts=facts)

    def rotation_status(self, arn: str, spec: str) -> str:
        """The key's automatic rotation in words: "on (every 365 days)", "off", "not
        supported for this key", or why it is unknown (ROTATION_DENIED, or the error)."""
        if spec and spec != "SYMMETRIC_DEFAULT":
            return "not supported for this key"
        try:
            response = self.client().get_key_rotation_status(KeyId=arn)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ACCESS_DENIED:
                return ROTATION_DENIED
            if code == "UnsupportedOperationException":
                return "not supported for this key"
            return f"unknown ({translate(error, self.target(arn)).message})"
        except Exception:
            return "unknown"
        if not response.get("KeyRotationEnabled"):
            return "off"
        days = response.get("RotationPeriodInDays")
        return f"on (every {days} days)" if days else "on"


def check_plaintext_size(size: int) -> None:
    if size == 0:
        raise ProviderError(
            "AWS KMS cannot encrypt an empty value.",
            hint="Enter a value of at least one character.",
            code=ErrorCode.PLAINTEXT_SIZE,
        )
    if size > MAX_PLAINTEXT_BYTES:
        raise ProviderError(
            f"The value is {size} bytes; AWS KMS encrypts at most {MAX_PLAINTEXT_BYTES} bytes.",
            hint="Shorten it, or keep it with an age provider or in AWS Secrets Manager.",
            code=ErrorCode.PLAINTEXT_SIZE,
        )


def _default_usage(spec: str) -> str:
    return "ENCRYPT_DECRYPT" if spec == "SYMMETRIC_DEFAULT" else "?"


def _spaced(state: str) -> str:
    """``PendingDeletion`` -> ``Pending deletion``."""
    words = re.findall(r"[A-Z][a-z]*|[a-z]+|\d+", state) or [state]
    return " ".join([words[0], *(word.lower() for word in words[1:])])
