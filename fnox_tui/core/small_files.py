"""Reading a small file that a configuration names, without hanging and without filling memory.

A path in a file written by someone else can name a FIFO (``open`` waits for a writer that
never comes), a device (``/dev/zero`` never ends), a directory, or a huge file. Only a regular
file is read, at most ``limit`` bytes. The file is checked before opening (``stat``), opened
with ``O_NONBLOCK`` so that a FIFO swapped in meanwhile cannot block the ``open``, and checked
again on the open descriptor (``fstat``) before anything is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from fnox_tui.core.errors import FnoxTuiError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnsuitableFileError(FnoxTuiError):
    """The path is not a regular file, or is larger than allowed. ``reason`` completes
    "The file PATH ..." (e.g. "is a named pipe (FIFO), not a regular file")."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} {reason}")
        self.path = path
        self.reason = reason


def describe_kind(mode: int) -> str:
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def size_text(limit: int) -> str:
    if limit % 1024 == 0:
        return f"{limit // 1024} KiB"
    return f"{limit} bytes"


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = describe_kind(mode)
        raise UnsuitableFileError(path, f"is {kind}, not a regular file")


def read_small_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path`` if it holds at most ``limit`` bytes.

    Raises OSError when the file cannot be opened or read (missing, permission), and
    UnsuitableFileError when it is not a regular file or is too large.
    """
    _check_regular(path, os.stat(path).st_mode)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        _check_regular(path, status.st_mode)
        too_large = UnsuitableFileError(
            path, f"is larger than {size_text(limit)}, more than such a file ever holds"
        )
        if status.st_size > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(descriptor, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # the file grew, or reports no size (as /proc files do)
            raise too_large
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def is_present(path: Path) -> bool:
    """Whether something (of any kind) exists at ``path``, following symbolic links."""
    try:
        os.stat(path)
    except OSError:
        return False
    return True
