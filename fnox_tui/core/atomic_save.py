"""Write several files at once, all or nothing, and never over a file that changed meanwhile.

``save_atomically([FileWrite(path, loaded_sha256, new_text), ...])``:

1. Each file on disk must still hold exactly the text it was loaded with (its SHA-256), else
   ``FileChangedError`` names the changed and the deleted files and nothing is written.
2. Every new text goes to a temporary file in the target's directory (created with ``O_EXCL``
   and mode 0600, then given the original file's mode and, where allowed, its owner), written
   and fsynced.
3. The files are checked once more (their stat must not have moved), then ``before_rename``
   runs (the hook a rotation journal uses: it gets every temporary and target path and hash).
4. Each temporary file is renamed over its target, then each directory is fsynced.

A failure before step 4 removes the temporary files and leaves every file exactly as it was. A
rename that fails after others succeeded puts the renamed files back (their old text is known).
The texts hold what fnox stores (ciphertexts, references, ``plain`` values), never a plaintext
that fnox-tui decrypted: nothing decrypted ever reaches the disk through this module.

The low-level calls go through ``ops``, an object with the ``os`` functions used here (the
``os`` module itself by default), so tests can make any of them fail. A file this process may
not write (``access``, when ``ops`` has it, else ``os.access``) is refused as fnox refuses it,
although the rename would replace it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from fnox_tui.core.errors import FnoxTuiError

NEW_FILE_MODE = 0o644  # before the umask, as fnox (std::fs::write) creates a file


class OsOps(Protocol):
    """The subset of ``os`` the save uses."""

    def open(self, path: str, flags: int, mode: int = 0o777) -> int: ...
    def read(self, fd: int, length: int) -> bytes: ...
    def write(self, fd: int, data: bytes) -> int: ...
    def fsync(self, fd: int) -> None: ...
    def fchmod(self, fd: int, mode: int) -> None: ...
    def fchown(self, fd: int, uid: int, gid: int) -> None: ...
    def fstat(self, fd: int) -> os.stat_result: ...
    def close(self, fd: int) -> None: ...
    def replace(self, src: str, dst: str) -> None: ...
    def unlink(self, path: str) -> None: ...


def text_sha256(text: str) -> str:
    """The hash the workspace keeps for a loaded text: SHA-256 of its UTF-8 bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class FileWrite:
    """Write ``text`` to ``path``, which must still hold the text hashed ``expected_sha256``
    (None: the file must not exist yet, it is created)."""

    path: Path
    expected_sha256: str | None
    text: str

    def __repr__(self) -> str:  # the text stays out of logs
        return f"FileWrite({self.path}, expected={self.expected_sha256})"


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """A written and fsynced temporary file about to replace ``path``."""

    path: Path
    temp_path: Path
    old_sha256: str | None
    new_sha256: str


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The files written, with their new hashes, and what went wrong after the renames."""

    written: dict[Path, str]
    warnings: tuple[str, ...] = ()


class SaveError(FnoxTuiError):
    """The save failed. ``unchanged``: every file is exactly as it was before."""

    def __init__(self, message: str, path: Path | None = None, unchanged: bool = True) -> None:
        self.path = path
        self.unchanged = unchanged
        super().__init__(message)


class FileChangedError(SaveError):
    """Files changed or deleted on disk since they were loaded; nothing was written."""

    def __init__(self, changed: Sequence[Path], deleted: Sequence[Path] = ()) -> None:
        self.changed = tuple(changed)
        self.deleted = tuple(deleted)
        parts = []
        if self.changed:
            parts.append(f"{_names(self.changed)} changed on disk since it was loaded")
        if self.deleted:
            parts.append(f"{_names(self.deleted)} was deleted since it was loaded")
        first = (self.changed + self.deleted)[0]
        super().__init__(
            "; ".join(parts) + "; nothing was written. Reload to apply your changes again.", first
        )

    @property
    def paths(self) -> tuple[Path, ...]:
        return self.changed + self.deleted


def _names(paths: Sequence[Path]) -> str:
    return ", ".join(str(path) for path in paths)


_CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "read-only file system",
    errno.EIO: "input/output error",
    errno.ENOENT: "the directory no longer exists",
    errno.EFBIG: "file too large",
}


def describe_os_error(error: OSError) -> str:
    """``disk full``, ``permission denied``, ... (the error's own text for other errnos)."""
    if error.errno in _CAUSES:
        return _CAUSES[error.errno]
    return error.strerror or str(error)


@dataclass(slots=True)
class _Target:
    write: FileWrite
    path: Path  # the real file (symlinks followed)
    old_bytes: bytes | None
    old_stat: os.stat_result | None
    new_bytes: bytes
    temp: Path | None = None
    renamed: bool = False
    warnings: list[str] = field(default_factory=list)


def save_atomically(
    writes: Sequence[FileWrite],
    *,
    ops: OsOps | None = None,
    before_rename: Callable[[Sequence[PreparedFile]], None] | None = None,
) -> SaveResult:
    """Write every file of ``writes`` or none (see the module's documentation).

    Raises FileChangedError when a file is not as it was loaded, SaveError for any other
    failure (``unchanged`` says whether every file is still as it was).
    """
    os_ops: OsOps = ops if ops is not None else os  # type: ignore[assignment]
    paths = [write.path for write in writes]
    if len(set(paths)) != len(paths):
        raise ValueError("a file is named twice in one save")
    targets = [_check(os_ops, write) for write in writes]
    changed = [t.write.path for t in targets if _changed(t)]
    deleted = [t.write.path for t in targets if t.old_bytes is None and t.write.expected_sha256]
    if changed or deleted:
        raise FileChangedError([p for p in changed if p not in deleted], deleted)
    try:
        for target in targets:
            _write_temp(os_ops, target)
        states = {t.write.path: _recheck(os_ops, t) for t in targets}
        moved = [path for path, state in states.items() if state == "changed"]
        gone = [path for path, state in states.items() if state == "deleted"]
        if moved or gone:
            raise FileChangedError(moved, gone)
        if before_rename is not None:
            before_rename(
                [
                    PreparedFile(
                        t.write.path,
                        t.temp,  # type: ignore[arg-type]
                        t.write.expected_sha256,
                        hashlib.sha256(t.new_bytes).hexdigest(),
                    )
                    for t in targets
                ]
            )
    except BaseException:
        _remove_temps(os_ops, targets)
        raise
    _rename_all(os_ops, targets)
    warnings: list[str] = []
    for directory in dict.fromkeys(t.path.parent for t in targets):
        try:
            _fsync_dir(os_ops, directory)
        except OSError as error:
            cause = describe_os_error(error)
            warnings.append(f"{directory}: could not sync the directory ({cause})")
    return SaveResult(
        {t.write.path: hashlib.sha256(t.new_bytes).hexdigest() for t in targets}, tuple(warnings)
    )


def _check(ops: OsOps, write: FileWrite) -> _Target:
    path = Path(os.path.realpath(write.path))
    try:
        new_bytes = write.text.encode("utf-8")
    except UnicodeEncodeError:
        message = f"the new text of {write.path} is not valid Unicode; nothing was changed"
        raise SaveError(message, write.path) from None
    try:
        fd = ops.open(str(path), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return _Target(write, path, None, None, new_bytes)
    except OSError as error:
        raise SaveError(
            f"cannot read {write.path} ({describe_os_error(error)}); nothing was changed",
            write.path,
        ) from None
    try:
        st = ops.fstat(fd)
        chunks = []
        while True:
            chunk = ops.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError as error:
        raise SaveError(
            f"cannot read {write.path} ({describe_os_error(error)}); nothing was changed",
            write.path,
        ) from None
    finally:
        ops.close(fd)
    if not _writable(ops, path):
        # fnox (std::fs::write) refuses a file it may not write; a rename would not.
        raise SaveError(
            f"{write.path} is read-only (permission denied); nothing was changed", write.path
        )
    return _Target(write, path, b"".join(chunks), st, new_bytes)


def _writable(ops: OsOps, path: Path) -> bool:
    """Whether this process may write ``path`` (``ops.access`` when the ops have one)."""
    access = getattr(ops, "access", os.access)
    return bool(access(str(path), os.W_OK))


def _changed(target: _Target) -> bool:
    expected = target.write.expected_sha256
    if target.old_bytes is None:
        return False  # deleted (or new, as expected): reported separately
    if expected is None:
        return True  # a file we meant to create appeared meanwhile
    return hashlib.sha256(target.old_bytes).hexdigest() != expected


def _stat_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)


def _recheck(ops: OsOps, target: _Target) -> str:
    """``same``, ``changed`` or ``deleted``: the file now, against the content check."""
    try:
        fd = ops.open(str(target.path), os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return "deleted" if target.old_stat is not None else "same"
    try:
        st = ops.fstat(fd)
    finally:
        ops.close(fd)
    if target.old_stat is None or _stat_key(st) != _stat_key(target.old_stat):
        return "changed"
    return "same"


def _write_temp(ops: OsOps, target: _Target) -> None:
    shown = target.write.path
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = -1
    for _attempt in range(5):
        temp = target.path.parent / f".{target.path.name}.{secrets.token_hex(6)}.fnox-tui.tmp"
        try:
            fd = ops.open(str(temp), flags, 0o600)
        except FileExistsError:
            continue
        except OSError as error:
            message = _failure("creating a temporary file for", shown, error)
            raise SaveError(message, shown) from None
        target.temp = temp
        break
    else:  # pragma: no cover - five random names taken
        raise SaveError(f"cannot create a temporary file beside {shown}; nothing was changed")
    try:
        view = memoryview(target.new_bytes)
        while view:
            written = ops.write(fd, view)
            view = view[written:]
        mode = stat.S_IMODE(target.old_stat.st_mode) if target.old_stat else _new_file_mode()
        ops.fchmod(fd, mode)
        if target.old_stat is not None:
            # Only root may give a file away; the mode is what matters.
            with contextlib.suppress(OSError):
                ops.fchown(fd, target.old_stat.st_uid, target.old_stat.st_gid)
        try:
            ops.fsync(fd)
        except OSError as error:
            raise SaveError(_failure("syncing", shown, error), shown) from None
    except OSError as error:
        raise SaveError(_failure("writing", shown, error), shown) from None
    finally:
        with contextlib.suppress(OSError):
            ops.close(fd)


def _failure(action: str, path: Path, error: OSError) -> str:
    return f"{describe_os_error(error)} while {action} {path}; nothing was changed"


def _new_file_mode() -> int:
    return NEW_FILE_MODE & ~_umask()


def _umask() -> int:
    """The process umask, read without setting it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def _remove_temps(ops: OsOps, targets: Sequence[_Target]) -> None:
    for target in targets:
        if target.temp is not None and not target.renamed:
            with contextlib.suppress(OSError):
                ops.unlink(str(target.temp))
            target.temp = None


def _rename_all(ops: OsOps, targets: list[_Target]) -> None:
    for target in targets:
        try:
            ops.replace(str(target.temp), str(target.path))
        except OSError as error:
            _remove_temps(ops, targets)
            done = [t for t in targets if t.renamed]
            restored = _restore(ops, done)
            shown = target.write.path
            cause = describe_os_error(error)
            if not done:
                raise SaveError(
                    f"{cause} while renaming into {shown}; nothing was changed", shown
                ) from None
            if restored:
                raise SaveError(
                    f"{cause} while renaming into {shown}; the files already written were "
                    "put back, nothing was changed",
                    shown,
                ) from None
            raise SaveError(
                f"{cause} while renaming into {shown}; {_names([t.write.path for t in done])} "
                "could not be put back and now hold the new text",
                shown,
                unchanged=False,
            ) from None
        target.renamed = True


def _restore(ops: OsOps, done: list[_Target]) -> bool:
    """Put the old bytes back into files already renamed over; True when all were."""
    ok = True
    for target in done:
        if target.old_bytes is None:
            try:
                ops.unlink(str(target.path))
            except OSError:
                ok = False
            continue
        back = _Target(target.write, target.path, None, target.old_stat, target.old_bytes)
        try:
            _write_temp(ops, back)
            ops.replace(str(back.temp), str(back.path))
        except (OSError, SaveError):
            _remove_temps(ops, [back])
            ok = False
    return ok


def _fsync_dir(ops: OsOps, directory: Path) -> None:
    fd = ops.open(str(directory), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            ops.fsync(fd)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
                raise
    finally:
        ops.close(fd)
