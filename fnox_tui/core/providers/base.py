"""The provider interface: resolve a stored value, encrypt a new one, check the provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.model import ProviderDef

MAX_PLAINTEXT_BYTES = 4096


class ProviderError(FnoxTuiError):
    """A provider call that failed, explained for the user.

    ``message`` is one sentence on what went wrong, ``hint`` what to do about it, and
    ``detail`` optional copyable text (an IAM policy, a list of places looked). None of them
    may carry a plaintext value.
    """

    def __init__(self, message: str, hint: str = "", detail: str = "", code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.detail = detail
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UnsupportedProviderError(ProviderError):
    """fnox-tui cannot resolve this provider type itself."""


@dataclass(slots=True)
class CheckResult:
    """The outcome of ``t`` on a provider: a short badge and labelled facts for the details."""

    ok: bool
    badge: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    error: ProviderError | None = None


class Provider(Protocol):
    definition: ProviderDef

    def resolve(self, value: str) -> str:
        """The plaintext for a stored value (decrypt or fetch). Raises ProviderError."""
        ...

    def encrypt(self, plaintext: str) -> str:
        """The value to store for ``plaintext``. Raises ProviderError."""
        ...

    def check(self) -> CheckResult:
        """Whether the provider is usable, with facts about its key or store."""
        ...
