"""The changes the forms stage: field dictionaries in, AddSecret/UpdateSecret out.

The forms work on a secret's fields as a plain dictionary (what the file holds, with what is
already staged for it applied), change the ones the user edited, and turn the result into one
change: the difference for an existing entry, the whole entry for a new one.
"""

from __future__ import annotations

from collections.abc import Mapping

from fnox_tui.core.changes import ChangeSet, UpdateSecret, thaw_fields
from fnox_tui.core.identity import EntryId

# Fields a copy or an override does not carry over: the value and its provider are written
# anew, and a ``sync`` cache holds a copy of the old value.
NOT_CARRIED = ("provider", "value", "sync")


class StagedForDeletion(Exception):
    """The entry is staged for deletion: it cannot be edited until that is undone."""


def staged_fields(
    staged: ChangeSet, entry: EntryId, fields: Mapping[str, object]
) -> dict[str, object]:
    """``fields`` (as loaded) with what is staged for ``entry`` applied.

    Raises StagedForDeletion when the entry is staged for deletion.
    """
    net = staged.net().get(entry)
    if net is None:
        return dict(fields)
    if net.op == "delete":
        raise StagedForDeletion(entry.name)
    if net.op in ("add", "replace"):
        return thaw_fields(net.fields)
    result = {name: value for name, value in fields.items() if name not in net.remove}
    result.update(thaw_fields(net.fields))
    return result


def is_staged(staged: ChangeSet, entry: EntryId, field: str) -> bool:
    """Whether a staged change sets or removes ``field`` of ``entry``."""
    net = staged.net().get(entry)
    return net is not None and (field in net.fields or field in net.remove)


def update_for(
    entry: EntryId, old: Mapping[str, object], new: Mapping[str, object]
) -> UpdateSecret | None:
    """The update that turns ``old`` into ``new``; None when they are the same."""
    changed = {name: value for name, value in new.items() if old.get(name) != value}
    removed = tuple(name for name in old if name not in new)
    if not changed and not removed:
        return None
    return UpdateSecret(entry, changed, removed)


def new_entry_fields(
    provider: str | None, value: str | None, rest: Mapping[str, object] | None = None
) -> dict[str, object]:
    """A new entry's fields as fnox writes them: ``provider`` and ``value`` first, then the
    rest (description, default, ...) in their order; a field set to None is left out."""
    fields: dict[str, object] = {}
    if provider is not None:
        fields["provider"] = provider
    if value is not None:
        fields["value"] = value
    for name, item in (rest or {}).items():
        if name not in ("provider", "value") and item is not None:
            fields[name] = item
    return fields


def carried_fields(fields: Mapping[str, object]) -> dict[str, object]:
    """The fields a copy or an override keeps from its source (description, default, ...)."""
    return {name: value for name, value in fields.items() if name not in NOT_CARRIED}
