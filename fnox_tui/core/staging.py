"""Changes staged in memory until they are saved: ciphertexts only, in the order made.

The change classes themselves (add, edit, delete, copy) live in ``fnox_tui.core.changes``;
this container needs nothing of them but :class:`StagedChange`. A change never touches the
loaded data: the files' text and the workspace stay as they were read until a save writes
the files and they are loaded again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from fnox_tui.core.identity import EntryId


class StagedChange(Protocol):
    """What staging needs of a change: ``id``, the entry it creates, changes or deletes
    (as ``fnox_tui.core.changes``' AddSecret, UpdateSecret, DeleteSecret, UpdateProvider)."""

    @property
    def id(self) -> EntryId: ...


C = TypeVar("C", bound=StagedChange)


@dataclass(frozen=True, slots=True)
class Step(Generic[C]):
    """What one action staged: undone together."""

    changes: tuple[C, ...]
    description: str = ""


class Staging(Generic[C]):
    """Staged changes in steps: what one action staged together is undone together.

    A step holds one change (an edit) or several (a copy to two files, a key rotation's
    re-encrypted values); :meth:`undo` takes back the last step whole.
    """

    def __init__(self) -> None:
        self._steps: list[Step[C]] = []

    def stage(self, changes: Iterable[C], description: str = "") -> Step[C] | None:
        """Add one step; None when ``changes`` is empty (nothing was staged)."""
        step = Step(tuple(changes), description)
        if not step.changes:
            return None
        self._steps.append(step)
        return step

    def undo(self) -> Step[C] | None:
        """Take back the last step; None when nothing is staged."""
        return self._steps.pop() if self._steps else None

    def clear(self) -> int:
        """Drop every staged change (discarded, or saved); returns how many there were."""
        count = len(self)
        self._steps.clear()
        return count

    @property
    def steps(self) -> tuple[Step[C], ...]:
        return tuple(self._steps)

    @property
    def changes(self) -> list[C]:
        """Every staged change, oldest first."""
        return list(self)

    def of_entry(self, entry: EntryId) -> list[C]:
        """The staged changes of one entry, oldest first."""
        return [change for change in self if change.id == entry]

    def entries(self) -> set[EntryId]:
        return {change.id for change in self}

    def __iter__(self) -> Iterator[C]:
        for step in self._steps:
            yield from step.changes

    def __len__(self) -> int:
        return sum(len(step.changes) for step in self._steps)

    def __bool__(self) -> bool:
        return bool(self._steps)
