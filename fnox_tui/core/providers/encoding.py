"""Base64 and UTF-8 handling shared by the providers, with errors that never carry a value."""

from __future__ import annotations

import base64
import binascii

from fnox_tui.core.providers.base import ErrorCode, ProviderError


def b64encode(data: bytes) -> str:
    """Standard base64 with padding, one line (what fnox stores)."""
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(value: str) -> bytes | None:
    """Standard base64 with padding, no whitespace; None when ``value`` is not that."""
    if not value:
        return None
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None


def utf8_plaintext(plaintext: str) -> bytes:
    try:
        return plaintext.encode("utf-8")
    except UnicodeEncodeError:
        raise ProviderError(
            "The value is not valid UTF-8 text.",
            hint="Remove the invalid characters and try again.",
            code=ErrorCode.NOT_UTF8,
        ) from None


def decode_utf8(data: bytes, source: str) -> str:
    """Decrypted bytes as text; fnox only stores UTF-8 text."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProviderError(
            f"The value decrypted by {source} is not UTF-8 text.",
            hint="fnox stores text only: this value was not written by fnox. "
            "Set it again with `fnox set`.",
            code=ErrorCode.NOT_UTF8,
        ) from None
