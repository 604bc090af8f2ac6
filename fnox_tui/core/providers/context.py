"""What every provider instance shares: the environment, the request counters, one lock.

What a provider's configuration refers to (``{ secret = "X" }`` fields, age
``identity = { provider, value }``) belongs to one loaded workspace, while provider instances
are shared by every workspace (before and after a reload). So the reference resolver is not
stored on the shared context: each call binds its own with :func:`references_bound`, for the
current thread (or task) only, and ``ProviderContext.references`` reads what is bound there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.stats import RequestStats


class ReferenceResolver(Protocol):
    """Resolves what a provider's configuration refers to (set by the SecretResolver)."""

    def secret_value(self, owner: ProviderDef, name: str) -> str:
        """The value of secret ``name`` for a field written ``{ secret = "name" }``."""
        ...

    def provider_value(self, owner: ProviderDef, provider: str, value: str) -> str:
        """``value`` resolved by provider ``provider`` (age ``identity = { provider, value }``)."""
        ...


_REFERENCES: ContextVar[ReferenceResolver | None] = ContextVar("fnox_references", default=None)


@contextmanager
def references_bound(resolver: ReferenceResolver | None) -> Iterator[None]:
    """Resolve references through ``resolver`` for calls made inside this block.

    Bindings nest and are undone on exit; other threads and tasks never see them.
    """
    token = _REFERENCES.set(resolver)
    try:
        yield
    finally:
        _REFERENCES.reset(token)


def current_references() -> ReferenceResolver | None:
    """The reference resolver bound for the running call, if any."""
    return _REFERENCES.get()


@dataclass(slots=True)
class ProviderContext:
    environ: Mapping[str, str]
    cwd: Path
    max_workers: int = 8
    stats: RequestStats = field(default_factory=RequestStats)
    # Guards client creation: botocore sessions are not thread-safe, clients are.
    lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def references(self) -> ReferenceResolver | None:
        """The reference resolver bound for the running call (see :func:`references_bound`)."""
        return _REFERENCES.get()
