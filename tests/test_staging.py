"""The staging container: undoable steps of fnox_tui.core.changes; loaded data untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnox_tui.core.changes import AddSecret, DeleteSecret, StagingError, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.staging import Staging

PATH = Path("/p/fnox.toml")
LOCAL = Path("/p/fnox.local.toml")


def entry(name: str, path: Path = PATH) -> EntryId:
    return EntryId.secret(path, name)


def test_steps_undo_whole_and_in_reverse_order() -> None:
    staging = Staging()
    assert not staging and len(staging) == 0 and staging.undo() is None
    staging.stage([UpdateSecret(entry("A"), {"value": "c2hvcnQ="})], "edit A")
    staging.stage(
        [AddSecret(entry("B"), {"provider": "kms", "value": "x"}), DeleteSecret(entry("C"))],
        "two at once",
    )
    assert len(staging) == 3 and staging.counts() == {"new": 1, "changed": 1, "deleted": 1}
    assert staging.marks()[entry("C")] == "deleted"
    step = staging.undo()
    assert step is not None and step.description == "two at once" and len(step.changes) == 2
    assert [c.id.name for c in staging] == ["A"] and len(staging.changeset) == 1
    assert staging.stage([]) is None and len(staging.steps) == 1  # nothing: no step


def test_a_contradicting_step_is_refused_whole() -> None:
    staging = Staging()
    staging.stage([DeleteSecret(entry("A"))])
    with pytest.raises(StagingError):
        staging.stage([UpdateSecret(entry("B"), {"value": "b"}), UpdateSecret(entry("A"))])
    assert [c.id.name for c in staging] == ["A"] and len(staging.steps) == 1


def test_changes_of_one_entry_files_and_clear() -> None:
    staging = Staging()
    staging.stage([UpdateSecret(entry("A"), {"value": "one"})])
    staging.stage([UpdateSecret(entry("A", LOCAL), {"value": "shadowed"})])  # another entry
    staging.stage([UpdateSecret(entry("A"), {"value": "two"})])
    assert [c.set["value"] for c in staging.of_entry(entry("A"))] == ["one", "two"]  # type: ignore[union-attr]
    assert staging.files() == (PATH, LOCAL)
    assert len(staging) == 2  # two entries change
    assert staging.net()[entry("A")].fields["value"] == "two"
    assert staging.clear() == 2 and not staging and not staging.changeset
