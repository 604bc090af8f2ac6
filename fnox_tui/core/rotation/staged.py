"""A rotation and the edits staged in the app: the rotation writes only when nothing is staged.

Staged edits live in memory (:mod:`fnox_tui.core.staging`), made against the files as they
were loaded; a rotation rewrites those files and the provider's key. Writing a rotation while
edits are staged could lose or spoil them: a staged edit of a value the rotation re-encrypts
conflicts with the rotated file and is dropped when the files are loaded again; and a value
staged for the rotated provider was encrypted under the old key (or to the old recipients),
so once saved after the rotation ``fnox`` could no longer read it. Both go unnoticed.

So the walkthrough shows and plans while edits are staged, and may run a dry run, but it
neither starts re-encrypting for real nor writes until every staged edit is saved (and the
files are read again) or discarded. A save in progress counts as staged: it is writing the
same files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fnox_tui.core.changes import ChangeSet
from fnox_tui.core.errors import FnoxTuiError


class StagedChangesError(FnoxTuiError):
    """A rotation would write while edits are staged; the message says what to do."""


@dataclass(frozen=True, slots=True)
class StagedEdits:
    """What the app holds that is not saved: how many entries change, in which files, and
    whether a save of them is being written right now."""

    entries: int = 0
    files: tuple[Path, ...] = ()
    saving: bool = False

    @classmethod
    def of(cls, changes: ChangeSet, *, saving: bool = False) -> StagedEdits:
        return cls(len(changes.net()), changes.files(), saving)

    @property
    def blocking(self) -> bool:
        return self.saving or self.entries > 0


def _names(paths: Iterable[Path], cwd: Path | None) -> str:
    shown = []
    for path in paths:
        try:
            shown.append(str(path.relative_to(cwd)) if cwd is not None else path.name)
        except ValueError:
            shown.append(str(path))
    return ", ".join(shown)


def staged_blocker(
    edits: StagedEdits, involved: Iterable[Path] = (), cwd: Path | None = None
) -> str | None:
    """Why the rotation may not write now (None: it may). ``involved`` are the files the
    rotation writes; the sentence names those among them that edits are staged in."""
    if edits.saving:
        return (
            "Staged changes are being saved right now: the rotation writes nothing until the "
            "save is done. Leave (esc) and rotate again afterwards."
        )
    if edits.entries <= 0:
        return None
    noun = "change is" if edits.entries == 1 else "changes are"
    rewritten = set(involved)
    shared = [path for path in edits.files if path in rewritten]
    where = (
        f" in {_names(shared, cwd)}, which the rotation rewrites"
        if shared
        else f" (in {_names(edits.files, cwd)})"
        if edits.files
        else ""
    )
    return (
        f"{edits.entries} staged {noun} not saved{where}. A rotation writes nothing while "
        "edits are staged: leave (esc), save them (ctrl+s) or undo them (u), then rotate "
        "again. A dry run works meanwhile."
    )


def check_no_staged(
    edits: StagedEdits, involved: Iterable[Path] = (), cwd: Path | None = None
) -> None:
    """Raise StagedChangesError when the rotation may not write now."""
    reason = staged_blocker(edits, involved, cwd)
    if reason is not None:
        raise StagedChangesError(reason)
