"""Messages between the app and its rotation worker process: length-prefixed pickles on pipes.

A frame is a 4-byte big-endian length, then a pickle of a tuple ``(kind, *fields)``. Pickle
carries the engine's own dataclasses (plan rows, results, provider errors) as they are; both
ends are this package, on a pipe only the two processes hold. Reading is restricted anyway to
fnox-tui's classes, ``pathlib`` paths, dates and builtin values: a frame naming anything else
is refused, so no botocore object (nor anything that would run code) crosses over.
"""

from __future__ import annotations

import io
import pickle
import struct
from typing import Any, BinaryIO

HEADER = struct.Struct(">I")
MAX_FRAME_BYTES = 256 * 1024 * 1024

_ALLOWED = {
    ("pathlib", "Path"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("builtins", "frozenset"),
    ("builtins", "set"),
    ("builtins", "bytearray"),
}


class FrameError(Exception):
    """A frame that is cut short, too long, or not a message of this protocol."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "fnox_tui" or module.startswith("fnox_tui.") or (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise FrameError(f"a rotation message may not carry {module}.{name}")


def encode(message: tuple[Any, ...]) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def decode(data: bytes) -> tuple[Any, ...]:
    try:
        message = _Unpickler(io.BytesIO(data)).load()
    except FrameError:
        raise
    except Exception as error:
        raise FrameError(f"an unreadable rotation message ({type(error).__name__})") from None
    if not isinstance(message, tuple) or not message or not isinstance(message[0], str):
        raise FrameError("a rotation message is a tuple whose first item names it")
    return message


def write_frame(stream: BinaryIO, message: tuple[Any, ...]) -> None:
    """Write one message and flush; the caller serialises writers."""
    stream.write(encode(message))
    stream.flush()


def read_frame(stream: BinaryIO) -> tuple[Any, ...] | None:
    """The next message, or None at the end of the stream (the other side closed or died)."""
    header = _read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME_BYTES:
        raise FrameError(f"a rotation message of {size} bytes is over the limit")
    data = _read_exactly(stream, size)
    if data is None:
        raise FrameError("a rotation message was cut short")
    return decode(data)


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            if chunks:
                raise FrameError("a rotation message was cut short")
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
