"""Staged changes: immutable records of what the user asked to write, ciphertext only.

A change never holds plaintext: the value of a secret is staged as the ciphertext (or, for a
remote provider, the reference name) that will be written into the file. For the ``plain``
provider the value is what fnox stores in the file, as-is. ``repr`` shows field names only, so
a staged change never puts a value into a log or a traceback.

``ChangeSet`` is an immutable list of changes in the order they were staged: ``stage`` and
``undo`` return new sets. ``net()`` folds the changes of each entry into the one operation the
editor applies (an add then an edit is an add of the edited fields; a delete then an add is a
replacement in place; an add then a delete is nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal, TypeAlias, Union

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId

FieldValue: TypeAlias = Union[str, int, bool, tuple["FieldValue", ...], Mapping[str, "FieldValue"]]  # noqa: UP007 - recursive alias
Fields: TypeAlias = Mapping[str, FieldValue]


class StagingError(FnoxTuiError):
    """A change that contradicts what is already staged (editing a deleted entry, ...)."""


def freeze_value(value: object) -> FieldValue:
    """An immutable copy of a field value: lists become tuples, tables read-only mappings."""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a field value must be valid Unicode text") from None
        return value
    if isinstance(value, list | tuple):
        return tuple(freeze_value(item) for item in value)
    if isinstance(value, Mapping):
        return freeze_fields(value)
    raise TypeError(f"unsupported field value type {type(value).__name__}")


def freeze_fields(fields: Mapping[str, object]) -> Fields:
    frozen: dict[str, FieldValue] = {}
    for name, value in fields.items():
        if not isinstance(name, str):
            raise TypeError("field names must be strings")
        frozen[name] = freeze_value(value)
    return MappingProxyType(frozen)


def thaw_value(value: FieldValue) -> object:
    """The plain Python value (lists and dicts), as ``tomllib`` would read it back."""
    if isinstance(value, tuple):
        return [thaw_value(item) for item in value]
    if isinstance(value, Mapping):
        return {name: thaw_value(item) for name, item in value.items()}
    return value


def thaw_fields(fields: Fields) -> dict[str, object]:
    return {name: thaw_value(value) for name, value in fields.items()}


def _names(fields: Fields) -> str:
    return ", ".join(fields) or "-"


def _check_update(entry: EntryId, set_: Fields, remove: tuple[str, ...]) -> None:
    both = set(set_).intersection(remove)
    if both:
        raise ValueError(f"{entry}: fields both set and removed: {', '.join(sorted(both))}")
    if len(set(remove)) != len(remove):
        raise ValueError(f"{entry}: a removed field is named twice")


def _require_secret(entry: EntryId) -> None:
    if not entry.is_secret:
        raise ValueError(f"{entry} is not a secret")


@dataclass(frozen=True, slots=True, repr=False)
class AddSecret:
    """A new secret entry written as ``NAME = { ... }`` at the end of its table."""

    id: EntryId
    fields: Fields

    def __post_init__(self) -> None:
        _require_secret(self.id)
        object.__setattr__(self, "fields", freeze_fields(self.fields))

    def __repr__(self) -> str:
        return f"AddSecret({self.id}, fields: {_names(self.fields)})"


@dataclass(frozen=True, slots=True, repr=False)
class UpdateSecret:
    """Set some fields of an existing secret entry and remove others; the rest stay."""

    id: EntryId
    set: Fields = field(default_factory=dict)
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require_secret(self.id)
        object.__setattr__(self, "set", freeze_fields(self.set))
        object.__setattr__(self, "remove", tuple(self.remove))
        _check_update(self.id, self.set, self.remove)

    def __repr__(self) -> str:
        return f"UpdateSecret({self.id}, set: {_names(self.set)}, remove: {_names(self.remove)})"


@dataclass(frozen=True, slots=True, repr=False)
class DeleteSecret:
    """Remove a secret entry (and the comment lines directly above it)."""

    id: EntryId

    def __post_init__(self) -> None:
        _require_secret(self.id)

    def __repr__(self) -> str:
        return f"DeleteSecret({self.id})"


@dataclass(frozen=True, slots=True, repr=False)
class UpdateProvider:
    """Set or remove fields of a provider definition (rotation: ``key_id``, ``recipients``)."""

    id: EntryId
    set: Fields = field(default_factory=dict)
    remove: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.id.is_secret:
            raise ValueError(f"{self.id} is not a provider")
        object.__setattr__(self, "set", freeze_fields(self.set))
        object.__setattr__(self, "remove", tuple(self.remove))
        _check_update(self.id, self.set, self.remove)

    def __repr__(self) -> str:
        return f"UpdateProvider({self.id}, set: {_names(self.set)}, remove: {_names(self.remove)})"


Change: TypeAlias = AddSecret | UpdateSecret | DeleteSecret | UpdateProvider
NetOp = Literal["add", "update", "replace", "delete"]


@dataclass(frozen=True, slots=True, repr=False)
class NetChange:
    """What the editor does to one entry once every staged change to it is folded.

    ``add``: write a new entry with ``fields``. ``update``: set ``fields`` and remove ``remove``
    in place. ``replace``: the entry keeps its place and gets exactly ``fields``. ``delete``.
    """

    id: EntryId
    op: NetOp
    fields: Fields = field(default_factory=dict)
    remove: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"NetChange({self.op} {self.id}, fields: {_names(self.fields)})"


def _merged(fields: Fields, set_: Fields, remove: Iterable[str]) -> Fields:
    removed = set(remove)
    result = {name: value for name, value in fields.items() if name not in removed}
    result.update(set_)
    return MappingProxyType(result)


def fold(net: NetChange | None, change: Change) -> NetChange | None:
    """``net`` followed by ``change``; raises StagingError when they contradict each other."""
    entry = change.id
    if isinstance(change, AddSecret):
        if net is None:
            return NetChange(entry, "add", change.fields)
        if net.op == "delete":
            return NetChange(entry, "replace", change.fields)
        raise StagingError(f"{entry.name} is already staged in [{entry.dotted_table}]")
    if isinstance(change, DeleteSecret):
        if net is None or net.op in ("update", "replace"):
            return NetChange(entry, "delete")
        if net.op == "add":
            return None
        raise StagingError(f"{entry.name} is already staged for deletion")
    # UpdateSecret / UpdateProvider
    if net is None:
        return NetChange(entry, "update", change.set, change.remove)
    if net.op == "delete":
        raise StagingError(f"{entry.name} is staged for deletion; it cannot be edited")
    if net.op in ("add", "replace"):
        return NetChange(entry, net.op, _merged(net.fields, change.set, change.remove))
    removed = [name for name in net.remove if name not in change.set]
    removed += [name for name in change.remove if name not in removed]
    return NetChange(
        entry, "update", _merged(net.fields, change.set, change.remove), tuple(removed)
    )


def net_changes(changes: Iterable[Change]) -> dict[EntryId, NetChange]:
    """The net operation per entry, in the order each entry was first staged."""
    result: dict[EntryId, NetChange | None] = {}
    for change in changes:
        result[change.id] = fold(result.get(change.id), change)
    return {entry: net for entry, net in result.items() if net is not None}


Mark = Literal["new", "changed", "deleted"]
_MARKS: dict[NetOp, Mark] = {
    "add": "new",
    "update": "changed",
    "replace": "changed",
    "delete": "deleted",
}


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The staged changes, oldest first. Immutable: ``stage``/``undo`` return new sets."""

    changes: tuple[Change, ...] = ()

    def stage(self, change: Change) -> ChangeSet:
        """This set plus ``change``; StagingError if it contradicts a staged change."""
        fold(self.net().get(change.id), change)
        return ChangeSet((*self.changes, change))

    def undo(self) -> ChangeSet:
        """This set without its last change (unchanged when empty)."""
        return ChangeSet(self.changes[:-1])

    @property
    def last(self) -> Change | None:
        return self.changes[-1] if self.changes else None

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def files(self) -> tuple[Path, ...]:
        """The files the changes touch, in the order they were first staged."""
        return tuple(dict.fromkeys(change.id.path for change in self.changes))

    def by_file(self) -> dict[Path, tuple[Change, ...]]:
        grouped: dict[Path, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.id.path, []).append(change)
        return {path: tuple(changes) for path, changes in grouped.items()}

    def for_file(self, path: Path) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.id.path == path)

    def without_files(self, paths: Iterable[Path]) -> ChangeSet:
        """The changes that touch none of ``paths`` (e.g. keep those a conflict spares)."""
        excluded = set(paths)
        return ChangeSet(tuple(c for c in self.changes if c.id.path not in excluded))

    def net(self) -> dict[EntryId, NetChange]:
        return net_changes(self.changes)

    def marks(self) -> dict[EntryId, Mark]:
        """``new``/``changed``/``deleted`` per entry that has a net change, for the tree."""
        return {entry: _MARKS[net.op] for entry, net in self.net().items()}

    def counts(self) -> dict[Mark, int]:
        result: dict[Mark, int] = {"new": 0, "changed": 0, "deleted": 0}
        for mark in self.marks().values():
            result[mark] += 1
        return result
