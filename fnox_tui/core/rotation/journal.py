"""The rotation journal: lets an interrupted rotation continue, be rolled back, or finish its
commit, after a crash, a closed terminal or a lost network.

One JSON file, ``.fnox-tui-rotation.json`` (mode 0600), in the directory of the file that
defines the rotated provider. It holds the provider's EntryId, the target (new key id and ARN,
or the new recipients' public keys), the SHA-256 of every involved file's text as the plan read
it, and each finished row's old and new ciphertext. Never a plaintext. Every write is atomic
(temporary file, fsync, rename).

Phases:

- ``rotating``: values are being re-encrypted; no file was touched. The next start offers to
  continue (rows done whose file is unchanged are skipped: :meth:`Journal.reusable`) or to
  roll back (:meth:`Journal.discard`: the files were never changed).
- ``committing``: the commit step wrote and fsynced every temporary file and recorded
  ``(target, temp, old hash, new hash[, backup])`` for each (:meth:`Journal.mark_committing`,
  its pre-rename hook) before renaming. ``recovery.recover`` then finishes the renames when
  every remaining temporary file is intact (new state) or removes the temporary files (old
  state), never leaving a mix.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.journal_files import JOURNAL_NAME as JOURNAL_NAME  # re-exported
from fnox_tui.core.journal_files import find_journal as find_journal
from fnox_tui.core.journal_files import journal_path
from fnox_tui.core.journal_files import workspace_directories as workspace_directories
from fnox_tui.core.rotation.plan import PlanRow, RotationPlan, Route, RowKey, Slot
from fnox_tui.core.rotation.results import RowResult, RowStatus
from fnox_tui.core.rotation.targets import Target, target_from_json

FORMAT = "fnox-tui-rotation"
VERSION = 1
WRITE_INTERVAL_SECONDS = 0.5


class JournalError(FnoxTuiError):
    """A journal that cannot be read or written; the message says which and why."""


class Phase(enum.StrEnum):
    ROTATING = "rotating"
    COMMITTING = "committing"


@dataclass(frozen=True, slots=True)
class CommitRecord:
    """One file of the commit: ``temp`` holds the new text (SHA-256 ``new_hash``) that
    replaces ``target`` (``old_hash`` as the plan read it). ``backup``, when the commit keeps
    one (e.g. a hard link to the old file), lets recovery restore a file already renamed."""

    target: Path
    temp: Path
    old_hash: str
    new_hash: str
    backup: Path | None = None


@dataclass(frozen=True, slots=True)
class JournalRow:
    key: RowKey
    old: str
    new: str
    route: Route
    verified: bool
    note: str = ""


def journal_directory(plan: RotationPlan) -> Path:
    """Where a plan's journal lives: beside the file that defines the provider."""
    return plan.provider.path.parent


def file_sha256(path: Path) -> str | None:
    """SHA-256 (hex) of a file's bytes, None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass(slots=True)
class Journal:
    path: Path
    provider: EntryId
    provider_type: str
    target: Target
    files: dict[Path, str]
    rows: dict[RowKey, JournalRow] = field(default_factory=dict)
    phase: Phase = Phase.ROTATING
    commit: list[CommitRecord] = field(default_factory=list)
    created: str = ""
    clock: Callable[[], float] = time.monotonic
    interval: float = WRITE_INTERVAL_SECONDS
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _dirty: bool = False
    _written_at: float | None = None

    @classmethod
    def start(
        cls,
        plan: RotationPlan,
        target: Target,
        directory: Path | None = None,
        *,
        replace: bool = False,
        clock: Callable[[], float] = time.monotonic,
        interval: float = WRITE_INTERVAL_SECONDS,
    ) -> Journal:
        """A new journal for ``plan``, written at once. Raises JournalError when one exists
        (the caller offers to continue or discard it first) unless ``replace``."""
        path = journal_path(directory or journal_directory(plan))
        if path.exists():
            if not replace:
                raise JournalError(
                    f"An unfinished rotation is recorded in {path}: continue it or discard it "
                    "first."
                )
            if Journal.load(path).phase is Phase.COMMITTING:
                raise JournalError(
                    f"{path} records a commit that was interrupted: recover it first."
                )
        journal = cls(
            path=path,
            provider=plan.provider,
            provider_type=plan.provider_type,
            target=target,
            files=dict(plan.files),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            clock=clock,
            interval=interval,
        )
        journal.flush(force=True)
        return journal

    @classmethod
    def load(cls, path: Path, *, clock: Callable[[], float] = time.monotonic) -> Journal:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise JournalError(
                f"Cannot read the rotation journal {path}: {error.strerror}."
            ) from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise JournalError(f"The rotation journal {path} is not valid JSON.") from None
        try:
            return _from_json(path, data, clock)
        except (KeyError, TypeError, ValueError):
            raise JournalError(
                f"The rotation journal {path} is not one fnox-tui {VERSION} can read."
            ) from None

    # Progress ----------------------------------------------------------------------------

    def record(self, row: PlanRow, result: RowResult) -> None:
        """Keep a finished row; written at most every ``interval`` seconds (and on flush)."""
        if result.status is not RowStatus.DONE or result.new_ciphertext is None:
            return
        entry = JournalRow(
            row.key,
            row.ciphertext,
            result.new_ciphertext,
            result.route or Route.DECRYPT_ENCRYPT,
            result.verified,
            result.note,
        )
        with self._lock:
            self.rows[row.key] = entry
            self._dirty = True
            due = self._written_at is None or self.clock() - self._written_at >= self.interval
            if due:
                self._write_locked()

    def flush(self, force: bool = False) -> None:
        with self._lock:
            if self._dirty or force:
                self._write_locked()

    def reusable(self, plan: RotationPlan) -> dict[RowKey, RowResult]:
        """Rows done in an earlier run that still hold: same provider, the row's file and
        the provider's file unchanged since the journal started, same old ciphertext."""
        if plan.provider != self.provider or plan.provider_type != self.provider_type:
            return {}
        provider_file = plan.provider.path
        if plan.files.get(provider_file) != self.files.get(provider_file):
            return {}
        reused: dict[RowKey, RowResult] = {}
        for row in plan.rows:
            done = self.rows.get(row.key)
            if done is None or done.old != row.ciphertext:
                continue
            if plan.files.get(row.file) != self.files.get(row.file):
                continue
            reused[row.key] = RowResult(
                row.key,
                RowStatus.DONE,
                route=done.route,
                new_ciphertext=done.new,
                verified=done.verified,
                note=done.note,
            )
        return reused

    # Commit ------------------------------------------------------------------------------

    def mark_committing(self, records: Sequence[CommitRecord]) -> None:
        """The commit's pre-rename hook: every temp file is written and fsynced; record them
        (durably) before the first rename."""
        with self._lock:
            self.phase = Phase.COMMITTING
            self.commit = list(records)
            self._write_locked()

    def unmark_committing(self) -> None:
        """The commit failed before it changed any file (its temporary files are gone): back
        to the rotating phase, so that the commit can be tried again or the rotation dropped."""
        with self._lock:
            self.phase = Phase.ROTATING
            self.commit = []
            self._write_locked()

    def discard(self) -> None:
        """Forget the rotation (after a commit, or to roll back before one)."""
        with self._lock:
            self._dirty = False
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            fsync_directory(self.path.parent)

    # Writing -----------------------------------------------------------------------------

    def _write_locked(self) -> None:
        data = json.dumps(self.to_json(), indent=1).encode("utf-8")
        write_atomic(self.path, data)
        self._dirty = False
        self._written_at = self.clock()

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "note": "fnox-tui rotation journal: ciphertexts and file hashes only.",
            "phase": self.phase.value,
            "created": self.created,
            "provider": _entry_json(self.provider),
            "provider_type": self.provider_type,
            "target": self.target.to_json(),
            "files": {str(path): digest for path, digest in self.files.items()},
            "rows": [
                {
                    **_entry_json(row.key.entry),
                    "slot": row.key.slot.value,
                    "old": row.old,
                    "new": row.new,
                    "route": row.route.value,
                    "verified": row.verified,
                    "note": row.note,
                }
                for row in self.rows.values()
            ],
            "commit": [
                {
                    "target": str(record.target),
                    "temp": str(record.temp),
                    "old_hash": record.old_hash,
                    "new_hash": record.new_hash,
                    "backup": str(record.backup) if record.backup else None,
                }
                for record in self.commit
            ],
        }


def _entry_json(entry: EntryId) -> dict[str, Any]:
    return {"path": str(entry.path), "table": list(entry.table), "name": entry.name}


def _entry(data: dict[str, Any]) -> EntryId:
    table = data["table"]
    if not isinstance(table, list) or not all(isinstance(part, str) for part in table):
        raise ValueError("table")
    return EntryId(Path(str(data["path"])), tuple(table), str(data["name"]))


def _from_json(path: Path, data: Any, clock: Callable[[], float]) -> Journal:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValueError("format")
    rows = {}
    for item in data["rows"]:
        key = RowKey(_entry(item), Slot(item["slot"]))
        rows[key] = JournalRow(
            key,
            str(item["old"]),
            str(item["new"]),
            Route(item["route"]),
            bool(item["verified"]),
            str(item.get("note", "")),
        )
    commit = [
        CommitRecord(
            Path(item["target"]),
            Path(item["temp"]),
            str(item["old_hash"]),
            str(item["new_hash"]),
            Path(item["backup"]) if item.get("backup") else None,
        )
        for item in data["commit"]
    ]
    journal = Journal(
        path=path,
        provider=_entry(data["provider"]),
        provider_type=str(data["provider_type"]),
        target=target_from_json(data["target"]),
        files={Path(name): str(digest) for name, digest in data["files"].items()},
        rows=rows,
        phase=Phase(data["phase"]),
        commit=commit,
        created=str(data.get("created", "")),
        clock=clock,
    )
    journal._written_at = clock()
    return journal


def discard_journal(path: Path) -> None:
    """Delete a journal found on start (rolling back a rotation that committed nothing)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fsync_directory(path.parent)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` through a fsynced temporary file and a rename."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_directory(path.parent)


def fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
