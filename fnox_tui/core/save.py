"""From staged changes to files on disk: edit each file's loaded text, review, write atomically.

    plan = plan_save(changes, loaded)        # loaded: {path: text as loaded}
    for file in plan.files: review_file(file.path, file.old_text, file.new_text)
    save_plan(plan)                          # FileChangedError / SaveError: nothing written

A file the changes name that was not loaded (a new ``fnox.local.toml``) starts empty and must
not exist when it is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fnox_tui.core.atomic_save import (
    FileWrite,
    OsOps,
    PreparedFile,
    SaveResult,
    save_atomically,
    text_sha256,
)
from fnox_tui.core.changes import ChangeSet
from fnox_tui.core.review import FileReview, review_file
from fnox_tui.core.tomledit import apply_changes


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: Path
    old_text: str
    new_text: str
    old_sha256: str | None  # None: a new file
    full_parse: bool = False

    def __repr__(self) -> str:
        return f"PlannedFile({self.path}, created={self.old_sha256 is None})"

    def review(self, **options: object) -> FileReview:
        return review_file(self.path, self.old_text, self.new_text, **options)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class SavePlan:
    files: tuple[PlannedFile, ...]

    def writes(self) -> list[FileWrite]:
        return [FileWrite(f.path, f.old_sha256, f.new_text) for f in self.files]


def plan_save(changes: ChangeSet, loaded: Mapping[Path, str]) -> SavePlan:
    """Each touched file's new text. Raises EditError when a change does not fit its file."""
    files: list[PlannedFile] = []
    for path, file_changes in changes.by_file().items():
        old_text = loaded.get(path)
        result = apply_changes(old_text or "", file_changes)
        if old_text is not None and result.text == old_text:
            continue
        files.append(
            PlannedFile(
                path,
                old_text or "",
                result.text,
                text_sha256(old_text) if old_text is not None else None,
                result.full_parse,
            )
        )
    return SavePlan(tuple(files))


def save_plan(
    plan: SavePlan,
    *,
    ops: OsOps | None = None,
    before_rename: Callable[[Sequence[PreparedFile]], None] | None = None,
) -> SaveResult:
    return save_atomically(plan.writes(), ops=ops, before_rename=before_rename)
