"""The workspace as it will look once the staged changes are saved, for the tree to show.

Existing rows keep their definitions and get a mark (``changed``, ``deleted``) when a staged
change names their entry. A new entry (``AddSecret``) becomes a row in every profile whose
merge would see it and where it would win, as the loader will show it after the save: a
profile's own table (``[profiles.P.secrets]`` or a ``fnox.P.toml``) beats the top-level
``[secrets]``, and between two files of the same level the one loaded later wins (a
``fnox.local.toml`` over the ``fnox.toml`` beside it, a file in the working directory over
one in a parent directory).

A new or changed row's definition holds the staged fields (ciphertext, never plaintext), so
revealing it decrypts what will be written, and its details show the staged description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnox_tui.core.changes import ChangeSet, Mark, NetChange, thaw_fields
from fnox_tui.core.configfile import profile_of_file
from fnox_tui.core.discovery import config_filenames
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import (
    DEFAULT_PROFILE,
    EffectiveSecret,
    Location,
    Origin,
    ProfileView,
    SecretDef,
    Workspace,
)
from fnox_tui.core.tomledit import expected_fields


def entry_of(definition: SecretDef) -> EntryId:
    """The identity of a secret definition (file, table as written, name)."""
    return definition.id


def _scoped(entry: EntryId, profile: str) -> bool:
    """Whether ``entry`` is in ``profile``'s own table (not the shared top level)."""
    if profile == DEFAULT_PROFILE:
        return False
    return entry.table_profile == profile or (
        entry.table_profile is None and profile_of_file(entry.path) == profile
    )


def _reads(view: ProfileView, path: Path, discovers: bool) -> bool:
    """Whether ``view``'s profile loads ``path``; a file a save creates counts when the
    upward walk will find it (one of the names fnox reads, beside a file already loaded)."""
    if path in view.files:
        return True
    if not discovers or path.exists():
        return False
    names = config_filenames([view.name])
    return path.name in names and any(loaded.parent == path.parent for loaded in view.files)


def _sees(view: ProfileView, entry: EntryId, discovers: bool) -> bool:
    """Whether the merge of ``view``'s profile reads ``entry``."""
    if not _reads(view, entry.path, discovers):
        return False
    if entry.table_profile is not None:
        return entry.table_profile == view.name and view.name != DEFAULT_PROFILE
    owner = profile_of_file(entry.path)
    return owner is None or (owner == view.name and owner != DEFAULT_PROFILE)


def _file_rank(profile: str, path: Path) -> tuple[int, int]:
    """A sort key: higher wins. Nearer directories (deeper paths) win over their parents;
    in one directory, fnox's order of names (fnox.local.toml over fnox.toml); an import or
    an explicit file ranks below the files fnox finds by name."""
    names = config_filenames([profile])
    index = names.index(path.name) if path.name in names else -1
    return (len(path.parent.parts), index)


def _wins(view: ProfileView, new: EntryId, current: EffectiveSecret) -> bool:
    old = entry_of(current.definition)
    new_scoped, old_scoped = _scoped(new, view.name), _scoped(old, view.name)
    if new_scoped != old_scoped:
        return new_scoped
    return _file_rank(view.name, new.path) >= _file_rank(view.name, old.path)


def _new_secret(
    view: ProfileView,
    entry: EntryId,
    fields: dict[str, Any],
    default_names: set[str],
    location: Location | None = None,
) -> EffectiveSecret:
    definition = SecretDef(
        name=entry.name,
        fields=fields,
        location=location or Location(entry.path),
        profile=entry.table_profile,
        profile_file=entry.table_profile is None and profile_of_file(entry.path) is not None,
    )
    if view.name == DEFAULT_PROFILE:
        origin = Origin.DEFINED
    elif _scoped(entry, view.name):
        origin = Origin.OVERRIDES if entry.name in default_names else Origin.DEFINED
    else:
        origin = Origin.INHERITED
    provider_name, source = definition.provider, "own"
    if provider_name is None and definition.value is not None:
        fallback = view.default_provider
        source = "default_provider"
        if fallback is None and len(view.providers) == 1:
            fallback, source = next(iter(view.providers)), "only provider"
        provider_name = fallback
    return EffectiveSecret(
        profile=view.name,
        definition=definition,
        origin=origin,
        provider_name=provider_name,
        provider=view.providers.get(provider_name) if provider_name else None,
        provider_source=source if provider_name else "",
    )


@dataclass(slots=True)
class StagedView:
    """What the tree shows: each profile's secrets with the staged ones, and their marks."""

    workspace: Workspace
    changes: ChangeSet
    marks: Mapping[EntryId, Mark] = field(init=False)
    _secrets: dict[str, list[EffectiveSecret]] = field(init=False, default_factory=dict)
    _added: dict[str, list[EffectiveSecret]] = field(init=False, default_factory=dict)
    _updates: dict[EntryId, NetChange] = field(init=False, default_factory=dict)
    _default_names: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.marks = self.changes.marks()
        default_view = self.workspace.profiles.get(DEFAULT_PROFILE)
        default_names = {s.name for s in default_view.secrets} if default_view else set()
        adds = [
            (entry, net)
            for entry, net in self.changes.net().items()
            if net.op == "add" and entry.is_secret
        ]
        discovers = self.workspace.explicit_config is None
        for view in self.workspace.profiles.values():
            for entry, net in adds:
                if _sees(view, entry, discovers):
                    fields = thaw_fields(net.fields)
                    secret = _new_secret(view, entry, fields, default_names)
                    self._added.setdefault(view.name, []).append(secret)
        self._updates = {
            entry: net
            for entry, net in self.changes.net().items()
            if net.op in ("update", "replace") and entry.is_secret
        }
        self._default_names = default_names

    def secrets(self, profile: str) -> list[EffectiveSecret]:
        """The profile's rows: the loaded secrets, a winning new entry in place of the one it
        replaces, and the other new entries at the end."""
        cached = self._secrets.get(profile)
        if cached is not None:
            return cached
        view = self.workspace.profiles[profile]
        added = self._added.get(profile, [])
        if not added and not self._updates:
            self._secrets[profile] = view.secrets
            return view.secrets
        rows = [self._staged_row(view, secret) for secret in view.secrets]
        position = {secret.name: index for index, secret in enumerate(rows)}
        for secret in added:
            index = position.get(secret.name)
            if index is None:
                position[secret.name] = len(rows)
                rows.append(secret)
            elif _wins(view, entry_of(secret.definition), rows[index]):
                rows[index] = secret
        self._secrets[profile] = rows
        return rows

    def _staged_row(self, view: ProfileView, secret: EffectiveSecret) -> EffectiveSecret:
        """A loaded row with a staged update: its definition as it will be written."""
        definition = secret.definition
        net = self._updates.get(definition.id)
        if net is None:
            return secret
        fields = expected_fields(definition.fields, net) or {}
        row = _new_secret(view, definition.id, fields, self._default_names, definition.location)
        row.origin = secret.origin
        return row

    def mark(self, secret: EffectiveSecret) -> Mark | None:
        """``new``, ``changed`` or ``deleted`` for a row whose entry has a staged change."""
        if not self.marks:
            return None
        return self.marks.get(entry_of(secret.definition))

    def count(self, profile: str) -> int:
        return len(self.secrets(profile))

    def gone(self, secret: EffectiveSecret) -> bool:
        """Whether the save takes ``secret``'s name out of its profile: its entry is staged
        for deletion and every definition it shadows (a top-level one it overrides, an
        earlier file's) is too."""
        if self.mark(secret) != "deleted":
            return False
        return all(self.marks.get(entry_of(d)) == "deleted" for d in secret.shadowed)

    def summary(self, profile: str) -> tuple[int, dict[Mark, int]]:
        """How many secrets ``profile`` has once saved, and how many of its rows are marked
        new, changed and deleted (as the tree marks them)."""
        rows = self.secrets(profile)
        marks: dict[Mark, int] = {}
        gone = 0
        for secret in rows:
            mark = self.mark(secret)
            if mark is not None:
                marks[mark] = marks.get(mark, 0) + 1
                gone += self.gone(secret)
        return len(rows) - gone, marks
