"""Every file a load read, kept whole: its text, the hash of what was read, where it belongs.

A write re-parses one file's ``text`` (with tomlkit, at save time) and, before replacing the
file, compares the bytes on disk with ``sha256``: the stamp alone is not enough, since our
own atomic rename changes it too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from pathlib import Path

from fnox_tui.core.configfile import ConfigFile, FileStamp, ScopeTables, profile_of_file
from fnox_tui.core.entries import PROVIDERS, SECRETS, profile_of_table
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import ProviderDef, SecretDef
from fnox_tui.core.record import FrozenRecord


class FileScope(enum.Enum):
    """How a file came to be loaded."""

    DIRECTORY = "directory"  # found in ``directory`` by the upward walk
    IMPORT = "import"  # named by an ``import`` of ``imported_by`` (a file in ``directory``)
    GLOBAL = "global"  # the global ``$FNOX_CONFIG_DIR/config.toml``
    EXPLICIT = "explicit"  # given with ``-c``


class FileOrigin(FrozenRecord):
    __slots__ = ("directory", "imported_by", "scope")
    _fields = ("scope", "directory", "imported_by")

    def __init__(
        self,
        scope: FileScope,
        directory: Path,  # the walked directory it belongs to (for GLOBAL/EXPLICIT: its own)
        imported_by: Path | None = None,
    ) -> None:
        self.scope = scope
        self.directory = directory
        self.imported_by = imported_by


class LoadedFile(FrozenRecord):
    """One file as it was read. Loaded data is never changed: a staged edit lives apart."""

    __slots__ = ("origin", "path", "profiles", "sha256", "stamp", "text", "top")
    _fields = ("path", "text", "sha256", "stamp", "origin", "top", "profiles")

    def __init__(
        self,
        path: Path,
        text: str,  # the file's contents, decoded as UTF-8
        sha256: str,  # hex digest of the bytes read (compare with the file on disk before writing)
        stamp: FileStamp,
        origin: FileOrigin,
        top: ScopeTables,
        profiles: Mapping[str, ScopeTables],
    ) -> None:
        self.path = path
        self.text = text
        self.sha256 = sha256
        self.stamp = stamp
        self.origin = origin
        self.top = top
        self.profiles = profiles

    @classmethod
    def of(cls, config: ConfigFile, origin: FileOrigin) -> LoadedFile:
        return cls(
            path=config.path,
            text=config.text,
            sha256=config.sha256,
            stamp=config.stamp,
            origin=origin,
            top=config.top,
            profiles=config.profiles,
        )

    @property
    def scope(self) -> FileScope:
        return self.origin.scope

    @property
    def directory(self) -> Path:
        return self.origin.directory

    @property
    def profile(self) -> str | None:
        """The profile of a ``fnox.P.toml`` / ``.fnox.P.toml`` file; None for other names."""
        return profile_of_file(self.path)

    @property
    def crlf(self) -> bool:
        """Whether the file ends its lines with CRLF (a write keeps them so)."""
        return "\r\n" in self.text

    def _scope_of(self, table: tuple[str, ...]) -> ScopeTables | None:
        if len(table) == 1:
            return self.top
        profile = profile_of_table(table)
        return self.profiles.get(profile) if profile is not None else None

    def secret(self, entry: EntryId) -> SecretDef | None:
        if entry.path != self.path or not entry.table or entry.table[-1] != SECRETS:
            return None
        scope = self._scope_of(entry.table)
        return scope.secrets.get(entry.name) if scope is not None else None

    def provider(self, entry: EntryId) -> ProviderDef | None:
        if entry.path != self.path or not entry.table or entry.table[-1] != PROVIDERS:
            return None
        scope = self._scope_of(entry.table)
        return scope.providers.get(entry.name) if scope is not None else None

    def secret_defs(self) -> Iterator[SecretDef]:
        """The file's secret entries: ``[secrets]`` first, then each profile's, file order."""
        yield from self.top.secrets.values()
        for scope in self.profiles.values():
            yield from scope.secrets.values()

    def provider_defs(self) -> Iterator[ProviderDef]:
        yield from self.top.providers.values()
        for scope in self.profiles.values():
            yield from scope.providers.values()
