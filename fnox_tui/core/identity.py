"""The stable identity of a secret or provider definition: the file, the table, the name.

An ``EntryId`` names one definition as written in one file, so that two definitions of the same
name (a secret redefined in ``fnox.local.toml``, a profile-level provider named like a top-level
one) stay apart. ``table`` is the TOML table exactly as written in that file: ``("secrets",)``,
``("profiles", "prod", "secrets")``, ``("providers",)`` or ``("profiles", "prod", "providers")``.
In a ``fnox.prod.toml`` file the top-level ``[secrets]`` table belongs to profile ``prod``;
``scope_profile`` says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from fnox_tui.core.names import DEFAULT_PROFILE, profile_of_file

SECRETS = "secrets"
PROVIDERS = "providers"
TablePath = tuple[str, ...]

_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")


def table_of(kind: str, profile: str | None = None) -> TablePath:
    """``("secrets",)`` for the top level (profile None), else ``("profiles", P, "secrets")``."""
    if kind not in (SECRETS, PROVIDERS):
        raise ValueError(f"kind must be {SECRETS!r} or {PROVIDERS!r}, not {kind!r}")
    if profile is None:
        return (kind,)
    return ("profiles", profile, kind)


def dotted(path: tuple[str, ...]) -> str:
    """A key path as a TOML header names it: ``profiles."eu.west".secrets``."""
    import json  # rarely needed (a name that is not a bare key): not on the way to start

    return ".".join(part if _BARE_KEY_RE.fullmatch(part) else json.dumps(part) for part in path)


def secrets_table_for_new(path: Path, profile: str | None) -> TablePath:
    """Where fnox writes a new secret of ``profile`` in ``path`` (checked with fnox 1.31).

    The default profile (None or ``"default"``) writes to ``[secrets]``; another profile writes
    to ``[profiles.P.secrets]``, except in its own ``fnox.P.toml``, where fnox writes the
    top-level ``[secrets]`` (which that file scopes to P).
    """
    if profile is None or profile == DEFAULT_PROFILE or profile_of_file(path) == profile:
        return (SECRETS,)
    return table_of(SECRETS, profile)


_set = object.__setattr__


class EntryId:
    """One definition: ``path`` (as the workspace loaded it), its ``table`` and its ``name``.

    Immutable (a dict key everywhere): assigning to an attribute raises
    ``dataclasses.FrozenInstanceError``, as the frozen dataclass it was did. Compares with an
    EntryId (not a subclass's object) by (path, table, name) and hashes by them.
    """

    __slots__ = ("_hash", "name", "path", "table")

    path: Path
    table: TablePath
    name: str
    # Worked out once: value states key hundreds of thousands of secrets by their EntryId.
    _hash: int

    def __init__(self, path: Path, table: TablePath, name: str) -> None:
        if not (
            (len(table) == 1 and table[0] in (SECRETS, PROVIDERS))
            or (len(table) == 3 and table[0] == "profiles" and table[2] in (SECRETS, PROVIDERS))
        ):
            raise ValueError(f"not a secrets or providers table: {table!r}")
        _set(self, "path", path)
        _set(self, "table", table)
        _set(self, "name", name)
        _set(self, "_hash", hash((path, table, name)))

    def __setattr__(self, name: str, value: object) -> None:
        from dataclasses import FrozenInstanceError  # only on a (buggy) assignment

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.path, self.table, self.name) == (
                other.path,  # type: ignore[attr-defined]
                other.table,  # type: ignore[attr-defined]
                other.name,  # type: ignore[attr-defined]
            )
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        return f"EntryId(path={self.path!r}, table={self.table!r}, name={self.name!r})"

    def __reduce__(self) -> tuple[type[EntryId], tuple[Path, TablePath, str]]:
        return (self.__class__, (self.path, self.table, self.name))

    @classmethod
    def secret(cls, path: Path, name: str, profile: str | None = None) -> EntryId:
        """A secret in ``[secrets]`` (profile None) or ``[profiles.PROFILE.secrets]``."""
        return cls(path, table_of(SECRETS, profile), name)

    @classmethod
    def provider(cls, path: Path, name: str, profile: str | None = None) -> EntryId:
        """A provider in ``[providers]`` (profile None) or ``[profiles.PROFILE.providers]``."""
        return cls(path, table_of(PROVIDERS, profile), name)

    @property
    def kind(self) -> str:
        """``"secrets"`` or ``"providers"``."""
        return self.table[-1]

    @property
    def is_secret(self) -> bool:
        return self.kind == SECRETS

    @property
    def table_profile(self) -> str | None:
        """The profile named by the table (``profiles.P.*``), None for a top-level table."""
        return self.table[1] if len(self.table) == 3 else None

    @property
    def scope_profile(self) -> str | None:
        """The profile this definition belongs to: the table's, else the ``fnox.P.toml``'s."""
        return self.table_profile or profile_of_file(self.path)

    @property
    def key_path(self) -> tuple[str, ...]:
        """The TOML key path of the entry in its file, e.g. ``("secrets", "API_KEY")``."""
        return (*self.table, self.name)

    @property
    def dotted_table(self) -> str:
        """The table as a TOML header would name it, e.g. ``profiles.prod.secrets``."""
        return dotted(self.table)

    def __str__(self) -> str:
        return f"{self.path}: [{self.dotted_table}] {self.name}"
