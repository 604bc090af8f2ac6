"""Where an edit goes: valid names, the file and table fnox would write, who inherits what.

The write target follows fnox's ``find_local_config`` (crates/fnox-core/src/config.rs; checked
with the fnox 1.31 binary): in the working directory, for a profile P other than ``default``
``fnox.P.toml`` then ``.fnox.P.toml`` when one exists; else ``fnox.toml`` then ``.fnox.toml``;
else, for the default profile only, ``fnox.local.toml`` then ``.fnox.local.toml``; else a new
``fnox.toml``. With ``-c PATH`` it is that file.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fnox_tui.core.configfile import profile_of_file
from fnox_tui.core.identity import EntryId, TablePath, dotted, secrets_table_for_new
from fnox_tui.core.model import (
    DEFAULT_PROFILE,
    EffectiveSecret,
    ProfileView,
    ProviderDef,
    SecretDef,
    Workspace,
)

ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Provider types whose stored value fnox-tui computes itself (ciphertext, or the text as-is).
ENCRYPTING_TYPES = frozenset({"aws-kms", "age", "plain"})
# Remote providers whose value fnox-tui can write into the remote store.
REMOTE_WRITE_TYPES = frozenset({"aws-sm", "aws-ps"})

Writing = Literal["encrypt", "reference", "none"]


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a secret's name (fnox exports it as a variable); None if it can."""
    if not name:
        return "Enter a name."
    if not ENV_NAME_RE.fullmatch(name):
        return (
            f"{name!r} is not a valid environment variable name: use letters, digits and _, "
            "not starting with a digit."
        )
    return None


def definition_id(definition: SecretDef) -> EntryId:
    """The identity of a secret definition: its file, its table as written, its name."""
    return definition.id


def is_top_level(definition: SecretDef) -> bool:
    """Defined in a top-level ``[secrets]`` that every profile inherits (not a fnox.P.toml)."""
    return definition.profile is None and not definition.profile_file


def how_written(provider_type: str | None) -> Writing:
    """How fnox-tui writes a value for this provider type: ``encrypt`` (aws-kms, age, plain:
    the stored value is computed here), ``reference`` (remote stores: the value names a remote
    secret) or ``none`` (a local type fnox-tui cannot encrypt for)."""
    from fnox_tui.core.schema import REMOTE_TYPES

    if provider_type in ENCRYPTING_TYPES:
        return "encrypt"
    if provider_type in REMOTE_TYPES:
        return "reference"
    return "none"


def loaded_files(workspace: Workspace) -> list[Path]:
    """Every file some profile's merge read (their text is kept: a save edits that text)."""
    files: dict[Path, None] = dict.fromkeys(workspace.files)
    for view in workspace.profiles.values():
        files.update(dict.fromkeys(view.files))
    files.update(dict.fromkeys(workspace.loaded))
    return list(files)


def write_target(
    workspace: Workspace, profile: str, exists: Collection[Path] | None = None
) -> Path:
    """The file ``fnox -P PROFILE set`` would write a new secret of ``profile`` to.

    ``exists``: the files that count as existing (default: those loaded, and those on disk).
    """
    if workspace.explicit_config is not None:
        return workspace.explicit_config
    loaded = set(loaded_files(workspace)) if exists is None else set(exists)

    def there(path: Path) -> bool:
        return path in loaded or (exists is None and path.is_file())

    directory = workspace.cwd
    names: list[str] = []
    if profile != DEFAULT_PROFILE:
        names += [f"fnox.{profile}.toml", f".fnox.{profile}.toml"]
    names += ["fnox.toml", ".fnox.toml"]
    if profile == DEFAULT_PROFILE:
        names += ["fnox.local.toml", ".fnox.local.toml"]
    for name in names:
        if there(directory / name):
            return directory / name
    return directory / "fnox.toml"


def target_files(workspace: Workspace, profile: str) -> list[Path]:
    """The files a new secret of ``profile`` can go to: fnox's choice first, then every other
    file the profile's merge reads, but another profile's ``fnox.Q.toml``."""
    view = workspace.profiles[profile]
    result = [write_target(workspace, profile)]
    for path in view.files:
        owner = profile_of_file(path)
        if owner is not None and owner != profile:
            continue
        if path not in result:
            result.append(path)
    return result


@dataclass(frozen=True, slots=True)
class Target:
    """Where a new entry of ``profile`` is written: a file and the secrets table in it."""

    path: Path
    profile: str

    @property
    def table(self) -> TablePath:
        return secrets_table_for_new(self.path, self.profile)

    def entry(self, name: str) -> EntryId:
        return EntryId(self.path, self.table, name)

    @property
    def dotted_table(self) -> str:
        return dotted(self.table)


def inheritors(workspace: Workspace, definition: SecretDef) -> list[str]:
    """The profiles whose secret of this name is exactly ``definition`` (the default profile
    and every profile that inherits a top-level secret without overriding it)."""
    entry = definition_id(definition)
    result = []
    for name, view in workspace.profiles.items():
        secret = view.secret(definition.name)
        if secret is not None and definition_id(secret.definition) == entry:
            result.append(name)
    return result


def shadowed(secret: EffectiveSecret) -> tuple[SecretDef, ...]:
    """The definitions of this name that the profile's merge replaced, lowest first."""
    return secret.shadowed


def top_level_definition(workspace: Workspace, secret: EffectiveSecret) -> SecretDef | None:
    """The top-level definition an override in ``secret.profile`` replaces, if any."""
    for definition in reversed(shadowed(secret)):
        if is_top_level(definition):
            return definition
    default = workspace.profiles.get(DEFAULT_PROFILE)
    top = default.secret(secret.name) if default is not None else None
    if top is not None and is_top_level(top.definition) and top.definition is not secret.definition:
        return top.definition
    return None


def effective_default(view: ProfileView) -> str | None:
    """The provider a secret without its own ``provider`` uses in this profile, if any."""
    if view.default_provider is not None:
        return view.default_provider
    if len(view.providers) == 1:
        return next(iter(view.providers))
    return None


def provider_choices(view: ProfileView) -> list[ProviderDef]:
    """The profile's visible providers, those fnox-tui can write for first."""
    providers = list(view.providers.values())
    return sorted(providers, key=lambda p: how_written(p.type) == "none")


def preferred_provider(view: ProfileView, same_name: str | None = None) -> str | None:
    """The provider to preselect: the effective default, else ``same_name`` when the profile
    has it, else the first one fnox-tui can encrypt for."""
    default = effective_default(view)
    if default is not None and default in view.providers:
        return default
    if same_name is not None and same_name in view.providers:
        return same_name
    for provider in provider_choices(view):
        if how_written(provider.type) == "encrypt":
            return provider.name
    return None
