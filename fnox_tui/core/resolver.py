"""Resolve a secret as ``fnox get`` does: sync cache, provider, default, environment, missing.

The order follows fnox's secret_resolver.rs:

1. the ``sync`` cache, when its provider is one fnox-tui resolves (otherwise the main
   provider is asked instead);
2. the provider (own ``provider``, else ``default_provider``, else the only provider) applied
   to ``value``; when it fails and the secret has a ``default``, the default is used;
3. ``default``, where ``${OTHER}`` is replaced by OTHER's value in the same profile (no
   escape: ``$${X}`` gives ``$`` then X's value; an unterminated ``${`` is literal; an
   unknown name, ``${}`` or a cycle is an error; a referenced secret without a value
   expands to "" unless its ``if_missing`` is ``error``);
4. the process environment variable of the same name;
5. otherwise :class:`SecretMissingError`, carrying the ``if_missing`` policy.

``json_path`` / ``line`` apply to whatever value was found.

A provider field written ``{ secret = "NAME" }`` is resolved as fnox does when it builds the
provider: NAME as defined in the profile being resolved (else the environment variable NAME).
The resolver hands the registry a per-profile :class:`ProfileReferences` with each request; it
never installs itself on the registry, so resolvers sharing a registry do not interfere.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from fnox_tui.core.entries import SecretKey
from fnox_tui.core.model import (
    DEFAULT_PROFILE,
    EffectiveSecret,
    ProfileView,
    ProviderDef,
    Workspace,
)
from fnox_tui.core.postprocess import apply_post_processing
from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError, SecretMissingError
from fnox_tui.core.providers.checks import failure
from fnox_tui.core.providers.fields import referenced_fields
from fnox_tui.core.providers.registry import ProviderRegistry, is_supported

__all__ = ["SecretMissingError", "SecretResolver"]

IF_MISSING_VALUES = ("error", "warn", "ignore")


class SecretResolver:
    """Resolves the secrets of one loaded workspace through a shared ProviderRegistry.

    Thread-safe: ``resolve`` may be called from several worker threads at once. It resolves
    what provider configurations refer to (``{ secret = "X" }`` fields, age ``identity = {
    provider, value }``) for its own requests only, through :meth:`references`.
    """

    def __init__(
        self,
        workspace: Workspace,
        registry: ProviderRegistry,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.workspace = workspace
        self.registry = registry
        self.environ = os.environ if environ is None else environ
        self._local = threading.local()
        self._references: dict[str, ProfileReferences] = {}
        self._references_lock = threading.Lock()

    def resolve(self, secret: EffectiveSecret) -> str:
        """The secret's plaintext. Raises ProviderError (SecretMissingError when no value)."""
        view = self.workspace.profiles[secret.profile]
        with self._guard(f"secret {secret.profile}/{secret.name}"):
            return _Resolution(self, view).root(secret)

    def resolve_name(self, name: str, profile: str | None = None) -> str:
        view = self.workspace.profiles[profile or self.workspace.active_profile]
        secret = view.secret(name)
        if secret is None:
            raise ProviderError(
                f"Secret {name} is not defined in profile {view.name}.",
                code=ErrorCode.CONFIG,
            )
        return self.resolve(secret)

    def resolve_all(
        self, secrets: Iterable[EffectiveSecret], max_workers: int | None = None
    ) -> dict[SecretKey, str | ProviderError]:
        """Resolve many secrets on worker threads; each result is a value or its error."""
        items = list(secrets)
        workers = max(1, min(max_workers or self.registry.max_workers, len(items) or 1))

        def one(secret: EffectiveSecret) -> str | ProviderError:
            try:
                return self.resolve(secret)
            except ProviderError as error:
                return error

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fnox-resolve") as pool:
            results = list(pool.map(one, items))
        return {secret.key: result for secret, result in zip(items, results, strict=True)}

    def if_missing(self, secret: EffectiveSecret) -> str:
        """The policy fnox applies: FNOX_IF_MISSING, the secret's, the file's,
        FNOX_IF_MISSING_DEFAULT, then ``warn``."""
        forced = self.environ.get("FNOX_IF_MISSING")
        if forced:
            return forced.lower() if forced.lower() in IF_MISSING_VALUES else "warn"
        for value in (secret.definition.if_missing, self.workspace.if_missing):
            if value in IF_MISSING_VALUES:
                return value
        fallback = (self.environ.get("FNOX_IF_MISSING_DEFAULT") or "").lower()
        return fallback if fallback in IF_MISSING_VALUES else "warn"

    def check(self, definition: ProviderDef, profile: str | None = None) -> CheckResult:
        """``t``: whether the provider works, as seen from ``profile`` (its own profile, else
        the active one), its ``{ secret = "X" }`` fields resolved as fnox would."""
        references = self.references(profile or self._profile_for(definition))
        try:
            with self._guard(f"provider {definition.name}"):
                return self.registry.get(definition, references).check()
        except ProviderError as error:
            result = failure(error)
            result.derived_from = tuple(sorted(set(referenced_fields(definition).values())))
            return result

    def references(self, profile: str) -> ProfileReferences:
        """What resolves provider references for requests made in ``profile``."""
        with self._references_lock:
            found = self._references.get(profile)
            if found is None:
                view = self.workspace.profiles.get(profile) or self._active_view()
                found = self._references[profile] = ProfileReferences(self, view)
            return found

    def _profile_for(self, owner: ProviderDef) -> str:
        if owner.profile is not None and owner.profile in self.workspace.profiles:
            return owner.profile
        return self._active_view().name

    def _active_view(self) -> ProfileView:
        profiles = self.workspace.profiles
        return profiles.get(self.workspace.active_profile) or profiles[DEFAULT_PROFILE]

    @contextmanager
    def _guard(self, key: str) -> Iterator[None]:
        """Stop a provider/secret reference loop on this thread instead of recursing forever."""
        stack: list[str] = self._local.__dict__.setdefault("stack", [])
        if key in stack:
            chain = " → ".join([*stack[stack.index(key) :], key])
            raise ProviderError(
                f"References loop back on themselves: {chain}.",
                hint="Break the loop in the configuration.",
                code=ErrorCode.CONFIG,
            )
        stack.append(key)
        try:
            yield
        finally:
            stack.pop()


class ProfileReferences:
    """Resolves what provider configurations refer to, for requests in one profile.

    The registry keeps providers built from referenced values per instance of this class, so
    each profile (and each resolver) gets providers built from its own values.
    """

    def __init__(self, resolver: SecretResolver, view: ProfileView) -> None:
        self.resolver = resolver
        self.view = view

    def secret_value(self, owner: ProviderDef, name: str) -> str:
        secret = self.view.secret(name)
        if secret is None:
            value = self.resolver.environ.get(name)
            if value is None:
                raise ProviderError(
                    f"Provider {owner.name} refers to secret {name}, which is neither defined "
                    f"in profile {self.view.name} nor set in the environment.",
                    hint=f"Define secret {name} or export {name}.",
                    code=ErrorCode.CONFIG,
                )
            return value
        try:
            return self.resolver.resolve(secret)
        except ProviderError as error:
            raise ProviderError(
                f"Provider {owner.name} takes a setting from secret {name}, which could not be "
                f"resolved: {error.message}",
                hint=error.hint,
                detail=error.detail,
                code=error.code,
            ) from None

    def provider_value(self, owner: ProviderDef, provider: str, value: str) -> str:
        definition = self.view.providers.get(provider)
        if definition is None:
            raise ProviderError(
                f"Provider {owner.name} takes its identity from provider {provider}, which is "
                "not defined.",
                hint=f"Define [providers.{provider}] or fix `identity` of {owner.name}.",
                code=ErrorCode.PROVIDER_NOT_FOUND,
            )
        with self.resolver._guard(f"provider {definition.name}"):
            return self.resolver.registry.get(definition, self).resolve(value)


class _Resolution:
    """One ``resolve`` call: references resolved once each, cycles detected."""

    def __init__(self, resolver: SecretResolver, view: ProfileView) -> None:
        self.resolver = resolver
        self.view = view
        self.references = resolver.references(view.name)
        self.memo: dict[str, str | None] = {}
        self.stack: list[str] = []

    def root(self, secret: EffectiveSecret) -> str:
        """Single-secret resolution (``fnox get``)."""
        definition = secret.definition
        self.stack.append(secret.name)
        try:
            value = self.from_provider(secret)
        except ProviderError:
            if definition.default is None:
                raise
            value = None
        if value is not None:
            return self.post(value, secret)
        if definition.default is not None:
            return self.post(self.render(secret.name, definition.default), secret)
        env_value = self.resolver.environ.get(secret.name)
        if env_value is not None:
            return self.post(env_value, secret)
        raise SecretMissingError(secret.name, self.resolver.if_missing(secret))

    def reference(self, owner: str, name: str) -> str | None:
        """A secret named in a default: resolved as fnox's batch resolution does."""
        if name in self.memo:
            return self.memo[name]
        secret = self.view.secret(name)
        if secret is None:
            raise ProviderError(
                f"Secret {owner} references undefined secret {name} in its default value.",
                hint=f"Define {name}, or fix the default of {owner}.",
                code=ErrorCode.CONFIG,
            )
        if name in self.stack:
            chain = " → ".join([*self.stack[self.stack.index(name) :], name])
            raise ProviderError(
                f"Interpolation dependency cycle among secrets: {chain}.",
                hint="Break the cycle in the secrets' defaults.",
                code=ErrorCode.CONFIG,
            )
        self.stack.append(name)
        try:
            value = self.batch_value(secret)
        finally:
            self.stack.pop()
        self.memo[name] = value
        return value

    def batch_value(self, secret: EffectiveSecret) -> str | None:
        definition = secret.definition
        policy = self.resolver.if_missing(secret)
        if self.provider_backed(secret):
            try:
                value = self.from_provider(secret)
            except ProviderError:
                if definition.default is not None:
                    return self.post(self.render(secret.name, definition.default), secret)
                if policy == "error":
                    raise
                return None
            if value is not None:
                return self.post(value, secret)
        if definition.default is not None:
            return self.post(self.render(secret.name, definition.default), secret)
        env_value = self.resolver.environ.get(secret.name)
        if env_value is not None:
            return self.post(env_value, secret)
        if policy == "error":
            raise SecretMissingError(secret.name, policy)
        return None

    def provider_backed(self, secret: EffectiveSecret) -> bool:
        return _sync(secret) is not None or (
            secret.definition.value is not None and secret.provider_name is not None
        )

    def from_provider(self, secret: EffectiveSecret) -> str | None:
        """The value from the sync cache or the provider; None when there is no provider."""
        registry = self.resolver.registry
        sync = _sync(secret)
        if sync is not None:
            definition = self.view.providers.get(sync[0])
            if definition is not None and is_supported(definition.type):
                return registry.get(definition, self.references).resolve(sync[1])
        value = secret.definition.value
        if value is None:
            return None
        if secret.provider_name is None:
            if secret.definition.provider is None and self.view.default_provider_error:
                raise ProviderError(
                    f"Cannot choose a provider for secret {secret.name}: "
                    f"{self.view.default_provider_error}.",
                    hint="Fix default_provider, or give the secret its own provider.",
                    code=ErrorCode.PROVIDER_NOT_FOUND,
                )
            return None
        if secret.provider is None:
            raise ProviderError(
                f"Secret {secret.name} uses provider {secret.provider_name!r}, which profile "
                f"{self.view.name!r} does not define.",
                hint=f"Add [providers.{secret.provider_name}] or fix the secret's provider.",
                code=ErrorCode.PROVIDER_NOT_FOUND,
            )
        return registry.get(secret.provider, self.references).resolve(value)

    def render(self, owner: str, template: str) -> str:
        out: list[str] = []
        rest = template
        while (start := rest.find("${")) != -1:
            out.append(rest[:start])
            after = rest[start + 2 :]
            end = after.find("}")
            if end == -1:
                out.append(rest[start:])
                return "".join(out)
            name = after[:end]
            if not name:
                raise ProviderError(
                    f"Secret {owner} has an empty ${{}} reference in its default value.",
                    hint="Write ${NAME} with the name of another secret.",
                    code=ErrorCode.CONFIG,
                )
            value = self.reference(owner, name)
            if value is not None:
                out.append(value)
            rest = after[end + 1 :]
        out.append(rest)
        return "".join(out)

    def post(self, value: str, secret: EffectiveSecret) -> str:
        return apply_post_processing(value, secret.definition.fields, secret.name)


def _sync(secret: EffectiveSecret) -> tuple[str, str] | None:
    sync: Any = secret.definition.fields.get("sync")
    if (
        isinstance(sync, dict)
        and isinstance(sync.get("provider"), str)
        and isinstance(sync.get("value"), str)
    ):
        return sync["provider"], sync["value"]
    return None
