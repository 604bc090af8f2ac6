"""The rule that a rotation writes only when no edit is staged (core.rotation.staged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, ChangeSet, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.rotation.staged import (
    StagedChangesError,
    StagedEdits,
    check_no_staged,
    staged_blocker,
)

ROOT = Path("/project")
MAIN = ROOT / "fnox.toml"
LOCAL = ROOT / "fnox.local.toml"


def test_nothing_staged_nothing_in_the_way() -> None:
    assert staged_blocker(StagedEdits.of(ChangeSet()), [MAIN], ROOT) is None
    check_no_staged(StagedEdits(), [MAIN], ROOT)


def test_an_edit_in_a_rewritten_file_is_named_with_its_file() -> None:
    changes = ChangeSet().stage(UpdateSecret(EntryId.secret(MAIN, "A"), {"value": "x"}))
    edits = StagedEdits.of(changes)
    assert edits == StagedEdits(1, (MAIN,), False) and edits.blocking
    reason = staged_blocker(edits, [MAIN, LOCAL], ROOT)
    assert reason is not None
    assert reason.startswith("1 staged change is not saved in fnox.toml, which the rotation")
    with pytest.raises(StagedChangesError, match="save them"):
        check_no_staged(edits, [MAIN], ROOT)


def test_an_edit_in_another_file_blocks_too() -> None:
    """A value staged for the rotated provider in a file without rows yet was encrypted under
    the old key: saved after the rotation, fnox could not read it."""
    other = ROOT / "fnox.prod.toml"
    changes = (
        ChangeSet()
        .stage(AddSecret(EntryId.secret(other, "NEW"), {"provider": "kms", "value": "ct"}))
        .stage(UpdateSecret(EntryId.secret(other, "B"), {"value": "y"}))
    )
    reason = staged_blocker(StagedEdits.of(changes), [MAIN], ROOT)
    assert reason is not None and reason.startswith("2 staged changes are not saved (in ")
    assert "fnox.prod.toml" in reason and "rewrites" not in reason


def test_a_save_in_progress_blocks() -> None:
    reason = staged_blocker(StagedEdits(saving=True), [MAIN], ROOT)
    assert reason is not None and "being saved right now" in reason
