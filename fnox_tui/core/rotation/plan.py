"""Which stored values a rotation of one provider definition re-encrypts, and what it costs.

A provider definition is one ``[providers.NAME]`` (or ``[profiles.P.providers.NAME]``) entry
of one file, named by its :class:`EntryId`. A profile-level provider of the same name is a
separate definition. The plan lists every value in every loaded file and profile whose
effective provider is that definition: through the secret's own ``provider``, the profile's
``default_provider`` or the only provider the profile sees. Entries a later file or a profile
shadows are listed too (they come back when the shadowing entry goes, and must then still
decrypt), as are ``sync`` caches and an age ``identity = { provider, value }`` kept by the
provider. A value whose provider differs between the profiles that see it is a
:class:`Conflict`, never guessed.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fnox_tui.core.configfile import ConfigFile, read_config_file
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import DEFAULT_PROFILE, ProfileView, ProviderDef, SecretDef, Workspace
from fnox_tui.core.providers.stats import KMS_PRICE_PER_10K_REQUESTS_USD

ROTATABLE_TYPES = ("aws-kms", "age")


class Slot(enum.StrEnum):
    """Which field of an entry holds the ciphertext; the value is its dotted path."""

    VALUE = "value"  # a secret's ``value``
    SYNC = "sync.value"  # a secret's ``sync = { provider, value }`` cache
    IDENTITY = "identity.value"  # an age provider's ``identity = { provider, value }``


class Route(enum.StrEnum):
    """How a value is re-encrypted."""

    REENCRYPT = "ReEncrypt"  # KMS ReEncrypt: the plaintext never reaches this machine
    DECRYPT_ENCRYPT = "Decrypt+Encrypt"  # decrypted here, encrypted again, compared


@dataclass(frozen=True, slots=True)
class RowKey:
    entry: EntryId
    slot: Slot


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One stored ciphertext to re-encrypt."""

    key: RowKey
    profiles: tuple[str, ...]  # the profiles that resolve it with the rotated provider
    visible_in: tuple[str, ...]  # those where it is not shadowed by another entry
    line: int  # 1-based line of the value (0 when unknown)
    ciphertext: str
    route: Route

    @property
    def entry(self) -> EntryId:
        return self.key.entry

    @property
    def name(self) -> str:
        return self.key.entry.name

    @property
    def file(self) -> Path:
        return self.key.entry.path

    @property
    def shadowed(self) -> bool:
        """No profile sees this entry: a later file or a profile's own entry replaces it."""
        return not self.visible_in


@dataclass(frozen=True, slots=True)
class Conflict:
    """A value whose provider differs between the profiles that see it: not rotated."""

    key: RowKey
    line: int
    providers: tuple[tuple[str, str], ...]  # (profile, "NAME in FILE [table]") pairs

    @property
    def name(self) -> str:
        return self.key.entry.name


class PlanError(FnoxTuiError):
    """The provider cannot be rotated by fnox-tui; the message says why."""


@dataclass(slots=True)
class RotationPlan:
    """What a rotation will change. ``consent_decrypt`` is the user's consent to decrypt
    values on this machine when KMS denies ``ReEncrypt``; ``route`` is the first route tried
    for KMS values (age values are always decrypted and encrypted)."""

    provider: EntryId
    definition: ProviderDef
    rows: list[PlanRow]
    conflicts: list[Conflict] = field(default_factory=list)
    files: dict[Path, str] = field(default_factory=dict)  # sha256 of each file's text as read
    notes: list[str] = field(default_factory=list)
    consent_decrypt: bool = False
    route: Route = Route.REENCRYPT

    @property
    def provider_type(self) -> str:
        return self.definition.type

    @property
    def is_kms(self) -> bool:
        return self.definition.type == "aws-kms"

    @property
    def entries(self) -> int:
        return len(self.rows)

    def row(self, key: RowKey) -> PlanRow:
        """The row for ``key``; raises KeyError."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def route_for(self, row: PlanRow) -> Route:
        return self.route if self.is_kms else Route.DECRYPT_ENCRYPT

    @property
    def kms_requests(self) -> int:
        """KMS requests the plan makes: ReEncrypt + a verifying Decrypt per value (Decrypt,
        Encrypt and the verifying Decrypt on the other route)."""
        if not self.is_kms:
            return 0
        return self.entries * requests_per_value(self.route)

    @property
    def kms_requests_at_most(self) -> int:
        """With the user's consent, a denied ReEncrypt is followed by Decrypt, Encrypt and the
        verifying Decrypt (an upper bound: after the first denial the rest skip ReEncrypt)."""
        if not self.is_kms:
            return 0
        if self.consent_decrypt and self.route is Route.REENCRYPT:
            return self.entries * (1 + requests_per_value(Route.DECRYPT_ENCRYPT))
        return self.kms_requests

    @property
    def cost_usd(self) -> float:
        return kms_cost_usd(self.kms_requests)

    def files_involved(self) -> list[Path]:
        """The files the commit writes: the provider's, then those holding a row."""
        paths = [self.provider.path]
        for row in self.rows:
            if row.file not in paths:
                paths.append(row.file)
        return paths


def requests_per_value(route: Route) -> int:
    return 2 if route is Route.REENCRYPT else 3


def kms_cost_usd(requests: int) -> float:
    return requests * KMS_PRICE_PER_10K_REQUESTS_USD / 10_000


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def provider_entry(definition: ProviderDef) -> EntryId:
    """The EntryId of a provider definition."""
    return EntryId(
        definition.location.path, _table("providers", definition.profile), definition.name
    )


def secret_entry(definition: SecretDef) -> EntryId:
    return EntryId(definition.location.path, _table("secrets", definition.profile), definition.name)


def _table(kind: str, profile: str | None) -> tuple[str, ...]:
    return (kind,) if profile is None else ("profiles", profile, kind)


def workspace_files(
    workspace: Workspace, files: Mapping[Path, ConfigFile] | None = None
) -> dict[Path, ConfigFile]:
    """Every file some profile loads, from ``files`` (the loader's cache) or read now."""
    known = dict(files or {})
    result: dict[Path, ConfigFile] = {}
    for view in workspace.profiles.values():
        for path in view.files:
            if path not in result:
                result[path] = known.get(path) or read_config_file(path)
    return result


def plan_rotation(
    workspace: Workspace,
    provider: EntryId,
    files: Mapping[Path, ConfigFile] | None = None,
    *,
    consent_decrypt: bool = False,
    route: Route = Route.REENCRYPT,
) -> RotationPlan:
    """The plan for rotating ``provider``. Raises PlanError when it cannot be rotated.

    ``files`` should be the files ``workspace`` was loaded from (``load_workspace(...,
    cache=FileCache())`` keeps them); missing ones are read again.
    """
    loaded = workspace_files(workspace, files)
    definition = _find_definition(loaded, provider)
    _check_rotatable(definition)
    resolutions = _Resolutions(provider)
    for view in workspace.profiles.values():
        for path in dict.fromkeys(view.files):
            resolutions.collect(view, loaded[path])
    plan = RotationPlan(
        provider=provider,
        definition=definition,
        rows=[],
        consent_decrypt=consent_decrypt,
        route=route,
    )
    order = {path: index for index, path in enumerate(loaded)}
    found_items = sorted(
        resolutions.found.items(), key=lambda item: (order.get(item[0].entry.path, 0), item[1].line)
    )
    for key, found in found_items:
        # Where the entry is in use, those profiles decide; an entry shadowed everywhere is
        # judged as if it were in use (it is, once the shadowing entry goes).
        judged = {
            profile: d
            for profile, d in found.providers.items()
            if d is not None and (profile in found.visible or not found.visible)
        }
        targets = tuple(profile for profile, d in judged.items() if _is(d, provider))
        if not targets:
            continue
        if len(targets) < len(judged):
            described = tuple((profile, _describe(d)) for profile, d in judged.items())
            plan.conflicts.append(Conflict(key, found.line, described))
            continue
        plan.rows.append(
            PlanRow(
                key=key,
                profiles=targets,
                visible_in=tuple(p for p in targets if p in found.visible),
                line=found.line,
                ciphertext=found.ciphertext,
                route=route if definition.type == "aws-kms" else Route.DECRYPT_ENCRYPT,
            )
        )
    for path in plan.files_involved():
        plan.files[path] = text_sha256(loaded[path].text)
    plan.notes += _shadowing_notes(workspace, definition, provider)
    return plan


def _find_definition(files: Mapping[Path, ConfigFile], provider: EntryId) -> ProviderDef:
    config = files.get(provider.path)
    if config is None:
        raise PlanError(f"The file {provider.path} is not part of the loaded configuration.")
    scope = None
    if provider.table == ("providers",):
        scope = config.top
    elif len(provider.table) == 3 and provider.table[0] == "profiles":
        scope = config.profiles.get(provider.table[1])
    definition = scope.providers.get(provider.name) if scope is not None else None
    if definition is None:
        raise PlanError(
            f"There is no provider {provider.name} in [{'.'.join(provider.table)}] of "
            f"{provider.path}."
        )
    return definition


def _check_rotatable(definition: ProviderDef) -> None:
    if definition.type not in ROTATABLE_TYPES:
        raise PlanError(
            f"fnox-tui rotates aws-kms keys and age recipients; provider {definition.name} is "
            f"{definition.type}."
        )
    if definition.type == "aws-kms" and not isinstance(definition.fields.get("key_id"), str):
        raise PlanError(
            f"key_id of provider {definition.name} is not written in the file (it refers to a "
            "secret), so fnox-tui cannot point it at a new key."
        )
    recipients = definition.fields.get("recipients")
    if definition.type == "age" and not (
        isinstance(recipients, list) and all(isinstance(r, str) for r in recipients)
    ):
        raise PlanError(f"recipients of provider {definition.name} is not a list of strings.")


@dataclass(slots=True)
class _Found:
    line: int
    ciphertext: str
    providers: dict[str, ProviderDef | None] = field(default_factory=dict)  # profile -> def
    visible: set[str] = field(default_factory=set)  # profiles where this entry is the one used


class _Resolutions:
    """For each stored ciphertext: which provider each profile that loads it resolves it with."""

    def __init__(self, target: EntryId) -> None:
        self.target = target
        self.found: dict[RowKey, _Found] = {}
        self._shown: dict[str, dict[str, EntryId]] = {}  # profile -> name -> entry in use

    def _in_use(self, view: ProfileView) -> dict[str, EntryId]:
        shown = self._shown.get(view.name)
        if shown is None:
            shown = self._shown[view.name] = {
                secret.name: secret_entry(secret.definition) for secret in view.secrets
            }
        return shown

    def collect(self, view: ProfileView, config: ConfigFile) -> None:
        scopes = [config.top]
        if view.name != DEFAULT_PROFILE and view.name in config.profiles:
            scopes.append(config.profiles[view.name])
        fallback = _fallback(view)
        for scope in scopes:
            for definition in scope.secrets.values():
                self._secret(view, config, definition, fallback)
            for provider in scope.providers.values():
                self._identity(view, config, provider)

    def _secret(
        self, view: ProfileView, config: ConfigFile, definition: SecretDef, fallback: str | None
    ) -> None:
        entry = secret_entry(definition)
        visible = self._in_use(view).get(definition.name) == entry
        key_path = (*entry.table, entry.name)
        value = definition.value
        if value is not None:
            name = definition.provider or fallback
            self._add(
                RowKey(entry, Slot.VALUE),
                config.keymap.line((*key_path, "value")),
                value,
                view,
                name,
                visible,
            )
        sync: Any = definition.fields.get("sync")
        if (
            isinstance(sync, dict)
            and isinstance(sync.get("provider"), str)
            and isinstance(sync.get("value"), str)
        ):
            self._add(
                RowKey(entry, Slot.SYNC),
                config.keymap.line((*key_path, "sync")),
                sync["value"],
                view,
                sync["provider"],
                visible,
            )

    def _identity(self, view: ProfileView, config: ConfigFile, provider: ProviderDef) -> None:
        reference: Any = provider.fields.get("identity")
        if not (
            isinstance(reference, dict)
            and isinstance(reference.get("provider"), str)
            and isinstance(reference.get("value"), str)
        ):
            return
        entry = provider_entry(provider)
        shown = view.providers.get(provider.name)
        visible = shown is not None and provider_entry(shown) == entry
        self._add(
            RowKey(entry, Slot.IDENTITY),
            config.keymap.line((*entry.table, entry.name, "identity")),
            reference["value"],
            view,
            reference["provider"],
            visible,
        )

    def _add(
        self,
        key: RowKey,
        line: int,
        ciphertext: str,
        view: ProfileView,
        provider_name: str | None,
        visible: bool,
    ) -> None:
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = _Found(line, ciphertext)
        found.providers[view.name] = view.providers.get(provider_name) if provider_name else None
        if visible:
            found.visible.add(view.name)


def _fallback(view: ProfileView) -> str | None:
    """The provider a secret without its own ``provider`` uses in this profile."""
    if view.default_provider is not None:
        return view.default_provider
    if len(view.providers) == 1:
        return next(iter(view.providers))
    return None


def _is(definition: ProviderDef, target: EntryId) -> bool:
    return provider_entry(definition) == target


def _describe(definition: ProviderDef) -> str:
    table = definition.table
    return f"{definition.name} in {definition.location.path} [{table}]"


def _shadowing_notes(workspace: Workspace, definition: ProviderDef, target: EntryId) -> list[str]:
    """Profiles that see another definition under this provider's name."""
    notes = []
    for view in workspace.profiles.values():
        if definition.location.path not in view.files:
            continue
        if definition.profile is not None and view.name != definition.profile:
            continue
        seen = view.providers.get(definition.name)
        if seen is not None and not _is(seen, target):
            where = seen.location.path
            if where.is_relative_to(workspace.cwd):  # as the screens name files
                where = where.relative_to(workspace.cwd)
            notes.append(
                f"In profile {view.name}, provider {definition.name} is the one in "
                f"{where} [{seen.table}]; its values are not part of this rotation."
            )
    return notes
