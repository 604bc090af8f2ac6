"""Recovering an interrupted commit on start, from the journal's commit phase.

The commit step writes and fsyncs every temporary file, records them with
``Journal.mark_committing`` and only then renames. :func:`recover` finishes the renames when
every file not yet renamed has its intact temporary file (the new state), or removes the
temporary files, restoring backups of files already renamed (the old state). It never leaves a
mix: when neither state can be reached it touches nothing and says why.
"""

from __future__ import annotations

import contextlib
import enum
import os
from dataclasses import dataclass
from pathlib import Path

from fnox_tui.core.rotation.journal import (
    CommitRecord,
    Journal,
    JournalError,
    Phase,
    file_sha256,
    fsync_directory,
)
from fnox_tui.core.wording import plural


class RecoveryOutcome(enum.StrEnum):
    RESUMABLE = "resumable"  # interrupted before the commit: no file changed; continue or discard
    COMPLETED = "completed"  # the commit was finished: every file is in the new state
    ROLLED_BACK = "rolled-back"  # the commit was undone: every file is in the old state
    NEEDS_ATTENTION = "needs-attention"  # nothing was touched; the message says what is wrong


@dataclass(frozen=True, slots=True)
class Recovery:
    outcome: RecoveryOutcome
    message: str
    files: tuple[Path, ...] = ()
    journal: Journal | None = None


def recover(path: Path) -> Recovery:
    """What to do with the journal at ``path`` on start, done where it is safe.

    In the commit phase: finish the renames if every file not yet renamed has its intact
    temporary file; else, if no file was renamed yet (or every renamed one has an intact
    backup), remove the temporary files (restoring backups): the old state. The journal is
    deleted once the files are in one state. Anything else is left untouched and explained.
    """
    try:
        journal = Journal.load(path)
    except JournalError as error:
        return Recovery(RecoveryOutcome.NEEDS_ATTENTION, str(error))
    if journal.phase is Phase.ROTATING:
        done = len(journal.rows)
        return Recovery(
            RecoveryOutcome.RESUMABLE,
            f"A rotation of provider {journal.provider.name} was interrupted before anything "
            f"was written ({plural(done, 'value')} re-encrypted so far): continue it, or "
            "discard it (the files were not changed).",
            tuple(journal.files),
            journal,
        )
    return _recover_commit(journal)


@dataclass(slots=True)
class _FileState:
    record: CommitRecord
    target: str | None
    temp_intact: bool

    @property
    def is_new(self) -> bool:
        return self.target == self.record.new_hash

    @property
    def is_old(self) -> bool:
        return self.target == self.record.old_hash

    @property
    def backup_intact(self) -> bool:
        backup = self.record.backup
        return backup is not None and file_sha256(backup) == self.record.old_hash


def _recover_commit(journal: Journal) -> Recovery:
    states = [
        _FileState(record, file_sha256(record.target), file_sha256(record.temp) == record.new_hash)
        for record in journal.commit
    ]
    targets = tuple(state.record.target for state in states)
    if all(state.is_new or (state.is_old and state.temp_intact) for state in states):
        for state in states:
            if not state.is_new:
                os.replace(state.record.temp, state.record.target)
                fsync_directory(state.record.target.parent)
        _cleanup(states)
        journal.discard()
        return Recovery(
            RecoveryOutcome.COMPLETED,
            f"The interrupted commit of the rotation of provider {journal.provider.name} was "
            f"completed: {plural(len(states), 'file')} now "
            f"{'holds' if len(states) == 1 else 'hold'} the new values.",
            targets,
        )
    renamed = [state for state in states if state.is_new]
    if all(state.backup_intact for state in renamed):
        for state in renamed:
            assert state.record.backup is not None
            os.replace(state.record.backup, state.record.target)
            fsync_directory(state.record.target.parent)
        _cleanup(states)
        journal.discard()
        changed = [state.record.target for state in states if not (state.is_old or state.is_new)]
        extra = (
            " Changed since, and left as they are: " + ", ".join(map(str, changed)) + "."
            if changed
            else ""
        )
        return Recovery(
            RecoveryOutcome.ROLLED_BACK,
            f"The interrupted commit of the rotation of provider {journal.provider.name} could "
            "not be completed (a temporary file is missing or damaged), so it was undone: the "
            f"files hold the old values.{extra}",
            targets,
        )
    lines = [
        f"{state.record.target}: "
        + ("new" if state.is_new else "old" if state.is_old else "changed since")
        for state in states
    ]
    return Recovery(
        RecoveryOutcome.NEEDS_ATTENTION,
        "The interrupted commit can be neither completed nor undone safely: some files hold "
        "the new values, and the temporary or backup files needed for the others are missing "
        f"or changed. Nothing was touched; the journal {journal.path} is kept. " + "; ".join(lines),
        targets,
        journal,
    )


def _cleanup(states: list[_FileState]) -> None:
    for state in states:
        for leftover in (state.record.temp, state.record.backup):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
