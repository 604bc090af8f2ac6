"""Re-encrypting one aws-kms value under the new key, and the IAM policy that allows it.

The first route is ``ReEncrypt(CiphertextBlob, SourceKeyId=old, DestinationKeyId=new)``: KMS
decrypts and encrypts on its side and the plaintext never reaches this machine. When KMS denies
it and the plan carries the user's consent, the value is decrypted with the old key and
encrypted with the new one here instead. Either way the new ciphertext is then decrypted with
``KeyId`` = the new key to verify it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import ClientError

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.aws_answers import UnexpectedAnswer
from fnox_tui.core.providers.aws_errors import ACCESS_DENIED, corrupt_value, translate
from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.aws_policy import kms_key_arn
from fnox_tui.core.providers.base import ErrorCode, ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.providers.encoding import b64decode_strict, b64encode
from fnox_tui.core.rotation.cancel import CancelCheck, raise_if
from fnox_tui.core.rotation.plan import PlanRow, Route
from fnox_tui.core.rotation.results import Rotated
from fnox_tui.core.rotation.targets import KmsTarget
from fnox_tui.core.rotation.verify import Verification, digest, verify_kms

_ACTION_IN_MESSAGE = re.compile(r"perform:\s*(kms:[A-Za-z]+)")


class KmsRotator:
    """Re-encrypts values of one aws-kms provider definition; thread-safe (one boto3 client)."""

    def __init__(
        self,
        definition: ProviderDef,
        target: KmsTarget,
        context: ProviderContext,
        *,
        consent_decrypt: bool = False,
        old_arn: str | None = None,
    ) -> None:
        self.provider = AwsKmsProvider(definition, context)
        self.target = target
        self.consent_decrypt = consent_decrypt
        self._old_arn = old_arn
        self._reencrypt_denied = False  # once denied (with consent), go straight to the fallback

    @property
    def old_key_id(self) -> str:
        # A plan refuses a key_id taken from a secret, so the value is the text in the file.
        return self.provider.key_id.value

    @property
    def old_arn(self) -> str:
        """The old key's ARN when a call told it, else an ARN with placeholders."""
        known = self._old_arn or self.provider.key_arn
        region = self.provider.settings.region
        return kms_key_arn(self.old_key_id, region.value if region is not None else None, known)

    def client(self) -> Any:
        return self.provider.client()

    def rotate(self, row: PlanRow, route: Route, cancelled: CancelCheck) -> Rotated:
        blob = b64decode_strict(row.ciphertext)
        if blob is None:
            raise corrupt_value("AWS KMS", "it is not valid base64")
        if route is Route.REENCRYPT and self._reencrypt_denied:
            route = Route.DECRYPT_ENCRYPT
        if route is Route.REENCRYPT:
            try:
                new_blob = self._reencrypt(blob)
            except ProviderError as error:
                if error.code != ErrorCode.ACCESS_DENIED or not self.consent_decrypt:
                    raise
                self._reencrypt_denied = True
                route = Route.DECRYPT_ENCRYPT
            else:
                raise_if(cancelled)
                return Rotated(b64encode(new_blob), route, self._verify(new_blob, None))
        new_blob, expected = self._decrypt_encrypt(blob, cancelled)
        raise_if(cancelled)
        return Rotated(b64encode(new_blob), route, self._verify(new_blob, expected))

    def _call(self, operation: str, resource: str, denied: str, **params: Any) -> dict[str, Any]:
        """``client.operation(**params)``; a denial is explained with the rotation policy,
        any other failure as the providers explain it."""
        client = self.provider.client()
        try:
            return dict(getattr(client, operation)(**params))
        except ClientError as error:
            info = error.response.get("Error", {})
            message = str(info.get("Message", "") or "")
            if str(info.get("Code", "")) in ACCESS_DENIED:
                raise self.denied(denied, message) from None
            if denied == "ReEncrypt" and _names_key(message, self.target.arn):
                resource = self.target.arn  # ReEncrypt involves two keys: name the one at fault
            raise translate(error, self.provider.target(resource)) from None
        except Exception as error:
            raise translate(error, self.provider.target(resource)) from None

    def _reencrypt(self, blob: bytes) -> bytes:
        old = self.old_key_id
        response = self._call(
            "re_encrypt",
            old,
            "ReEncrypt",
            CiphertextBlob=blob,
            SourceKeyId=old,
            DestinationKeyId=self.target.arn,
        )
        source = response.get("SourceKeyId")
        if isinstance(source, str) and source.startswith("arn:") and self._old_arn is None:
            self._old_arn = source
        used = response.get("KeyId")
        if isinstance(used, str) and used.startswith("arn:") and used != self.target.arn:
            raise ProviderError(
                f"KMS re-encrypted the value under {used}, not under the new key "
                f"{self.target.arn}.",
                hint="Nothing was written. Check the new key and retry.",
                code=ErrorCode.AWS,
            )
        return self._field(response, "CiphertextBlob", old)

    def _decrypt_encrypt(self, blob: bytes, cancelled: CancelCheck) -> tuple[bytes, bytes]:
        old = self.old_key_id
        response = self._call("decrypt", old, "Decrypt", KeyId=old, CiphertextBlob=blob)
        plaintext = self._field(response, "Plaintext", old)
        del response
        expected = digest(plaintext)
        try:
            raise_if(cancelled)
            new = self.target.arn
            encrypted = self._call("encrypt", new, "Encrypt", KeyId=new, Plaintext=plaintext)
        finally:
            del plaintext
        return self._field(encrypted, "CiphertextBlob", new), expected

    def _verify(self, blob: bytes, expected: bytes | None) -> Verification:
        new = self.target.arn

        def decrypt(data: bytes) -> dict[str, Any]:
            response = self._call("decrypt", new, "verify", KeyId=new, CiphertextBlob=data)
            self._field(response, "Plaintext", new)
            return response

        return verify_kms(decrypt, blob, new, expected)

    def _field(self, response: dict[str, Any], name: str, resource: str) -> bytes:
        """``response[name]``; an answer without it (a success whose body was cut off on
        the way, an endpoint that is not KMS) is explained naming the endpoint."""
        value = response.get(name)
        if not isinstance(value, bytes):
            failure = UnexpectedAnswer(f"holds no {name}")
            raise translate(failure, self.provider.target(resource))
        return value

    def denied(self, operation: str, aws_message: str = "") -> ProviderError:
        """Access denied to ``operation`` (ReEncrypt, Decrypt, Encrypt or verify), with the
        IAM actions rotation needs on each key."""
        action = _ACTION_IN_MESSAGE.search(aws_message)
        named = f" (missing {action.group(1)})" if action else ""
        old, new = self.old_key_id, self.target.arn
        if operation == "ReEncrypt":
            message = f"AWS denied re-encrypting from key {old} to key {new}{named}."
            hint = (
                "ReEncrypt needs kms:ReEncryptFrom on the old key and kms:ReEncryptTo on the new "
                "key, and verifying needs kms:Decrypt on the new key: attach the policy below "
                "(and allow it in both key policies)"
            )
            hint += (
                "."
                if self.consent_decrypt
                else ", or allow fnox-tui to decrypt and encrypt the values on this machine."
            )
        elif operation == "verify":
            message = f"AWS denied decrypting with the new key {new} to verify the value{named}."
            hint = "Verifying needs kms:Decrypt on the new key: attach the policy below."
        else:
            key = old if operation == "Decrypt" else new
            message = f"AWS denied {operation} with key {key}{named}."
            hint = "Attach the policy below to your user or role and allow it in the key policy."
        return ProviderError(
            message,
            hint=hint,
            detail=rotation_policy(self.old_arn, new, decrypt_fallback=self.consent_decrypt),
            code=ErrorCode.ACCESS_DENIED,
        )

    def close(self) -> None:
        self.provider.close()


def _names_key(message: str, arn: str) -> bool:
    """Whether an AWS error message is about the key ``arn`` (by ARN or key id)."""
    return bool(message) and (arn in message or arn.rsplit("/", 1)[-1] in message)


def rotation_policy(old_arn: str, new_arn: str, *, decrypt_fallback: bool = False) -> str:
    """The IAM policy a rotation from ``old_arn`` to ``new_arn`` needs (ReEncrypt, verify,
    and kms:Decrypt on the old key when decrypting here is allowed)."""
    old_actions = ["kms:ReEncryptFrom", "kms:DescribeKey"]
    if decrypt_fallback:
        old_actions.insert(1, "kms:Decrypt")
    statements = [
        {"Sid": "RotateFromOldKey", "Effect": "Allow", "Action": old_actions, "Resource": old_arn},
        {
            "Sid": "RotateToNewKey",
            "Effect": "Allow",
            "Action": [
                "kms:ReEncryptTo",
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:DescribeKey",
            ],
            "Resource": new_arn,
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


def new_key_actions() -> list[str]:
    """What everyone who runs ``fnox get``/``fnox set`` needs on the new key afterwards."""
    return ["kms:Decrypt", "kms:Encrypt", "kms:DescribeKey"]
