"""One fnox configuration file: its text, parsed data, entries with positions, and problems."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rtoml

from fnox_tui.core import schema
from fnox_tui.core.errors import ConfigReadError, ConfigSyntaxError
from fnox_tui.core.keypositions import BOM, MAX_KEY_PARTS, MAX_NESTING, KeyPath, LazyKeyMap
from fnox_tui.core.model import Location, Problem, ProviderDef, SecretDef
from fnox_tui.core.names import profile_of_file
from fnox_tui.core.record import FrozenRecord, Record

if TYPE_CHECKING:
    from fnox_tui.core.keyscan import KeyMap

# rtoml (the Rust ``toml`` crate, the parser fnox uses) ends its messages with the position.
_POSITION_RE = re.compile(r"\s*\(?at line (\d+),? column (\d+)\)?\s*$")
TOO_DEEP = (
    f"nested too deeply for fnox: arrays and inline tables may nest {MAX_NESTING} levels, "
    f"a key may have {MAX_KEY_PARTS} dotted parts"
)


class FileStamp(FrozenRecord):
    """Enough of a file's stat to tell whether it changed since it was read."""

    __slots__ = ("inode", "mtime_ns", "size")
    _fields = ("mtime_ns", "size", "inode")

    def __init__(self, mtime_ns: int, size: int, inode: int) -> None:
        self.mtime_ns = mtime_ns
        self.size = size
        self.inode = inode

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = os.stat(path)
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


class ScopeTables(Record):
    """The providers, secrets and default provider of one scope (top level or a profile)."""

    __slots__ = (
        "default_provider",
        "default_provider_location",
        "providers",
        "providers_named",
        "secrets",
    )
    _fields = ("providers", "secrets", "default_provider", "default_provider_location")

    def __init__(
        self,
        providers: dict[str, ProviderDef] | None = None,
        secrets: dict[str, SecretDef] | None = None,
        default_provider: str | None = None,
        default_provider_location: Location | None = None,
        providers_named: frozenset[str] | None = None,
    ) -> None:
        self.providers: dict[str, ProviderDef] = {} if providers is None else providers
        self.secrets: dict[str, SecretDef] = {} if secrets is None else secrets
        self.default_provider = default_provider
        self.default_provider_location = default_provider_location
        # The names the secrets give with ``provider =`` (the loader works them out once).
        self.providers_named = providers_named


class ConfigFile(Record):
    __slots__ = (
        "data",
        "imports",
        "keys",
        "path",
        "problems",
        "profiles",
        "root",
        "sha256",
        "stamp",
        "text",
        "top",
    )
    _fields = (
        "path",
        "text",
        "data",
        "stamp",
        "keys",
        "top",
        "profiles",
        "imports",
        "root",
        "problems",
        "sha256",
    )

    def __init__(
        self,
        path: Path,
        text: str,  # as in the file, byte order mark included
        data: dict[str, Any],
        stamp: FileStamp,
        keys: LazyKeyMap,  # where each key is written: scanned when first asked for
        top: ScopeTables,
        profiles: dict[str, ScopeTables],
        imports: list[str],
        root: bool,
        problems: list[Problem],
        sha256: str = "",  # hex digest of the bytes read (set by read_config_file)
    ) -> None:
        self.path = path
        self.text = text
        self.data = data
        self.stamp = stamp
        self.keys = keys
        self.top = top
        self.profiles = profiles
        self.imports = imports
        self.root = root
        self.problems = problems
        self.sha256 = sha256

    @property
    def profile(self) -> str | None:
        """The profile a ``fnox.P.toml`` file belongs to."""
        return profile_of_file(self.path)

    @property
    def keymap(self) -> KeyMap:
        return self.keys.keymap

    def location(self, path: KeyPath) -> Location:
        return Location(self.path, *self.keys.position(path))


def parse_error_position(error: Exception) -> tuple[int, int, str]:
    """Line, column and message of a parser error; (0, 0, message) when it gives no position."""
    message = str(error).strip()
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
    return int(line or 0), int(column or 0), message


def read_config_file(path: Path, parsed: dict[str, Any] | None = None) -> ConfigFile:
    """Read and check one file. Raises ConfigSyntaxError for TOML that does not parse.

    As in fnox, a UTF-8 byte order mark at the start is skipped (one elsewhere is an error
    outside strings and comments). Memory stays within a few times the file's size: the bytes
    are dropped once decoded and neither parsing nor scanning copies the text.

    ``parsed`` holds documents by the SHA-256 of the bytes they were parsed from (see
    ``parse_ahead``): the one for this file's bytes is taken from it instead of parsing them
    again, and a document parsed here is added to it.
    """
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
    sha256 = hashlib.sha256(raw).hexdigest()
    del raw
    data = None if parsed is None else parsed.pop(sha256, None)
    if data is None:
        data = parse_toml(path, text)
        if parsed is not None:
            parsed[sha256] = data
    config = build_config_file(path, text, data, stamp)
    config.sha256 = sha256
    return config


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """The document, or ConfigSyntaxError with the line and column of what is wrong.

    The parser is the one fnox uses (the Rust ``toml`` crate, through rtoml): it accepts TOML
    1.1 as fnox does, refuses what fnox refuses with the same words, and its nesting limits
    are fnox's, so no document can exhaust Python's stack.
    """
    try:
        return rtoml.loads(text)  # it skips a byte order mark at the start, as fnox does
    except rtoml.TomlParsingError as error:
        line, column, message = parse_error_position(error)
        if line == 1 and text.startswith(BOM):
            column = max(1, column - 1)  # columns of line 1 count from after the mark
        if not line:
            # Only "recursion limit" (a key of too many parts) comes without a position.
            line, column = _too_deep(text)
            message = TOO_DEEP if "recursion" in message else message
        raise ConfigSyntaxError(path, line, column, message) from None
    except RecursionError:
        line, column = _too_deep(text)
        raise ConfigSyntaxError(path, line, column, TOO_DEEP) from None


def _too_deep(text: str) -> tuple[int, int]:
    """Where ``text`` first nests deeper than fnox allows (else line 1, column 1)."""
    from fnox_tui.core.keyscan import scan_keys  # only when a file is refused

    return scan_keys(text).too_deep or (1, 1)


def build_config_file(path: Path, text: str, data: dict[str, Any], stamp: FileStamp) -> ConfigFile:
    keys = LazyKeyMap(text)
    builder = _Builder(path, keys)
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
        keys=keys,
        top=top,
        profiles=profiles,
        imports=list(imports) if schema._is_str_list(imports) else [],
        root=data.get("root") is True,
        problems=builder.problems,
    )


class _Builder:
    def __init__(self, path: Path, keys: LazyKeyMap) -> None:
        self.path = path
        self.keys = keys
        self.problems: list[Problem] = []

    def location(self, key_path: KeyPath) -> Location:
        return Location.deferred(self.path, self.keys, key_path)

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
            # This loop runs once per secret, for files of hundreds of thousands: keep it lean
            # (an entry's location is found from the key map when first asked for).
            fields_ok, specs = schema.fields_ok, schema.SECRET_FIELDS
            found = scope.secrets
            table_path = (*prefix, "secrets")
            keys, path = self.keys, self.path
            for name, body in secrets.items():
                if not isinstance(body, dict):
                    self.problem(
                        (*table_path, name),
                        f"secret `{name}` must be a table such as "
                        f'{name} = {{ provider = "...", value = "..." }}, not a bare value',
                    )
                    continue
                if not fields_ok(body, specs):
                    for issue in schema.check_fields(body, specs, f"secret `{name}`"):
                        self.problem((*table_path, name, *issue.path), issue.message)
                found[name] = SecretDef(name, body, None, profile, profile_file, keys, path)
        default_provider = table.get("default_provider")
        if isinstance(default_provider, str):
            scope.default_provider = default_provider
            scope.default_provider_location = self.location((*prefix, "default_provider"))
        return scope
