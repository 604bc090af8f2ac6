"""Helpers around :class:`~fnox_tui.core.identity.EntryId`: table paths and value keys."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from fnox_tui.core.identity import PROVIDERS, SECRETS, EntryId, table_of

__all__ = [
    "PROVIDERS",
    "SECRETS",
    "SecretKey",
    "profile_of_table",
    "provider_entry",
    "secret_entry",
    "table_path",
]


def table_path(profile: str | None, kind: str) -> tuple[str, ...]:
    """The key path of the table holding ``kind`` (``secrets``/``providers``) for a profile.

    ``("secrets",)`` at the top level, ``("profiles", "prod", "secrets")`` for a profile (a
    profile name may hold dots, so the path is a tuple, never a dotted string).
    """
    return table_of(kind, profile)


def profile_of_table(table: tuple[str, ...]) -> str | None:
    """The profile whose table this is; None for a top-level table."""
    return table[1] if len(table) == 3 and table[0] == "profiles" else None


def secret_entry(path: Path, profile: str | None, name: str) -> EntryId:
    """The identity of secret ``name`` in ``[secrets]`` or ``[profiles.P.secrets]`` of a file."""
    return EntryId(path, table_path(profile, SECRETS), name)


def provider_entry(path: Path, profile: str | None, name: str) -> EntryId:
    """The identity of provider ``name`` in a file's top-level or profile providers table."""
    return EntryId(path, table_path(profile, PROVIDERS), name)


class SecretKey(NamedTuple):
    """What the UI keys a secret's value state by: a profile and the winning definition.

    One definition can resolve differently in two profiles (their ``default_provider`` or
    the secrets a ``${OTHER}`` default names differ), so the profile is part of the key; and a
    profile's secret that a reload resolves from another definition (a new override in
    ``fnox.local.toml``) is another key, so a value revealed before is not shown for it.
    """

    profile: str
    entry: EntryId

    @property
    def name(self) -> str:
        return self.entry.name
