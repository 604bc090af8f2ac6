"""One fnox configuration file: its text, parsed data, entries with positions, and problems."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnox_tui.core import schema
from fnox_tui.core.errors import ConfigReadError, ConfigSyntaxError
from fnox_tui.core.keyscan import KeyMap, KeyPath, scan_keys
from fnox_tui.core.model import Location, Problem, ProviderDef, SecretDef
from fnox_tui.core.names import profile_of_file

_POSITION_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True, slots=True)
class FileStamp:
    """Enough of a file's stat to tell whether it changed since it was read."""

    mtime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = os.stat(path)
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(slots=True)
class ScopeTables:
    """The providers, secrets and default provider of one scope (top level or a profile)."""

    providers: dict[str, ProviderDef] = field(default_factory=dict)
    secrets: dict[str, SecretDef] = field(default_factory=dict)
    default_provider: str | None = None
    default_provider_location: Location | None = None


@dataclass(slots=True)
class ConfigFile:
    path: Path
    text: str
    data: dict[str, Any]
    stamp: FileStamp
    keymap: KeyMap
    top: ScopeTables
    profiles: dict[str, ScopeTables]
    imports: list[str]
    root: bool
    problems: list[Problem]
    sha256: str = ""  # hex digest of the bytes read (set by read_config_file)

    @property
    def profile(self) -> str | None:
        """The profile a ``fnox.P.toml`` file belongs to."""
        return profile_of_file(self.path)

    def location(self, path: KeyPath) -> Location:
        return Location(self.path, self.keymap.line(path), self.keymap.column(path))


def parse_error_position(error: tomllib.TOMLDecodeError) -> tuple[int, int, str]:
    """Line, column and message of a tomllib error (Python 3.11 puts them in the text)."""
    message = str(error)
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    match = _POSITION_RE.search(message)
    if match is not None:
        message = message[: match.start()]
        line = line or int(match.group(1))
        column = column or int(match.group(2))
    msg = getattr(error, "msg", None)
    if isinstance(msg, str) and msg:
        message = msg
    return int(line or 1), int(column or 1), message


def read_config_file(path: Path) -> ConfigFile:
    """Read and check one file. Raises ConfigSyntaxError for TOML that does not parse."""
    try:
        raw = path.read_bytes()
        stamp = FileStamp.of(path)
    except OSError as error:
        raise ConfigReadError(path, error.strerror or str(error)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigSyntaxError(path, line, 1, "the file is not valid UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line, column, message = parse_error_position(error)
        raise ConfigSyntaxError(path, line, column, message) from None
    config = build_config_file(path, text, data, stamp)
    config.sha256 = hashlib.sha256(raw).hexdigest()
    return config


def build_config_file(path: Path, text: str, data: dict[str, Any], stamp: FileStamp) -> ConfigFile:
    keymap = scan_keys(text)
    builder = _Builder(path, keymap)
    for issue in schema.check_fields(data, schema.TOP_LEVEL_FIELDS, "the top level"):
        builder.problem(issue.path, issue.message)
    profile_file = profile_of_file(path) is not None
    top = builder.scope(data, (), None, profile_file)
    profiles: dict[str, ScopeTables] = {}
    raw_profiles = data.get("profiles")
    if isinstance(raw_profiles, dict):
        for name, table in raw_profiles.items():
            if not isinstance(table, dict):
                builder.problem(("profiles", name), f"profile `{name}` must be a table")
                continue
            for issue in schema.check_fields(table, schema.PROFILE_FIELDS, f"profile `{name}`"):
                builder.problem(("profiles", name, *issue.path), issue.message)
            profiles[name] = builder.scope(table, ("profiles", name), name, False)
    imports = data.get("import")
    return ConfigFile(
        path=path,
        text=text,
        data=data,
        stamp=stamp,
        keymap=keymap,
        top=top,
        profiles=profiles,
        imports=list(imports) if schema._is_str_list(imports) else [],
        root=data.get("root") is True,
        problems=builder.problems,
    )


class _Builder:
    def __init__(self, path: Path, keymap: KeyMap) -> None:
        self.path = path
        self.keymap = keymap
        self.problems: list[Problem] = []

    def location(self, key_path: KeyPath) -> Location:
        return Location(self.path, self.keymap.line(key_path), self.keymap.column(key_path))

    def problem(self, key_path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.location(key_path), message))

    def scope(
        self, table: dict[str, Any], prefix: KeyPath, profile: str | None, profile_file: bool
    ) -> ScopeTables:
        scope = ScopeTables()
        providers = table.get("providers")
        if isinstance(providers, dict):
            for name, body in providers.items():
                key_path = (*prefix, "providers", name)
                if not isinstance(body, dict):
                    self.problem(key_path, f"provider `{name}` must be a table")
                    continue
                for issue in schema.check_provider(name, body):
                    self.problem(key_path + issue.path, issue.message)
                provider_type = body.get("type")
                fields = {k: v for k, v in body.items() if k != "type"}
                scope.providers[name] = ProviderDef(
                    name=name,
                    type=provider_type if isinstance(provider_type, str) else "?",
                    fields=fields,
                    location=self.location(key_path),
                    profile=profile,
                )
        secrets = table.get("secrets")
        if isinstance(secrets, dict):
            headers = self.keymap.headers
            for name, body in secrets.items():
                key_path = (*prefix, "secrets", name)
                if not isinstance(body, dict):
                    self.problem(
                        key_path,
                        f"secret `{name}` must be a table such as "
                        f'{name} = {{ provider = "...", value = "..." }}, not a bare value',
                    )
                    continue
                for issue in schema.check_fields(body, schema.SECRET_FIELDS, f"secret `{name}`"):
                    self.problem(key_path + issue.path, issue.message)
                scope.secrets[name] = SecretDef(
                    name=name,
                    fields=body,
                    location=self.location(key_path),
                    profile=profile,
                    profile_file=profile_file,
                    inline=key_path not in headers,
                )
        default_provider = table.get("default_provider")
        if isinstance(default_provider, str):
            scope.default_provider = default_provider
            scope.default_provider_location = self.location((*prefix, "default_provider"))
        return scope
