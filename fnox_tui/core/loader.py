"""Load a workspace: every profile's merged view of the configuration, as fnox builds it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fnox_tui.core.configfile import ConfigFile, ScopeTables, read_config_file
from fnox_tui.core.discovery import (
    LoadPlan,
    active_profiles,
    look_at,
    plan_discovery,
    plan_explicit,
    profile_files_in,
    uses_discovery,
)
from fnox_tui.core.errors import ConfigNotFoundError, ConfigReadError
from fnox_tui.core.gcpause import LARGE_WORKSPACE, building_long_lived, set_aside_new
from fnox_tui.core.identity import EntryId
from fnox_tui.core.loaded import FileOrigin, FileScope, LoadedFile
from fnox_tui.core.model import (
    DEFAULT_PROFILE,
    EffectiveSecret,
    Location,
    Origin,
    Problem,
    ProfileView,
    ProviderDef,
    SecretDef,
    Severity,
    Workspace,
)
from fnox_tui.core.record import FrozenRecord, Record

Shadowed = dict[str, list[SecretDef]]


class FileCache:
    """Reads each file once per load.

    ``parsed``: documents parsed already, by the SHA-256 of their bytes (``read_config_file``).
    """

    def __init__(self, parsed: dict[str, Any] | None = None) -> None:
        self.files: dict[Path, ConfigFile] = {}
        self.parsed = parsed

    def __call__(self, path: Path) -> ConfigFile:
        config = self.files.get(path)
        if config is None:
            config = self.files[path] = read_config_file(path, self.parsed)
        return config


class MergedConfig(Record):
    """Files merged lowest priority first: providers and secrets replaced whole by name.

    The secret definitions a later file replaced are kept in ``shadowed`` (top level) and
    ``profile_shadowed`` (per profile), lowest priority first.
    """

    __slots__ = ("profile_shadowed", "profiles", "shadowed", "top")
    _fields = ("top", "profiles", "shadowed", "profile_shadowed")

    def __init__(
        self,
        top: ScopeTables | None = None,
        profiles: dict[str, ScopeTables] | None = None,
        shadowed: Shadowed | None = None,
        profile_shadowed: dict[str, Shadowed] | None = None,
    ) -> None:
        self.top = ScopeTables() if top is None else top
        self.profiles: dict[str, ScopeTables] = {} if profiles is None else profiles
        self.shadowed: Shadowed = {} if shadowed is None else shadowed
        self.profile_shadowed: dict[str, Shadowed] = (
            {} if profile_shadowed is None else profile_shadowed
        )

    @classmethod
    def of(cls, files: list[ConfigFile]) -> MergedConfig:
        merged = cls()
        for config in files:
            _overlay(merged.top, config.top, merged.shadowed)
            for name, scope in config.profiles.items():
                _overlay(
                    merged.profiles.setdefault(name, ScopeTables()),
                    scope,
                    merged.profile_shadowed.setdefault(name, {}),
                )
        return merged


def _overlay(base: ScopeTables, overlay: ScopeTables, shadowed: Shadowed) -> None:
    base.providers.update(overlay.providers)
    if base.secrets and overlay.secrets:
        for name in base.secrets.keys() & overlay.secrets.keys():
            shadowed.setdefault(name, []).append(base.secrets[name])
    base.secrets.update(overlay.secrets)
    if overlay.default_provider is not None:
        base.default_provider = overlay.default_provider
        base.default_provider_location = overlay.default_provider_location


def load_workspace(
    cwd: Path | None = None,
    config: str | os.PathLike[str] | None = None,
    profiles: list[str] | None = None,
    environ: Mapping[str, str] | None = None,
    cache: FileCache | None = None,
) -> Workspace:
    """Load what fnox would load from ``cwd`` (or only ``config`` and its imports).

    Raises ConfigNotFoundError when there is nothing to load and ConfigSyntaxError when a
    file is not valid TOML. Everything else fnox would refuse is reported as a Problem.
    ``cache``, when given, keeps every file read (``cache.files``: path -> ConfigFile).
    """
    with building_long_lived():
        workspace = _load_workspace(cwd, config, profiles, environ, cache)
        if workspace.size >= LARGE_WORKSPACE:
            # Before collections resume: they would walk all of it. The workspace this one
            # replaces, if any, is still in use: the app frees it once it has let go of it.
            set_aside_new()
    return workspace


def _load_workspace(
    cwd: Path | None,
    config: str | os.PathLike[str] | None,
    profiles: list[str] | None,
    environ: Mapping[str, str] | None,
    cache: FileCache | None,
) -> Workspace:
    environ = os.environ if environ is None else environ
    # fnox starts from the physical working directory (getcwd): through a symlinked path it
    # walks the real parents, not the logical ones.
    cwd = Path.cwd() if cwd is None else Path(os.path.realpath(cwd))
    active = active_profiles(profiles, environ)
    read = FileCache() if cache is None else cache
    explicit: Path | None = None
    if not uses_discovery(config):
        assert config is not None
        explicit = Path(config)
        if not explicit.is_absolute():
            explicit = cwd / explicit
        found, denied = look_at(explicit)
        if denied is not None:
            raise ConfigReadError(explicit, denied)
        if not found:
            raise ConfigNotFoundError(cwd, explicit)

    def plan_for(profile_list: list[str]) -> LoadPlan:
        if explicit is not None:
            return plan_explicit(explicit, environ, read)
        return plan_discovery(cwd, profile_list, environ, read)

    base_plan = plan_for([DEFAULT_PROFILE])
    if not base_plan.listing:
        raise ConfigNotFoundError(cwd)
    base_files = [read(path) for path in base_plan.merge_order]
    base = MergedConfig.of(base_files)

    names: list[str] = [DEFAULT_PROFILE, *base.profiles]
    profile_files = profile_files_in(base_plan.directories) if explicit is None else {}
    names += sorted(name for name in profile_files if name not in names)
    names += [name for name in active if name not in names]
    names = list(dict.fromkeys(names))

    problems = ProblemList(base_plan.problems)
    views: dict[str, ProfileView] = {}
    merged_by_profile: dict[str, MergedConfig] = {DEFAULT_PROFILE: base}
    plans: dict[str, LoadPlan] = {}
    default_names: set[str] = set()
    for name in names:
        if name == DEFAULT_PROFILE or name not in profile_files:
            plan, merged = base_plan, base
        else:
            plan = plan_for([name])
            merged = MergedConfig.of([read(path) for path in plan.merge_order])
            problems.extend(plan.problems)
        plans[name] = plan
        merged_by_profile[name] = merged
        views[name] = _profile_view(name, plan, merged, default_names, problems)
        if name == DEFAULT_PROFILE:  # first: the other profiles' overrides are of these names
            default_names = set(merged.top.secrets)

    # The active profiles' files: already walked when one profile is active (the usual case).
    active_plan = plans[active[0]] if len(active) == 1 else plan_for(active)
    for config in read.files.values():
        problems.items += config.problems
    origins: dict[Path, FileOrigin] = {}
    for plan in (base_plan, *plans.values(), active_plan):
        for path, origin in plan.origins.items():
            origins.setdefault(path, origin)
    return Workspace(
        cwd=cwd,
        explicit_config=explicit,
        active_profiles=active,
        profiles=views,
        providers=_provider_list(merged_by_profile),
        files=active_plan.listing,
        problems=problems.items,
        if_missing=_top_level_if_missing(base_files),
        loaded={
            path: LoadedFile.of(
                config, origins.get(path) or FileOrigin(FileScope.DIRECTORY, path.parent)
            )
            for path, config in read.files.items()
        },
    )


def _top_level_if_missing(files: list[ConfigFile]) -> str | None:
    """The top-level ``if_missing``: a higher-priority file's setting wins, as in fnox."""
    result = None
    for config in files:
        value = config.data.get("if_missing")
        if value in ("error", "warn", "ignore"):
            result = value
    return result


def _profile_view(
    name: str,
    plan: LoadPlan,
    merged: MergedConfig,
    default_names: set[str],
    problems: ProblemList,
) -> ProfileView:
    own = merged.profiles.get(name) if name != DEFAULT_PROFILE else None
    secrets = dict(merged.top.secrets)
    providers = dict(merged.top.providers)
    default_provider = merged.top.default_provider
    default_location = merged.top.default_provider_location
    if own is not None:
        secrets.update(own.secrets)
        providers.update(own.providers)
        if own.default_provider is not None:
            default_provider = own.default_provider
            default_location = own.default_provider_location
    default_error = None
    if default_provider is not None and default_provider not in providers:
        default_error = f"default_provider {default_provider!r} is not a provider of {name!r}"
        _add_problem(problems, default_location or Location(plan.listing[0]), default_error)
        default_provider = None
    fallback, fallback_source = default_provider, "default_provider"
    if fallback is None and len(providers) == 1:
        fallback, fallback_source = next(iter(providers)), "only provider"

    def build(report: ProblemList | None = None) -> list[EffectiveSecret]:
        fallback_of = (fallback, fallback_source)
        with building_long_lived():  # long-lived objects: no collections while they are made
            effective = _effective_secrets(
                name, merged, own, secrets, providers, fallback_of, default_names, report
            )
        if len(effective) >= LARGE_WORKSPACE and report is None:  # (built after loading)
            set_aside_new()  # out of later full collections, as the loaded workspace is
        return effective

    named = _providers_named(merged.top)
    if own is not None:
        named = named | _providers_named(own)
    if named.issubset(providers):
        # No entry can name a provider this profile lacks: nothing to report, so the list
        # is made when something first asks for it (most profiles are never opened).
        return ProfileView(
            name,
            list(plan.listing),
            providers=providers,
            default_provider=default_provider,
            default_provider_error=default_error,
            build=build,
            size=len(secrets),
        )
    return ProfileView(
        name, list(plan.listing), build(problems), providers, default_provider, default_error
    )


def _providers_named(tables: ScopeTables) -> frozenset[str]:
    """The provider names the table's secrets give with ``provider =`` (worked out once)."""
    named = tables.providers_named
    if named is None:
        named = tables.providers_named = frozenset(
            provider
            for definition in tables.secrets.values()
            if isinstance(provider := definition.fields.get("provider"), str)
        )
    return named


def _effective_secrets(
    name: str,
    merged: MergedConfig,
    own: ScopeTables | None,
    secrets: dict[str, SecretDef],
    providers: dict[str, ProviderDef],
    fallback_of: tuple[str | None, str],
    default_names: set[str],
    problems: ProblemList | None,
) -> list[EffectiveSecret]:
    """The profile's secrets as fnox resolves them; ``problems``, when given, receives a
    warning for each entry that names a provider the profile does not have."""
    fallback, fallback_source = fallback_of
    shadows = _shadow_chains(merged, own, name)
    # This loop runs once per secret and profile, for files of hundreds of thousands: lean.
    effective: list[EffectiveSecret] = []
    add = effective.append
    shadow = shadows.get
    is_default = name == DEFAULT_PROFILE
    for definition in secrets.values():
        if is_default:
            origin = Origin.DEFINED
        elif definition.profile == name or definition.profile_file:
            origin = Origin.OVERRIDES if definition.name in default_names else Origin.DEFINED
        else:
            origin = Origin.INHERITED
        fields = definition.fields  # (SecretDef.provider and .value, without two calls each)
        provider_name, source = fields.get("provider"), "own"
        if not isinstance(provider_name, str):
            provider_name = None
        if provider_name is None and isinstance(fields.get("value"), str):
            provider_name, source = fallback, fallback_source if fallback else ""
        provider = providers.get(provider_name) if provider_name else None
        if provider_name and provider is None and problems is not None:
            _add_problem(
                problems,
                definition.location,
                f"secret `{definition.name}` names provider {provider_name!r}, "
                f"which profile {name!r} does not have",
                Severity.WARNING,
            )
        add(
            EffectiveSecret(
                name,
                definition,
                origin,
                provider_name,
                provider,
                source if provider_name else "",
                shadow(definition.name, ()),
            )
        )
    return effective


def _shadow_chains(
    merged: MergedConfig, own: ScopeTables | None, profile: str
) -> dict[str, tuple[SecretDef, ...]]:
    """For each name whose definition replaced others in this profile's merge, what it
    replaced, lowest priority first: earlier files' entries, then (for an override) the
    top-level entry and earlier files' entries of the profile's own table."""
    chains = {name: tuple(chain) for name, chain in merged.shadowed.items()}
    if own is None or not own.secrets:
        return chains
    own_shadowed = merged.profile_shadowed.get(profile, {})
    top = merged.top.secrets
    for name in (own.secrets.keys() & top.keys()) | own_shadowed.keys():
        overridden = (top[name],) if name in top else ()
        chains[name] = (*chains.get(name, ()), *overridden, *own_shadowed.get(name, ()))
    return chains


class ProblemList:
    """Problems in the order found, each once (a set: a file may repeat one thousands of times)."""

    def __init__(self, initial: list[Problem]) -> None:
        self.items: list[Problem] = []
        self._seen: set[Problem] = set()
        self.extend(initial)

    def add(self, problem: Problem) -> None:
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.add(problem)


def _add_problem(
    problems: ProblemList, location: Location, message: str, severity: Severity = Severity.ERROR
) -> None:
    problems.add(Problem(location, message, severity))


def _provider_list(merged_by_profile: dict[str, MergedConfig]) -> list[ProviderDef]:
    """Top-level providers, then each profile's own, without repeating an entry."""
    result: list[ProviderDef] = []
    seen: set[EntryId] = set()
    ordered = [merged_by_profile[DEFAULT_PROFILE], *merged_by_profile.values()]
    for merged in ordered:
        for provider in merged.top.providers.values():
            if provider.id not in seen:
                seen.add(provider.id)
                result.append(provider)
    for name, merged in merged_by_profile.items():
        scope = merged.profiles.get(name)
        if scope is None or name == DEFAULT_PROFILE:
            continue
        for provider in scope.providers.values():
            if provider.id not in seen:
                seen.add(provider.id)
                result.append(provider)
    return result


class WorkspaceSource(FrozenRecord):
    """How to load the workspace again: what ``-c``, ``-P`` and the directory were."""

    __slots__ = ("config", "cwd", "environ", "profiles")
    _fields = ("cwd", "config", "profiles", "environ")

    def __init__(
        self,
        cwd: Path,
        config: str | None = None,
        profiles: tuple[str, ...] = (),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.cwd = cwd
        self.config = config
        self.profiles = profiles
        self.environ = environ

    def load(self, parsed: dict[str, Any] | None = None) -> Workspace:
        """The workspace; ``parsed`` as for ``FileCache`` (documents parsed ahead)."""
        return load_workspace(
            cwd=self.cwd,
            config=self.config,
            profiles=list(self.profiles) or None,
            environ=self.environ,
            cache=None if parsed is None else FileCache(parsed),
        )
