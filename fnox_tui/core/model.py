"""Plain data classes describing what was loaded from fnox configuration files."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnox_tui.core.entries import PROVIDERS, SECRETS, SecretKey, table_path
from fnox_tui.core.identity import EntryId
from fnox_tui.core.names import DEFAULT_PROFILE
from fnox_tui.core.record import FrozenRecord, Record

if TYPE_CHECKING:
    from fnox_tui.core.keypositions import LazyKeyMap
    from fnox_tui.core.loaded import LoadedFile


class Location:
    """Where something was written: a file, a 1-based line (0 when unknown) and column.

    A location read from a file may be ``deferred``: its line and column are looked up in the
    file's key map the first time they are asked for (see ``keyscan.LazyKeyMap``). It is
    immutable and compares, hashes and pickles by (path, line, column) either way.
    """

    __slots__ = ("_column", "_deferred", "_line", "path")

    def __init__(self, path: Path, line: int = 0, column: int = 0) -> None:
        self.path = path
        self._line = line
        self._column = column
        self._deferred: tuple[LazyKeyMap, tuple[str, ...]] | None = None

    @classmethod
    def deferred(cls, path: Path, keys: LazyKeyMap, key_path: tuple[str, ...]) -> Location:
        """The location of ``key_path`` in ``keys``'s file, found when first asked for."""
        location = cls(path)
        location._deferred = (keys, key_path)
        return location

    def _resolve(self) -> None:
        deferred = self._deferred
        if deferred is not None:
            self._line, self._column = deferred[0].position(deferred[1])
            self._deferred = None

    @property
    def line(self) -> int:
        if self._deferred is not None:
            self._resolve()
        return self._line

    @property
    def column(self) -> int:
        if self._deferred is not None:
            self._resolve()
        return self._column

    def _key(self) -> tuple[Path, int, int]:
        return (self.path, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[type[Location], tuple[Path, int, int]]:
        return (Location, self._key())

    def __repr__(self) -> str:
        return f"Location(path={self.path!r}, line={self.line!r}, column={self.column!r})"

    def __str__(self) -> str:
        if not self.line:
            return str(self.path)
        if self.column:
            return f"{self.path}:{self.line}:{self.column}"
        return f"{self.path}:{self.line}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class Problem(FrozenRecord):
    """Something fnox would refuse (or warn about), with where it was found."""

    __slots__ = ("location", "message", "severity")
    _fields = ("location", "message", "severity")

    def __init__(
        self, location: Location, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.location = location
        self.message = message
        self.severity = severity

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


def table_for(profile: str | None, kind: str) -> str:
    """The dotted table name holding ``kind`` (``secrets``/``providers``) for a profile."""
    if profile is None:
        return kind
    return f"profiles.{profile}.{kind}"


class ProviderDef(Record):
    """One ``[providers.NAME]`` entry as written in one file."""

    __slots__ = ("fields", "id", "location", "name", "profile", "type")
    _fields = ("name", "type", "fields", "location", "profile")

    def __init__(
        self,
        name: str,
        type: str,
        fields: dict[str, Any],
        location: Location,
        profile: str | None = None,  # None: top level; else the profile whose table holds it
    ) -> None:
        self.name = name
        self.type = type
        self.fields = fields
        self.location = location
        self.profile = profile
        # (file, table, name)
        self.id = EntryId(location.path, table_path(profile, PROVIDERS), name)

    @property
    def table(self) -> str:
        return table_for(self.profile, "providers")

    def field_text(self, name: str) -> str | None:
        """A string field, or ``{ secret = "X" }`` references rendered as ``secret:X``."""
        value = self.fields.get(name)
        if value is None:
            return None
        if isinstance(value, dict) and "secret" in value:
            return f"secret:{value['secret']}"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    @property
    def summary(self) -> str:
        """A one-line summary: the key for KMS, the recipients for age, and so on."""
        if self.type == "aws-kms":
            key = self.field_text("key_id") or "?"
            region = self.field_text("region")
            return f"{key} ({region})" if region else key
        if self.type == "age":
            recipients = self.fields.get("recipients") or []
            if not isinstance(recipients, list):
                return "?"
            if len(recipients) == 1:
                return _short(str(recipients[0]))
            return f"{len(recipients)} recipients"
        for name in ("prefix", "vault_url", "address", "project", "service", "database"):
            text = self.field_text(name)
            if text:
                return f"{name}={text}"
        region = self.field_text("region")
        return f"region={region}" if region else ""


def _short(text: str, width: int = 24) -> str:
    return text if len(text) <= width else text[: width - 9] + "…" + text[-8:]


class SecretDef(Record):
    """One secret entry as written in one file (``[secrets]`` or ``[profiles.P.secrets]``)."""

    __slots__ = ("_id", "_location", "fields", "keys", "name", "path", "profile", "profile_file")
    _fields = ("name", "fields", "location", "profile", "profile_file")

    def __init__(
        self,
        name: str,
        fields: dict[str, Any],
        location: Location | None,
        profile: str | None = None,  # None: a top-level [secrets] table
        profile_file: bool = False,  # defined in a fnox.P.toml file (scoped to that profile)
        keys: LazyKeyMap | None = None,
        path: Path | None = None,
    ) -> None:
        """``location`` may be None for an entry read from a file (``path``, with its key map
        ``keys``): it is then found when first asked for."""
        self.name = name
        self.fields = fields
        self._location = location
        self.path: Path = location.path if location is not None else path  # type: ignore[assignment]
        self.profile = profile
        self.profile_file = profile_file
        # The file's key map, which says where the entry is and whether it is written as
        # ``K = { ... }`` or as a ``[secrets.K]`` table (``inline``) once it is scanned.
        self.keys = keys
        self._id: EntryId | None = None

    @property
    def location(self) -> Location:
        location = self._location
        if location is None:
            assert self.keys is not None
            key_path = (*table_path(self.profile, SECRETS), self.name)
            location = self._location = Location.deferred(self.path, self.keys, key_path)
        return location

    @property
    def inline(self) -> bool:
        """Written as ``K = { ... }`` rather than as a ``[secrets.K]`` table."""
        if self.keys is None:
            return True
        return (*self.id.table, self.name) not in self.keys.keymap.headers

    @property
    def id(self) -> EntryId:
        """(file, table, name): made when first asked for (a file may hold many entries)."""
        entry = self._id
        if entry is None:
            entry = self._id = EntryId(self.path, table_path(self.profile, SECRETS), self.name)
        return entry

    @property
    def table(self) -> str:
        return table_for(self.profile, "secrets")

    def _str(self, key: str) -> str | None:
        value = self.fields.get(key)
        return value if isinstance(value, str) else None

    @property
    def provider(self) -> str | None:
        return self._str("provider")

    @property
    def value(self) -> str | None:
        return self._str("value")

    @property
    def default(self) -> str | None:
        return self._str("default")

    @property
    def description(self) -> str | None:
        return self._str("description")

    @property
    def if_missing(self) -> str | None:
        return self._str("if_missing")

    @property
    def env(self) -> bool | str | None:
        value = self.fields.get("env")
        return value if isinstance(value, bool | str) else None

    @property
    def as_file(self) -> bool:
        return self.fields.get("as_file") is True

    @property
    def kind(self) -> str:
        """The source type exactly as ``fnox list`` labels it."""
        if self.provider is not None:
            base = f"provider ({self.provider})"
        elif self.value is not None:
            base = "stored value"
        elif self.default is not None:
            base = "default value"
        else:
            base = "env var"
        return f"{base} [file]" if self.as_file else base


class Origin(enum.Enum):
    """How a secret came to be in a profile's view."""

    DEFINED = "defined"  # defined for this profile (or the default profile's own)
    INHERITED = "inherited"  # from the top-level [secrets]
    OVERRIDES = "overrides"  # defined for this profile, replacing a top-level secret


class EffectiveSecret(Record):
    """A secret as one profile sees it, with the provider fnox would use for it."""

    __slots__ = (
        "_key",
        "definition",
        "origin",
        "profile",
        "provider",
        "provider_name",
        "provider_source",
        "shadowed",
    )
    _fields = (
        "profile",
        "definition",
        "origin",
        "provider_name",
        "provider",
        "provider_source",
        "shadowed",
    )

    def __init__(
        self,
        profile: str,
        definition: SecretDef,
        origin: Origin,
        provider_name: str | None,
        provider: ProviderDef | None,
        provider_source: str,  # "own", "default_provider", "only provider" or "" when none
        shadowed: tuple[SecretDef, ...] = (),
    ) -> None:
        self.profile = profile
        self.definition = definition
        self.origin = origin
        self.provider_name = provider_name
        self.provider = provider
        self.provider_source = provider_source
        # The definitions of this name that this profile's merge replaced, lowest priority
        # first: earlier files' entries (a secret redefined in fnox.local.toml) and, for an
        # override, the top-level entry. They are still in their files: an edit names the one
        # it changes.
        self.shadowed = shadowed
        self._key: SecretKey | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def kind(self) -> str:
        return self.definition.kind

    @property
    def key(self) -> SecretKey:
        """What value state, checks and the tree key this secret by: (profile, EntryId).

        Made once (V on a profile of hundreds of thousands asks for every one of them)."""
        key = self._key
        if key is None:
            key = self._key = SecretKey(self.profile, self.definition.id)
        return key

    @property
    def chain(self) -> tuple[SecretDef, ...]:
        """Every definition of this name in the profile's files, the winning one last."""
        return (*self.shadowed, self.definition)


class ProfileView:
    """Everything one profile sees once its files are merged as fnox merges them.

    ``secrets`` may be given, or made on first use by ``build`` (a workspace of many
    profiles and thousands of secrets would otherwise build every profile's list before the
    first frame, though one profile is on screen); ``size`` is then its length, known
    without building it.
    """

    __slots__ = (
        "_build",
        "_by_name",
        "_counts",
        "_secrets",
        "_size",
        "default_provider",
        "default_provider_error",
        "files",
        "name",
        "providers",
    )

    def __init__(
        self,
        name: str,
        files: list[Path],
        secrets: list[EffectiveSecret] | None = None,
        providers: dict[str, ProviderDef] | None = None,
        default_provider: str | None = None,
        default_provider_error: str | None = None,
        *,
        build: Callable[[], list[EffectiveSecret]] | None = None,
        size: int | None = None,
    ) -> None:
        if (secrets is None) == (build is None):
            raise ValueError("a profile view takes its secrets or a way to build them")
        self.name = name
        self.files = files
        self.providers = {} if providers is None else providers
        self.default_provider = default_provider
        self.default_provider_error = default_provider_error
        self._secrets = secrets
        self._build = build
        self._size = len(secrets) if secrets is not None else size
        self._counts: dict[Origin, int] | None = None
        self._by_name: dict[str, EffectiveSecret] | None = None

    def __repr__(self) -> str:
        return f"ProfileView(name={self.name!r}, size={self.size})"

    @property
    def secrets(self) -> list[EffectiveSecret]:
        """The profile's secrets in fnox's order, made on first use when built lazily."""
        secrets = self._secrets
        if secrets is None:
            with _BUILDING:  # once, whichever thread asks first
                secrets = self._secrets
                if secrets is None:
                    assert self._build is not None
                    secrets = self._secrets = self._build()
                    self._build = None
                    self._size = len(secrets)
        return secrets

    @property
    def size(self) -> int:
        """How many secrets the profile has, without building their list."""
        if self._size is None:
            return len(self.secrets)
        return self._size

    @property
    def built(self) -> bool:
        return self._secrets is not None

    def secret(self, name: str) -> EffectiveSecret | None:
        """The secret called ``name`` (indexed on first use: profiles may be very large)."""
        if self._by_name is None:
            self._by_name = {secret.name: secret for secret in self.secrets}
        return self._by_name.get(name)

    def counts(self) -> dict[Origin, int]:
        """How many secrets are defined, inherited and overriding (worked out once)."""
        if self._counts is None:
            # list.count compares by identity first, unlike hashing each Enum member.
            origins = [secret.origin for secret in self.secrets]
            self._counts = {origin: origins.count(origin) for origin in Origin}
        return dict(self._counts)


_BUILDING = threading.RLock()


class Workspace(Record):
    """The loaded configuration: every profile's view, the providers and the problems."""

    __slots__ = (
        "active_profiles",
        "cwd",
        "explicit_config",
        "files",
        "if_missing",
        "loaded",
        "problems",
        "profiles",
        "providers",
    )
    _fields = (
        "cwd",
        "explicit_config",
        "active_profiles",
        "profiles",
        "providers",
        "files",
        "problems",
        "if_missing",
        "loaded",
    )

    def __init__(
        self,
        cwd: Path,
        explicit_config: Path | None,
        active_profiles: list[str],
        profiles: dict[str, ProfileView],
        providers: list[ProviderDef],
        files: list[Path],
        problems: list[Problem] | None = None,
        if_missing: str | None = None,  # the top-level ``if_missing`` of the merged files
        loaded: dict[Path, LoadedFile] | None = None,
    ) -> None:
        self.cwd = cwd
        self.explicit_config = explicit_config
        self.active_profiles = active_profiles
        self.profiles = profiles
        self.providers = providers
        self.files = files
        self.problems: list[Problem] = [] if problems is None else problems
        self.if_missing = if_missing
        # Every file read, by path: its text as read, the text's sha256 and where it belongs.
        self.loaded: dict[Path, LoadedFile] = {} if loaded is None else loaded

    @property
    def active_profile(self) -> str:
        return self.active_profiles[-1] if self.active_profiles else DEFAULT_PROFILE

    @property
    def size(self) -> int:
        """How many secrets the profiles hold together (without building their lists)."""
        return sum(view.size for view in self.profiles.values())

    def profile(self, name: str) -> ProfileView:
        return self.profiles[name]

    # Definitions by identity ------------------------------------------------------------

    def secret_def(self, entry: EntryId) -> SecretDef | None:
        """The secret definition ``entry`` names, winning or shadowed; None if there is none."""
        loaded = self.loaded.get(entry.path)
        return loaded.secret(entry) if loaded is not None else None

    def provider_def(self, entry: EntryId) -> ProviderDef | None:
        loaded = self.loaded.get(entry.path)
        return loaded.provider(entry) if loaded is not None else None

    def secret_defs(self) -> Iterator[SecretDef]:
        """Every secret entry of every loaded file (shadowed ones too), file by file."""
        for loaded in self.loaded.values():
            yield from loaded.secret_defs()

    def provider_defs(self) -> Iterator[ProviderDef]:
        """Every provider entry of every loaded file (shadowed ones too), file by file."""
        for loaded in self.loaded.values():
            yield from loaded.provider_defs()

    def definitions_of(self, profile: str, name: str) -> tuple[SecretDef, ...]:
        """Every definition of secret ``name`` that profile's merge saw, the winning one last.

        Empty when the profile has no such secret.
        """
        view = self.profiles.get(profile)
        secret = view.secret(name) if view is not None else None
        return secret.chain if secret is not None else ()

    def effective(self, key: SecretKey) -> EffectiveSecret | None:
        """The secret a profile resolves from exactly this definition, if it still does."""
        view = self.profiles.get(key.profile)
        secret = view.secret(key.entry.name) if view is not None else None
        if secret is None or secret.definition.id != key.entry:
            return None
        return secret
