"""The public half of an OpenSSH private key, read from the key file's unencrypted header."""

from __future__ import annotations

import base64
import binascii
import re
import struct

_OPENSSH_BLOCK = re.compile(
    r"-----BEGIN OPENSSH PRIVATE KEY-----(.*?)-----END OPENSSH PRIVATE KEY-----", re.DOTALL
)
_MAGIC = b"openssh-key-v1\0"


def is_ssh_private_key(text: str) -> bool:
    return "-----BEGIN " in text and "PRIVATE KEY-----" in text


def openssh_public_key(text: str) -> str | None:
    """``"ssh-ed25519 AAAA..."`` for an ``OPENSSH PRIVATE KEY`` block, else None."""
    match = _OPENSSH_BLOCK.search(text)
    if match is None:
        return None
    try:
        blob = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not blob.startswith(_MAGIC):
        return None
    reader = _Reader(blob, len(_MAGIC))
    try:
        reader.string()  # cipher name
        reader.string()  # kdf name
        reader.string()  # kdf options
        if reader.uint32() < 1:
            return None
        public = reader.string()
        key_type = _Reader(public, 0).string().decode("ascii")
    except (ValueError, struct.error, UnicodeDecodeError):
        return None
    return f"{key_type} {base64.b64encode(public).decode('ascii')}"


def same_public_key(first: str, second: str) -> bool:
    """Compare ``type base64 [comment]`` keys, or age recipients, ignoring comments and case."""
    a, b = first.split(), second.split()
    if len(a) >= 2 and len(b) >= 2:
        return a[:2] == b[:2]
    return first.strip().lower() == second.strip().lower()


class _Reader:
    def __init__(self, data: bytes, offset: int) -> None:
        self.data = data
        self.offset = offset

    def uint32(self) -> int:
        (value,) = struct.unpack_from(">I", self.data, self.offset)
        self.offset += 4
        return int(value)

    def string(self) -> bytes:
        length = self.uint32()
        end = self.offset + length
        if end > len(self.data):
            raise ValueError("truncated")
        value = self.data[self.offset : end]
        self.offset = end
        return value
