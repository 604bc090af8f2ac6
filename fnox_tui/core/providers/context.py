"""What every provider instance shares: the environment, the request counters, one lock."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.field_value import FieldValue
from fnox_tui.core.providers.stats import RequestStats


class ReferenceResolver(Protocol):
    """Resolves what a provider's configuration refers to, in one profile.

    Handed to :meth:`ProviderRegistry.get` by whoever resolves (the SecretResolver), never
    installed on the registry: two resolvers sharing a registry each resolve their own.
    """

    def secret_value(self, owner: ProviderDef, name: str) -> str:
        """The value of secret ``name`` for a field written ``{ secret = "name" }``."""
        ...

    def provider_value(self, owner: ProviderDef, provider: str, value: str) -> str:
        """``value`` resolved by provider ``provider`` (age ``identity = { provider, value }``)."""
        ...


@dataclass(slots=True)
class ProviderContext:
    """Shared by the providers of a registry; a provider whose configuration refers to
    secrets gets a copy carrying its reference resolver and its resolved fields."""

    environ: Mapping[str, str]
    cwd: Path
    max_workers: int = 8
    stats: RequestStats = field(default_factory=RequestStats)
    # Guards client creation: botocore sessions are not thread-safe, clients are.
    lock: threading.RLock = field(default_factory=threading.RLock)
    references: ReferenceResolver | None = None
    resolved: Mapping[str, FieldValue] = field(default_factory=dict)
