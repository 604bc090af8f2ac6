"""atomic_save: all files or none, never over a file that changed, faults simulated through ops."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from fnox_tui.core.atomic_save import (
    FileChangedError,
    FileWrite,
    PreparedFile,
    SaveError,
    save_atomically,
    text_sha256,
)

OLD = '[secrets]\nA = { provider = "kms", value = "AQICold" }\n'
NEW = '[secrets]\nA = { provider = "kms", value = "AQICnew" }\n'


class FaultyOs:
    """The real ``os`` calls, except that chosen ones fail with an errno, for chosen files.

    ``fail("write", errno.ENOSPC, path=p)`` makes writes to the temporary file of ``p`` fail.
    """

    def __init__(self) -> None:
        self.paths: dict[int, str] = {}  # fd -> the path it was opened with
        self.faults: list[tuple[str, int, Callable[[str], bool]]] = []
        self.calls: list[tuple[str, str]] = []
        self.on_write: Callable[[str], None] | None = None

    def fail(self, call: str, code: int, path: Path | None = None, temp: bool = True) -> None:
        def matches(target: str) -> bool:
            if path is None:
                return True
            if temp:
                name = Path(target).name
                return name.startswith(f".{path.name}.") and name.endswith(".tmp")
            return target == str(path)

        self.faults.append((call, code, matches))

    def _check(self, call: str, target: str) -> None:
        self.calls.append((call, target))
        for name, code, matches in self.faults:
            if name == call and matches(target):
                raise OSError(code, os.strerror(code), target)

    def open(self, path: str, flags: int, mode: int = 0o777) -> int:
        self._check("open", path)
        fd = os.open(path, flags, mode)
        self.paths[fd] = path
        return fd

    def read(self, fd: int, length: int) -> bytes:
        return os.read(fd, length)

    def write(self, fd: int, data: bytes) -> int:
        self._check("write", self.paths[fd])
        if self.on_write is not None:
            self.on_write(self.paths[fd])
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        self._check("fsync", self.paths[fd])
        os.fsync(fd)

    def fchmod(self, fd: int, mode: int) -> None:
        os.fchmod(fd, mode)

    def fchown(self, fd: int, uid: int, gid: int) -> None:
        os.fchown(fd, uid, gid)

    def fstat(self, fd: int) -> os.stat_result:
        return os.fstat(fd)

    def close(self, fd: int) -> None:
        self.paths.pop(fd, None)
        os.close(fd)

    def replace(self, src: str, dst: str) -> None:
        self._check("replace", dst)
        os.replace(src, dst)

    def unlink(self, path: str) -> None:
        os.unlink(path)


def project(tmp_path: Path, *names: str, text: str = OLD) -> list[Path]:
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_bytes(text.encode())
        paths.append(path)
    return paths


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def write(path: Path, old: str = OLD, new: str = NEW) -> FileWrite:
    return FileWrite(path, text_sha256(old), new)


# --- the normal path ------------------------------------------------------------------------


def test_writes_every_file_and_reports_the_new_hashes(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    result = save_atomically([write(first), write(second)])
    assert first.read_text() == NEW and second.read_text() == NEW
    assert result.written == {first: text_sha256(NEW), second: text_sha256(NEW)}
    assert result.warnings == ()
    assert leftovers(tmp_path) == []


def test_mode_and_owner_are_kept(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    path.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(path, 1234, 2345)
    save_atomically([write(path)])
    st = path.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640
    if os.geteuid() == 0:
        assert (st.st_uid, st.st_gid) == (1234, 2345)


def test_bytes_are_written_as_given_crlf_and_bom_included(tmp_path: Path) -> None:
    old = "\ufeff" + OLD.replace("\n", "\r\n")
    new = "\ufeff" + NEW.replace("\n", "\r\n")
    (path,) = project(tmp_path, "fnox.toml", text=old)
    save_atomically([FileWrite(path, text_sha256(old), new)])
    assert path.read_bytes() == new.encode("utf-8")


def test_a_new_file_is_created_with_the_umask_mode(tmp_path: Path) -> None:
    path = tmp_path / "fnox.local.toml"
    previous = os.umask(0o027)
    try:
        save_atomically([FileWrite(path, None, NEW)])
    finally:
        os.umask(previous)
    assert path.read_text() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_symlinked_file_is_written_through_the_link(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "fnox.toml"
    real.parent.mkdir()
    real.write_text(OLD)
    link = tmp_path / "fnox.toml"
    link.symlink_to(real)
    save_atomically([write(link)])
    assert link.is_symlink() and real.read_text() == NEW


def test_the_journal_hook_runs_before_any_rename(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    seen: list[PreparedFile] = []

    def journal(prepared: list[PreparedFile]) -> None:
        seen.extend(prepared)
        for item in prepared:
            assert item.temp_path.read_text() == NEW  # written and complete
            assert item.path.read_text() == OLD  # not renamed yet

    save_atomically([write(first), write(second)], before_rename=journal)
    assert [(p.path, p.old_sha256, p.new_sha256) for p in seen] == [
        (first, text_sha256(OLD), text_sha256(NEW)),
        (second, text_sha256(OLD), text_sha256(NEW)),
    ]


def test_a_failing_journal_hook_writes_nothing(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")

    def journal(prepared: list[PreparedFile]) -> None:
        raise OSError(errno.ENOSPC, "no space for the journal")

    with pytest.raises(OSError):
        save_atomically([write(path)], before_rename=journal)
    assert path.read_text() == OLD and leftovers(tmp_path) == []


# --- the file changed meanwhile ------------------------------------------------------------


def test_a_file_changed_on_disk_is_never_overwritten(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    second.write_text(OLD + "# edited in another editor\n")
    with pytest.raises(FileChangedError) as caught:
        save_atomically([write(first), write(second)])
    assert caught.value.changed == (second,) and caught.value.deleted == ()
    assert str(second) in str(caught.value) and "nothing was written" in str(caught.value)
    assert first.read_text() == OLD
    assert second.read_text() == OLD + "# edited in another editor\n"
    assert leftovers(tmp_path) == []


def test_a_file_deleted_meanwhile_is_reported(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    second.unlink()
    with pytest.raises(FileChangedError) as caught:
        save_atomically([write(first), write(second)])
    assert caught.value.deleted == (second,)
    assert "was deleted" in str(caught.value)
    assert first.read_text() == OLD and not second.exists()


def test_a_file_that_appeared_where_a_new_one_was_meant_is_not_overwritten(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.local.toml", text="# someone else's\n")
    with pytest.raises(FileChangedError):
        save_atomically([FileWrite(path, None, NEW)])
    assert path.read_text() == "# someone else's\n"


def test_a_deletion_during_the_write_stops_before_the_renames(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    ops = FaultyOs()
    ops.on_write = lambda target: second.unlink(missing_ok=True)
    with pytest.raises(FileChangedError) as caught:
        save_atomically([write(first), write(second)], ops=ops)
    assert caught.value.deleted == (second,) and caught.value.changed == ()
    assert first.read_text() == OLD and not second.exists()
    assert leftovers(tmp_path) == []


def test_a_change_during_the_write_stops_before_the_renames(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    ops = FaultyOs()

    def concurrent_editor(target: str) -> None:
        path.write_text(OLD + "# saved by an editor meanwhile\n")

    ops.on_write = concurrent_editor
    with pytest.raises(FileChangedError):
        save_atomically([write(path)], ops=ops)
    assert path.read_text() == OLD + "# saved by an editor meanwhile\n"
    assert leftovers(tmp_path) == []


# --- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "code", "message"),
    [
        ("write", errno.ENOSPC, "disk full while writing {path}; nothing was changed"),
        ("fsync", errno.ENOSPC, "disk full while syncing {path}; nothing was changed"),
        ("write", errno.EDQUOT, "disk quota exceeded while writing {path}"),
        ("fsync", errno.EIO, "input/output error while syncing {path}"),
        (
            "open",
            errno.EACCES,
            "permission denied while creating a temporary file for {path}; nothing was changed",
        ),
        ("open", errno.EROFS, "read-only file system while creating a temporary file for {path}"),
    ],
)
def test_faults_leave_every_file_as_it_was(
    tmp_path: Path, call: str, code: int, message: str
) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    ops = FaultyOs()
    ops.fail(call, code, second)
    with pytest.raises(SaveError) as caught:
        save_atomically([write(first), write(second)], ops=ops)
    assert message.format(path=second) in str(caught.value)
    assert caught.value.path == second and caught.value.unchanged
    assert first.read_text() == OLD and second.read_text() == OLD
    assert leftovers(tmp_path) == []
    assert not any(call == "replace" for call, _ in ops.calls)


def test_failure_on_the_second_temp_write_leaves_both_files_and_no_temp(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.prod.toml")
    ops = FaultyOs()
    ops.fail("write", errno.ENOSPC, second)
    with pytest.raises(SaveError, match="disk full"):
        save_atomically([write(first), write(second)], ops=ops)
    # The first temporary file was complete before the second failed: it is gone too.
    assert any(call == "fsync" and ".fnox.toml." in target for call, target in ops.calls)
    assert first.read_bytes() == OLD.encode() and second.read_bytes() == OLD.encode()
    assert leftovers(tmp_path) == []


def test_an_unreadable_file_is_refused_before_writing(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    ops = FaultyOs()
    ops.fail("open", errno.EACCES, path, temp=False)
    with pytest.raises(SaveError, match=f"cannot read {path} \\(permission denied\\)"):
        save_atomically([write(path)], ops=ops)
    assert path.read_text() == OLD


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only directory")
def test_a_read_only_directory_for_real(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(SaveError, match="permission denied"):
            save_atomically([write(path)])
    finally:
        tmp_path.chmod(0o755)
    assert path.read_text() == OLD


def test_a_failed_second_rename_puts_the_first_file_back(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    ops = FaultyOs()
    ops.fail("replace", errno.EIO, second, temp=False)
    with pytest.raises(SaveError) as caught:
        save_atomically([write(first), write(second)], ops=ops)
    assert caught.value.unchanged and "put back" in str(caught.value)
    assert first.read_text() == OLD and second.read_text() == OLD
    assert leftovers(tmp_path) == []


def test_a_failed_rename_that_cannot_be_undone_says_so(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    ops = FaultyOs()
    ops.fail("replace", errno.EIO, second, temp=False)
    ops.fail("replace", errno.EIO, first, temp=False)
    real_replace = ops.replace
    renamed: list[str] = []

    def replace_once(src: str, dst: str) -> None:
        if dst == str(first) and not renamed:
            renamed.append(dst)
            os.replace(src, dst)
            return
        real_replace(src, dst)

    ops.replace = replace_once  # type: ignore[method-assign]
    with pytest.raises(SaveError) as caught:
        save_atomically([write(first), write(second)], ops=ops)
    assert not caught.value.unchanged
    assert f"{first} could not be put back" in str(caught.value)
    assert second.read_text() == OLD
    assert leftovers(tmp_path) == []


def test_a_directory_that_cannot_be_synced_is_a_warning(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    ops = FaultyOs()
    ops.fail("fsync", errno.EIO, tmp_path, temp=False)
    result = save_atomically([write(path)], ops=ops)
    assert path.read_text() == NEW
    assert result.warnings == (f"{tmp_path}: could not sync the directory (input/output error)",)


def test_a_text_that_is_not_unicode_is_refused_before_writing(tmp_path: Path) -> None:
    first, second = project(tmp_path, "fnox.toml", "fnox.local.toml")
    with pytest.raises(SaveError, match="not valid Unicode; nothing was changed"):
        save_atomically([write(first), write(second, new="\ud800")])
    assert first.read_text() == OLD and leftovers(tmp_path) == []


def test_the_same_file_twice_is_refused(tmp_path: Path) -> None:
    (path,) = project(tmp_path, "fnox.toml")
    with pytest.raises(ValueError, match="twice"):
        save_atomically([write(path), write(path)])


def test_a_write_shows_no_text_in_its_repr(tmp_path: Path) -> None:
    assert "AQICnew" not in repr(write(tmp_path / "fnox.toml"))
