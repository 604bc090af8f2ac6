"""Checking a new ciphertext before it is kept: it decrypts under the new key or identity, and,
where this machine saw the plaintext, to the same bytes (compared as SHA-256 digests, the
plaintext dropped at once)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyrage

from fnox_tui.core.providers.base import ProviderError

VERIFY_FAILED = "verify-failed"


@dataclass(frozen=True, slots=True)
class Verification:
    verified: bool
    note: str = ""


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def mismatch_error(what: str) -> ProviderError:
    return ProviderError(
        f"The new ciphertext decrypts to a different value than the original ({what}).",
        hint="Nothing was written. Retry the row; if it fails again, report it.",
        code=VERIFY_FAILED,
    )


def verify_kms(
    decrypt: Callable[[bytes], dict[str, Any]],
    blob: bytes,
    new_arn: str,
    expected: bytes | None,
) -> Verification:
    """``decrypt(blob)`` is KMS ``Decrypt`` with ``KeyId`` = the new key (raises ProviderError).

    ``expected`` is the digest of the original plaintext when it was seen here, else None.
    """
    response = decrypt(blob)
    used = response.get("KeyId")
    if (
        isinstance(used, str)
        and used.startswith("arn:")
        and new_arn.startswith("arn:")
        and used != new_arn
    ):
        raise ProviderError(
            f"The new ciphertext decrypts under {used}, not under the new key {new_arn}.",
            hint="Nothing was written. Check the new key and retry.",
            code=VERIFY_FAILED,
        )
    plaintext = response.get("Plaintext")
    if not isinstance(plaintext, bytes):
        raise ProviderError(
            "KMS returned no plaintext when decrypting the new ciphertext.",
            hint="Nothing was written. Retry the row.",
            code=VERIFY_FAILED,
        )
    seen = digest(plaintext)
    del plaintext, response
    if expected is not None and not hmac.compare_digest(seen, expected):
        raise mismatch_error("KMS")
    return Verification(True)


def verify_age(ciphertext: bytes, identities: list[Any] | None, expected: bytes) -> Verification:
    """Decrypt ``ciphertext`` with ``identities`` (those matching a new recipient; None when
    the user holds none) and compare with ``expected``."""
    if not identities:
        return Verification(
            False,
            "not verified: verifying an age value needs an identity among the new recipients",
        )
    try:
        plaintext = pyrage.decrypt(ciphertext, identities)
    except pyrage.DecryptError:
        raise ProviderError(
            "The new age ciphertext does not decrypt with your identity, although it is one of "
            "the new recipients.",
            hint="Nothing was written. Retry the row.",
            code=VERIFY_FAILED,
        ) from None
    seen = digest(plaintext)
    del plaintext
    if not hmac.compare_digest(seen, expected):
        raise mismatch_error("age")
    return Verification(True)
