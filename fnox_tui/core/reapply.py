"""After a file changed on disk: which staged changes still apply to the reloaded files.

A save refuses to overwrite a file that is no longer the text it was loaded from. The user can
then reload the files and apply the staged changes again, except those that conflict: a change
whose entry changed or vanished on disk (or, for a new entry, whose name was added on disk
meanwhile) is dropped and named, and the others are planned again against the new texts.

Entries are compared as TOML values (``tomllib``), not as text: reformatting a file or editing
another entry is no conflict.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnox_tui.core.changes import ChangeSet
from fnox_tui.core.identity import EntryId

_MISSING: Any = object()


@dataclass(frozen=True, slots=True)
class Conflict:
    """A staged change to ``entry`` that cannot be applied to the file as it is now."""

    entry: EntryId
    reason: str

    def __str__(self) -> str:
        return f"{self.entry.name} in [{self.entry.dotted_table}] of {self.entry.path.name}: " + (
            self.reason
        )


@dataclass(frozen=True, slots=True)
class Reapplied:
    """The staged changes that still apply, and the conflicts that were dropped."""

    kept: ChangeSet
    conflicts: tuple[Conflict, ...]

    @property
    def dropped(self) -> frozenset[EntryId]:
        return frozenset(conflict.entry for conflict in self.conflicts)


class _Parsed:
    """Each text parsed once (None: not valid TOML)."""

    def __init__(self, texts: Mapping[Path, str]) -> None:
        self.texts = texts
        self._data: dict[Path, dict[str, Any] | None] = {}

    def has(self, path: Path) -> bool:
        return path in self.texts

    def data(self, path: Path) -> dict[str, Any] | None:
        if path not in self._data:
            try:
                self._data[path] = tomllib.loads(self.texts[path])
            except tomllib.TOMLDecodeError:
                self._data[path] = None
        return self._data[path]

    def entry(self, entry: EntryId) -> Any:
        """The entry's TOML value, or _MISSING."""
        node: Any = self.data(entry.path)
        for key in entry.key_path:
            if not isinstance(node, dict) or key not in node:
                return _MISSING
            node = node[key]
        return node


def find_conflicts(
    changes: ChangeSet, before: Mapping[Path, str], after: Mapping[Path, str]
) -> tuple[Conflict, ...]:
    """The staged entries that conflict with the files as they are now.

    ``before``: the texts the changes were staged against (a path that is absent was a new
    file). ``after``: the texts as reloaded (absent: the file is gone, or no longer loaded).
    """
    old, new = _Parsed(before), _Parsed(after)
    conflicts: list[Conflict] = []
    for entry, net in changes.net().items():
        path = entry.path
        existed = old.has(path)
        if existed and not new.has(path):
            conflicts.append(Conflict(entry, "the file was deleted or is no longer loaded"))
            continue
        if not new.has(path):
            continue  # a new file, still absent: it will be created
        if new.data(path) is None:
            conflicts.append(Conflict(entry, "the file is no longer valid TOML"))
            continue
        now = new.entry(entry)
        was = old.entry(entry) if existed else _MISSING
        if net.op == "add":
            if now is not _MISSING:
                conflicts.append(Conflict(entry, "an entry of that name was added on disk"))
        elif now is _MISSING:
            conflicts.append(Conflict(entry, "the entry was removed on disk"))
        elif now != was:
            conflicts.append(Conflict(entry, "the entry was changed on disk"))
    return tuple(conflicts)


def without_entries(changes: ChangeSet, entries: Iterable[EntryId]) -> ChangeSet:
    """``changes`` without any change to ``entries`` (their order kept)."""
    dropped = set(entries)
    return ChangeSet(tuple(change for change in changes if change.id not in dropped))


def reapply(changes: ChangeSet, before: Mapping[Path, str], after: Mapping[Path, str]) -> Reapplied:
    """The changes that still apply to ``after``, and the conflicts left out."""
    conflicts = find_conflicts(changes, before, after)
    return Reapplied(without_entries(changes, (c.entry for c in conflicts)), conflicts)
