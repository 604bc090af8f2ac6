"""Changes staged in memory until they are saved: ciphertexts only, in the order made.

The change classes (add, update, delete a secret; update a provider) and their folding into
one operation per entry are :mod:`fnox_tui.core.changes`; this is where the UI keeps them, in
undoable steps. A change never touches the loaded data: the files' text and the workspace stay
as they were read until a save writes the files and they are loaded again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fnox_tui.core.identity import EntryId
from fnox_tui.core.record import FrozenRecord

if TYPE_CHECKING:
    # Imported when something is first staged: the change classes are not on the way to the
    # first paint.
    from fnox_tui.core.changes import Change, ChangeSet, Mark, NetChange
    from fnox_tui.core.save_verify import ExpectedValue

__all__ = ["Staging", "Step"]


def _empty() -> ChangeSet:
    from fnox_tui.core.changes import ChangeSet

    return ChangeSet()


class Step(FrozenRecord):
    """What one action staged: undone together.

    ``expected``: for the values the user entered, what each must decrypt to after the save
    (a keyed digest, never the plaintext; see :mod:`fnox_tui.core.save_verify`).
    """

    __slots__ = ("changes", "description", "expected")
    _fields = ("changes", "description", "expected")

    def __init__(
        self,
        changes: tuple[Change, ...],
        description: str = "",
        expected: tuple[ExpectedValue, ...] = (),
    ) -> None:
        self.changes = changes
        self.description = description
        self.expected = expected


class Staging:
    """Staged changes in steps: what one action staged together is undone together.

    A step holds one change (an edit) or several (a copy to two files, a key rotation's
    re-encrypted values); :meth:`undo` takes back the last step whole. A step that contradicts
    what is staged (editing a deleted entry, adding one twice) is refused whole with
    :class:`~fnox_tui.core.changes.StagingError`.
    """

    def __init__(self) -> None:
        self._steps: list[Step] = []
        self._changeset: ChangeSet | None = None  # made when first needed

    def stage(
        self,
        changes: Iterable[Change],
        description: str = "",
        expected: Iterable[ExpectedValue] = (),
    ) -> Step | None:
        """Add one step; None when ``changes`` is empty. Raises StagingError (nothing staged)."""
        step = Step(tuple(changes), description, tuple(expected))
        if not step.changes:
            return None
        changeset = self.changeset
        for change in step.changes:
            changeset = changeset.stage(change)
        self._steps.append(step)
        self._changeset = changeset
        return step

    def undo(self) -> Step | None:
        """Take back the last step; None when nothing is staged."""
        if not self._steps:
            return None
        step = self._steps.pop()
        from fnox_tui.core.changes import ChangeSet

        self._changeset = ChangeSet(self.changeset.changes[: -len(step.changes)])
        return step

    def drop_steps(self, steps: Collection[Step]) -> int:
        """Remove these steps (saved ones), keeping any staged after them; returns how many
        steps went."""
        kept = [step for step in self._steps if not any(step is done for done in steps)]
        return self._replace(kept)

    def drop_entries(self, entries: Collection[EntryId]) -> int:
        """Remove every change to ``entries`` (conflicts dropped on a reload); a step left
        empty goes too. Returns how many changes went."""
        before = len(self.changeset)
        kept = []
        for step in self._steps:
            changes = tuple(change for change in step.changes if change.id not in entries)
            if changes:
                expected = tuple(item for item in step.expected if item.entry not in entries)
                kept.append(Step(changes, step.description, expected))
        self._replace(kept)
        return before - len(self.changeset)

    def _replace(self, steps: list[Step]) -> int:
        """Keep exactly ``steps`` (which stage together, being a subset in order of what was
        staged, or with whole entries taken out); returns how many steps went."""
        changeset = _empty()
        for step in steps:
            for change in step.changes:
                changeset = changeset.stage(change)
        gone = len(self._steps) - len(steps)
        self._steps, self._changeset = steps, changeset
        return gone

    def clear(self) -> int:
        """Drop every staged change (discarded, or saved); returns how many entries changed."""
        count = len(self)
        self._steps.clear()
        self._changeset = None
        return count

    @property
    def changeset(self) -> ChangeSet:
        """Every staged change, oldest first (what the review and the save work from)."""
        if self._changeset is None:
            self._changeset = _empty()
        return self._changeset

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(self._steps)

    def net(self) -> dict[EntryId, NetChange]:
        """The one operation per entry that a save applies."""
        return self.changeset.net() if self._steps else {}

    def marks(self) -> dict[EntryId, Mark]:
        """``new``/``changed``/``deleted`` per entry, for the tree."""
        return self.changeset.marks() if self._steps else {}

    def counts(self) -> dict[Mark, int]:
        return self.changeset.counts()

    def of_entry(self, entry: EntryId) -> list[Change]:
        """The staged changes of one entry, oldest first."""
        return [change for change in self if change.id == entry]

    def files(self) -> tuple[Path, ...]:
        return self.changeset.files()

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changeset) if self._steps else iter(())

    def __len__(self) -> int:
        """How many entries a save would change (the status line's count)."""
        return len(self.net())

    def __bool__(self) -> bool:
        return bool(self._steps)
