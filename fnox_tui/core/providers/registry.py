"""One provider instance per provider definition, shared by the worker threads."""

from __future__ import annotations

import dataclasses
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from fnox_tui.core.model import EffectiveSecret, ProviderDef
from fnox_tui.core.providers.age import AgeProvider
from fnox_tui.core.providers.aws_kms import AwsKmsProvider
from fnox_tui.core.providers.aws_remote import AwsParameterStoreProvider, AwsSecretsManagerProvider
from fnox_tui.core.providers.base import Provider, ProviderError
from fnox_tui.core.providers.context import ProviderContext, ReferenceResolver
from fnox_tui.core.providers.fields import resolve_references, uses_references
from fnox_tui.core.providers.plain import PlainProvider
from fnox_tui.core.providers.redaction import Redactor, ReferencedProvider
from fnox_tui.core.providers.stats import RequestStats
from fnox_tui.core.providers.unsupported import UnsupportedProvider

Factory = Callable[[ProviderDef, ProviderContext], Provider]

FACTORIES: dict[str, Factory] = {
    "aws-kms": AwsKmsProvider,
    "aws-sm": AwsSecretsManagerProvider,
    "aws-ps": AwsParameterStoreProvider,
    "age": AgeProvider,
    "plain": lambda definition, _context: PlainProvider(definition),
}
SUPPORTED_TYPES = frozenset(FACTORIES)


def is_supported(provider_type: str) -> bool:
    """Whether fnox-tui resolves this provider type itself."""
    return provider_type in SUPPORTED_TYPES


def resolves_on_cpu(secret: EffectiveSecret) -> bool:
    """Whether resolving ``secret`` surely needs nothing but the CPU: a plain value, a default
    that names no other secret, the environment, or an error found in the file itself.

    Such secrets gain nothing from threads of their own. The others may wait on a remote
    service, a key file or another secret.
    """
    definition = secret.definition
    if "sync" in definition.fields:
        return False
    if secret.provider is not None and secret.provider.type != "plain":
        return secret.provider.type not in SUPPORTED_TYPES  # unsupported: an error at once
    default = definition.default
    return default is None or "${" not in default


class ProviderRegistry:
    """Creates each provider once (and so one boto3 client each) and hands it to every caller.

    Providers are keyed by what defines them (file, scope, name, type and fields), so
    reloading an unchanged file reuses the same clients. ``environ`` is what the fnox
    variables (FNOX_AGE_KEY, FNOX_CONFIG_DIR, ...) are read from; the AWS credential chain and
    endpoint variables are read by botocore from the process environment.

    A provider whose configuration refers to secrets (``key_id = { secret = "KEYREF" }``, age
    ``identity = { provider, value }``) is built per reference resolver, from the values that
    resolver gives, the first time that resolver asks for it; it is wrapped so that nothing it
    reports holds those values, and :meth:`forget_referenced` drops it with them.
    """

    def __init__(
        self,
        environ: Mapping[str, str] | None = None,
        max_workers: int = 8,
        *,
        cwd: Path | None = None,
    ) -> None:
        self.context = ProviderContext(
            environ=os.environ if environ is None else environ,
            cwd=Path.cwd() if cwd is None else cwd,
            max_workers=max_workers,
        )
        self._providers: dict[tuple[Any, ...], Provider] = {}
        self._referenced: weakref.WeakKeyDictionary[
            ReferenceResolver, dict[tuple[Any, ...], Provider]
        ] = weakref.WeakKeyDictionary()
        self._referenced_from_environ: dict[tuple[Any, ...], Provider] = {}
        self._lock = threading.Lock()

    @property
    def stats(self) -> RequestStats:
        return self.context.stats

    @property
    def max_workers(self) -> int:
        return self.context.max_workers

    def get(self, definition: ProviderDef, references: ReferenceResolver | None = None) -> Provider:
        """The provider for ``definition``. ``references`` resolves what its configuration
        refers to (without one, ``{ secret = "X" }`` is read from the environment variable X);
        resolving them may raise ProviderError."""
        factory = FACTORIES.get(definition.type)
        if factory is not None and uses_references(definition):
            return self._referenced_provider(definition, factory, references)
        key = _key(definition)
        with self._lock:
            provider = self._providers.get(key)
            if provider is None:
                if factory is None:
                    provider = UnsupportedProvider(definition)
                else:
                    provider = factory(definition, self.context)
                self._providers[key] = provider
            return provider

    def _referenced_provider(
        self, definition: ProviderDef, factory: Factory, references: ReferenceResolver | None
    ) -> Provider:
        key = _key(definition)
        with self._lock:
            found = self._referenced_cache(references).get(key)
        if found is not None:
            return found
        # Outside the lock: resolving a referenced secret asks this registry for its provider.
        resolved = resolve_references(definition, references, self.context.environ)
        context = dataclasses.replace(self.context, references=references, resolved=resolved)
        provider = factory(definition, context)
        if resolved:  # an age identity from another provider leaves nothing to redact
            provider = ReferencedProvider(provider, Redactor(resolved.values()))
        with self._lock:
            found = self._referenced_cache(references).setdefault(key, provider)
        if found is not provider:  # another thread built it meanwhile
            provider.close()
        return found

    def _referenced_cache(
        self, references: ReferenceResolver | None
    ) -> dict[tuple[Any, ...], Provider]:
        if references is None:
            return self._referenced_from_environ
        cache = self._referenced.get(references)
        if cache is None:
            cache = self._referenced[references] = {}
        return cache

    @property
    def holds_referenced(self) -> bool:
        """Whether any provider built from referenced values is kept."""
        with self._lock:
            return bool(self._referenced_from_environ) or any(
                self._referenced[resolver] for resolver in list(self._referenced.keys())
            )

    def forget_referenced(self) -> int:
        """Drop (and close) every provider built from referenced values; returns how many.

        The next request resolves the references again.
        """
        with self._lock:
            caches = [*(self._referenced[r] for r in list(self._referenced.keys()))]
            caches.append(self._referenced_from_environ)
            providers = [provider for cache in caches for provider in cache.values()]
            self._referenced = weakref.WeakKeyDictionary()
            self._referenced_from_environ = {}
        for provider in providers:
            _close(provider)
        return len(providers)

    def warm_up(self, definitions: Iterable[ProviderDef]) -> int:
        """Create the providers' clients ahead of the first request; returns how many.

        Decrypts and sends nothing: it only moves boto3's import and client set-up off the
        first reveal. A provider that cannot be set up is left for that reveal to explain, and
        one whose configuration refers to secrets is left alone (that would decrypt them).
        """
        made = 0
        for definition in definitions:
            if uses_references(definition):
                continue
            build = getattr(self.get(definition), "client", None)
            if build is None:
                continue
            try:
                build()
            except ProviderError:
                continue
            made += 1
        return made

    def close(self) -> None:
        """Close every client; the registry can be used again afterwards."""
        self.forget_referenced()
        with self._lock:
            providers = list(self._providers.values())
            self._providers.clear()
        for provider in providers:
            _close(provider)

    def __enter__(self) -> ProviderRegistry:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _close(provider: Provider) -> None:
    close = getattr(provider, "close", None)
    if close is not None:
        close()


def _key(definition: ProviderDef) -> tuple[Any, ...]:
    return (
        str(definition.location.path),
        definition.profile,
        definition.name,
        definition.type,
        _freeze(definition.fields),
    )


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value
