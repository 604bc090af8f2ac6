"""The questions around a save: quitting with staged changes, a file changed on disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fnox_tui.ui.screens.confirm import Choice, ConfirmScreen

SAVE, DISCARD, STAY = "save", "discard", "stay"
REAPPLY, CANCEL = "reapply", "cancel"


def quit_dialog(staged: int, saving: bool = False) -> ConfirmScreen:
    """``q`` with staged changes: save (review, write, then quit), discard and quit, or stay."""
    lines = [
        (
            "1 staged change is not saved. It lives only in memory and is lost when fnox-tui ends."
            if staged == 1
            else f"{staged} staged changes are not saved. They live only in memory and are lost "
            "when fnox-tui ends."
        ),
    ]
    if saving:
        lines.append(
            "A save is still running: quitting now may cut it short (the files are then as "
            "they were before it)."
        )
    return ConfirmScreen(
        "Quit with unsaved changes?",
        lines,
        [
            Choice(SAVE, "Save", "primary", key="s"),
            Choice(DISCARD, "Discard", "error", key="d"),
            Choice(STAY, "Stay", key="n"),
        ],
        cancel=STAY,
        dialog_id="quit-dialog",
    )


def conflict_dialog(
    changed: Sequence[Path], deleted: Sequence[Path], shown: dict[Path, str] | None = None
) -> ConfirmScreen:
    """A file is no longer what was loaded: reload and re-apply what does not conflict, or
    cancel (the changes stay staged)."""
    names = shown or {}
    lines = ["Nothing was written: a file changed since it was loaded."]
    lines += [f"  changed on disk: {names.get(path, str(path))}" for path in changed]
    lines += [f"  deleted: {names.get(path, str(path))}" for path in deleted]
    lines.append(
        "Reload to read the files again and re-apply your staged changes; a change whose "
        "entry was changed or removed on disk is dropped and listed."
    )
    return ConfirmScreen(
        "Files changed on disk",
        lines,
        [
            Choice(REAPPLY, "Reload and re-apply", "primary", key="r"),
            Choice(CANCEL, "Cancel", key="c"),
        ],
        cancel=CANCEL,
        dialog_id="conflict-dialog",
    )
