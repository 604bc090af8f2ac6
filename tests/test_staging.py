"""The staging container: steps, undo, counts; the loaded data is never touched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fnox_tui.core.entries import secret_entry
from fnox_tui.core.identity import EntryId
from fnox_tui.core.staging import Staging

PATH = Path("/p/fnox.toml")


@dataclass(frozen=True)
class FakeChange:
    id: EntryId
    ciphertext: str


def change(name: str, value: str = "c") -> FakeChange:
    return FakeChange(secret_entry(PATH, None, name), value)


def test_steps_undo_whole_and_in_reverse_order() -> None:
    staging: Staging[FakeChange] = Staging()
    assert not staging and len(staging) == 0 and staging.undo() is None
    staging.stage([change("A")], "edit A")
    staging.stage([change("B"), change("C")], "copy")
    assert len(staging) == 3 and staging
    assert [c.id.name for c in staging] == ["A", "B", "C"]
    step = staging.undo()
    assert step is not None and step.description == "copy" and len(step.changes) == 2
    assert [c.id.name for c in staging.changes] == ["A"]
    assert staging.stage([]) is None and len(staging.steps) == 1  # nothing: no step


def test_changes_of_one_entry_and_clear() -> None:
    staging: Staging[FakeChange] = Staging()
    staging.stage([change("A", "one")])
    staging.stage([change("B")])
    staging.stage([change("A", "two")])
    a = secret_entry(PATH, None, "A")
    assert [c.ciphertext for c in staging.of_entry(a)] == ["one", "two"]
    assert staging.entries() == {a, secret_entry(PATH, None, "B")}
    assert staging.clear() == 3 and not staging
