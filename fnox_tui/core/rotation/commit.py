"""The commit step: a rotation's output written in one atomic save across every file involved.

    prepared = prepare_commit(output)      # reads the files; FileChangedError if one moved
    result = commit(prepared, journal)     # temporary files, journal "committing", renames

``prepare_commit`` turns :class:`RotationOutput` into one :class:`ChangeSet` (the provider's
``key_id`` or ``recipients``, and every new ciphertext: a secret's ``value``, the ``value``
inside its ``sync = { ... }``, the ``value`` inside an age provider's ``identity = { ... }``)
and plans the save over the files as they are on disk now. A file whose text differs from what
the rotation planned from is refused: nothing is written.

``commit`` writes and fsyncs every temporary file (``core.atomic_save``), then, before the
first rename, records each (target, temporary file, old hash, new hash, backup) in the journal
(:meth:`Journal.mark_committing`) and keeps a hard link to each old file as its backup; only
then are the temporary files renamed. Once every rename is done the backups go and the journal
is deleted. A crash anywhere in between leaves a journal that ``recovery.recover`` finishes
(every temporary file intact: the new state) or undoes (the backups: the old state). A failure
before the renames leaves every file as it was and the journal back in its rotating phase.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnox_tui.core.atomic_save import (
    FileChangedError,
    OsOps,
    PreparedFile,
    SaveError,
    SaveResult,
    text_sha256,
)
from fnox_tui.core.changes import ChangeSet, UpdateProvider, UpdateSecret
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.rotation.journal import CommitRecord, Journal, Phase
from fnox_tui.core.rotation.plan import Slot
from fnox_tui.core.rotation.recovery import recover
from fnox_tui.core.rotation.results import RotationOutput
from fnox_tui.core.save import SavePlan, plan_save, save_plan

BACKUP_SUFFIX = ".fnox-tui.bak"


class CommitError(FnoxTuiError):
    """The commit cannot be prepared or did not complete; the message says what holds now."""


@dataclass(frozen=True, slots=True)
class PreparedCommit:
    """What the commit will write: the changes, and each changed file's new text."""

    output: RotationOutput
    changes: ChangeSet
    plan: SavePlan

    @property
    def files(self) -> tuple[Path, ...]:
        """The files that change, in the order they are written."""
        return tuple(planned.path for planned in self.plan.files)

    def values_in(self, path: Path) -> int:
        """How many new ciphertexts go into ``path``."""
        return sum(len(slots) for entry, slots in self.output.values.items() if entry.path == path)

    def __repr__(self) -> str:
        return f"PreparedCommit({len(self.plan.files)} file(s))"


def read_texts(paths: Sequence[Path]) -> tuple[dict[Path, str], list[Path]]:
    """Each file's text as it is on disk now, and the files that are gone."""
    texts: dict[Path, str] = {}
    missing: list[Path] = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            missing.append(path)
            continue
        except OSError as error:
            raise CommitError(
                f"Cannot read {path} ({error.strerror or error}); nothing was written."
            ) from None
        try:
            texts[path] = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CommitError(f"{path} is no longer UTF-8 text; nothing was written.") from None
    return texts, missing


def prepare_commit(output: RotationOutput) -> PreparedCommit:
    """Check that every involved file still holds the text the rotation planned from and plan
    the save. Raises FileChangedError (nothing written) or CommitError / EditError."""
    paths = list(dict.fromkeys([output.provider.path, *(e.path for e in output.values)]))
    unplanned = [path for path in paths if path not in output.files]
    if unplanned:
        raise CommitError(
            f"{unplanned[0]} was not part of the rotation's plan; nothing was written."
        )
    texts, missing = read_texts(list(output.files))
    changed = [path for path, text in texts.items() if text_sha256(text) != output.files[path]]
    if changed or missing:
        raise FileChangedError(changed, missing)
    changes = build_changes(output, texts)
    return PreparedCommit(output, changes, plan_save(changes, texts))


def build_changes(output: RotationOutput, texts: Mapping[Path, str]) -> ChangeSet:
    """The provider's new fields and every new ciphertext, as one ChangeSet."""
    changes = ChangeSet().stage(UpdateProvider(output.provider, set=output.provider_fields))
    parsed: dict[Path, dict[str, Any]] = {}

    def current(entry: EntryId, field: str) -> dict[str, Any]:
        data = parsed.get(entry.path)
        if data is None:
            data = parsed[entry.path] = tomllib.loads(texts[entry.path].removeprefix("\ufeff"))
        table: Any = data
        for part in (*entry.key_path, field):
            table = table.get(part) if isinstance(table, dict) else None
        if not isinstance(table, dict):
            raise CommitError(
                f"{entry}: {field} is no longer a table in the file; nothing was written."
            )
        return dict(table)

    for entry, slots in output.values.items():
        fields: dict[str, Any] = {}
        for slot, ciphertext in slots.items():
            if slot is Slot.VALUE:
                fields["value"] = ciphertext
            else:
                field = slot.value.split(".", 1)[0]  # "sync" or "identity"
                fields[field] = {**current(entry, field), "value": ciphertext}
        if entry.is_secret:
            changes = changes.stage(UpdateSecret(entry, set=fields))
        else:
            changes = changes.stage(UpdateProvider(entry, set=fields))
    return changes


def backup_path(target: Path) -> Path:
    return target.parent / f".{target.name}.{secrets.token_hex(6)}{BACKUP_SUFFIX}"


def commit(
    prepared: PreparedCommit,
    journal: Journal,
    *,
    ops: OsOps | None = None,
    on_committing: Callable[[], None] | None = None,
) -> SaveResult:
    """Write the prepared commit atomically (see the module's documentation).

    ``on_committing`` runs once the journal records the commit, just before the renames (tests
    end the process there). Raises FileChangedError / SaveError when nothing was written, and
    CommitError when a failure during the renames left files that recovery had to deal with
    (its outcome is in the message).
    """
    records: list[CommitRecord] = []

    def before_rename(files: Sequence[PreparedFile]) -> None:
        for prepared_file in files:
            target = Path(os.path.realpath(prepared_file.path))
            records.append(
                CommitRecord(
                    target=target,
                    temp=prepared_file.temp_path,
                    old_hash=prepared_file.old_sha256 or "",
                    new_hash=prepared_file.new_sha256,
                    backup=backup_path(target),
                )
            )
        journal.mark_committing(records)
        for record in records:
            assert record.backup is not None
            with contextlib.suppress(OSError):  # no backup: recovery completes instead
                os.link(record.target, record.backup)
        if on_committing is not None:
            on_committing()

    try:
        result = save_plan(prepared.plan, ops=ops, before_rename=before_rename)
    except SaveError as error:
        if journal.phase is not Phase.COMMITTING:
            raise  # refused or failed before the journal recorded anything: nothing changed
        if error.unchanged:
            _remove_backups(records)
            journal.unmark_committing()
            raise
        # Some files hold the new text and could not be put back: recovery decides now.
        outcome = recover(journal.path)
        raise CommitError(f"{error}. {outcome.message}") from None
    except BaseException:
        if journal.phase is Phase.COMMITTING:
            _remove_backups(records)
            journal.unmark_committing()
        raise
    _remove_backups(records)
    journal.discard()
    return result


def _remove_backups(records: Sequence[CommitRecord]) -> None:
    for record in records:
        if record.backup is not None:
            with contextlib.suppress(OSError):
                record.backup.unlink()


__all__ = [
    "CommitError",
    "FileChangedError",
    "PreparedCommit",
    "build_changes",
    "commit",
    "prepare_commit",
]
