"""Parse a large workspace's files in a child process while the app imports its UI library.

Importing Textual keeps the main process busy for a few hundred milliseconds, and a file of
5,000 secrets takes the TOML parser tens of milliseconds more. When the files are large, a
forked child runs the same load meanwhile, on another core, and hands back the documents it
parsed, keyed by the SHA-256 of the bytes they came from. The load in the main process then
takes a document only for a file whose bytes hash the same (``read_config_file``), and parses
everything else itself: a file changed in between, a value ``marshal`` cannot carry (a TOML
date), a child that failed, was killed or took too long. The child only reads; what it hands
back is checked for length before it is used, and the main process never waits for it longer
than ``TIMEOUT_SECONDS``.

The fork is made only from a process with one thread (forking a threaded process can leave a
lock held in the child) and only for files of ``MIN_BYTES`` and more, where it pays for itself.
Above ``MAX_BYTES`` the load stays in one process: a huge file is never held by two processes
at once (the hostile files of tens of megabytes load as before).
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnox_tui.core.discovery import active_profiles, config_filenames, uses_discovery

if TYPE_CHECKING:
    from fnox_tui.core.loader import WorkspaceSource

MIN_BYTES = 256 * 1024
MAX_BYTES = 8 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
PIPE_BYTES = 1024 * 1024  # what Linux lets any process ask for (fs.pipe-max-size)
_HEADER = struct.Struct("<Q")  # the payload's length, before it


class ParsedAhead:
    """A child parsing the workspace's files; ``take`` gives its documents (or none)."""

    def __init__(self, pid: int, fd: int, timeout: float = TIMEOUT_SECONDS) -> None:
        self.pid = pid
        self.fd = fd
        self.timeout = timeout
        self.ended = False  # the child closed its end of the pipe: it has sent all it will
        self._reaper: threading.Thread | None = None

    def take(self) -> dict[str, Any]:
        """The documents by SHA-256, or an empty dict when the child could not give them."""
        try:
            payload = self._read()
        finally:
            self.close()
        if payload is None or len(payload) < _HEADER.size:
            return {}
        (length,) = _HEADER.unpack_from(payload)
        if length != len(payload) - _HEADER.size:
            return {}
        try:
            documents = marshal.loads(memoryview(payload)[_HEADER.size :])
        except (EOFError, ValueError, TypeError):
            return {}
        return documents if isinstance(documents, dict) else {}

    def _read(self) -> bytes | None:
        chunks: list[bytes] = []
        deadline = time.monotonic() + self.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.fd], [], [], remaining)[0]:
                return None
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:  # the child closes its end once it has sent all, then exits
                self.ended = True
                return b"".join(chunks)
            chunks.append(chunk)

    def close(self) -> None:
        """Stop waiting: the child is ended if it has not, and reaped. A child of this size
        takes milliseconds to go once it has closed its end, so it is reaped by a thread."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self._reaper is None:
            if not self.ended:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
            self._reaper = threading.Thread(
                target=self._reap, name="fnox-tui-parse-ahead-reaper", daemon=True
            )
            self._reaper.start()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)

    def wait_reaped(self, timeout: float | None = None) -> bool:
        """Whether the child has been reaped, after waiting up to ``timeout`` for it."""
        if self._reaper is None:
            return False
        self._reaper.join(timeout)
        return not self._reaper.is_alive()


def parse_ahead(
    source: WorkspaceSource, fork: Callable[[], int] | None = None
) -> ParsedAhead | None:
    """Start a child parsing ``source``'s files, or None when it would not pay (small files,
    a huge one, no fork on this system, a process already running threads)."""
    if fork is None:
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        fork = os.fork
    if not MIN_BYTES <= nearby_size(source) <= MAX_BYTES:
        return None
    read_end, write_end = os.pipe()
    with contextlib.suppress(AttributeError, OSError):  # Linux: fewer turns to pass it all
        fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)  # type: ignore[attr-defined]
    try:
        pid = fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: whatever happens, it ends here
        try:
            os.close(read_end)
            _send(write_end, _documents_of(source))
            os.close(write_end)  # the end of the answer now, not once this process is gone
        finally:
            os._exit(0)
    os.close(write_end)
    return ParsedAhead(pid, read_end)


def nearby_size(source: WorkspaceSource) -> int:
    """The bytes of the files the load reads first: ``-c``'s file, or the configuration files
    in the working directory (those of parent directories and imports are not counted)."""
    environ = os.environ if source.environ is None else source.environ
    if uses_discovery(source.config):
        names = config_filenames(active_profiles(list(source.profiles) or None, environ))
        paths = [source.cwd / name for name in names]
    else:
        assert source.config is not None
        paths = [source.cwd / Path(source.config)]
    total = 0
    for path in paths:
        with contextlib.suppress(OSError):
            total += os.stat(path).st_size
    return total


def _documents_of(source: WorkspaceSource) -> dict[str, Any]:
    documents: dict[str, Any] = {}
    # A file that does not parse or cannot be read is the main process's to report.
    with contextlib.suppress(Exception):
        source.load(parsed=documents)
    return documents


def _interned(value: Any) -> Any:
    if isinstance(value, dict):
        return {sys.intern(key): _interned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_interned(item) for item in value]
    return value


def _send(fd: int, documents: dict[str, Any]) -> None:
    # Keys interned: marshal writes each name once and the receiver makes it once (thousands of
    # secrets repeat "provider", "value", "description").
    documents = {sha256: _interned(document) for sha256, document in documents.items()}
    try:
        payload = marshal.dumps(documents)
    except ValueError:  # a value marshal cannot carry (a TOML date): send the others
        carried = {}
        for sha256, document in documents.items():
            with contextlib.suppress(ValueError):
                marshal.dumps(document)
                carried[sha256] = document
        payload = marshal.dumps(carried)
    view = memoryview(_HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]
