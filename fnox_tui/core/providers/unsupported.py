"""Provider types fnox-tui shows but does not resolve: the user is pointed at ``fnox get``."""

from __future__ import annotations

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import CheckResult, UnsupportedProviderError
from fnox_tui.core.providers.checks import failure


class UnsupportedProvider:
    def __init__(self, definition: ProviderDef) -> None:
        self.definition = definition

    def error(self) -> UnsupportedProviderError:
        return UnsupportedProviderError(
            f"fnox-tui cannot resolve {self.definition.type} secrets itself",
            hint="Use `fnox get NAME`.",
        )

    def resolve(self, value: str) -> str:
        raise self.error()

    def encrypt(self, plaintext: str) -> str:
        raise self.error()

    def check(self) -> CheckResult:
        return failure(self.error(), [("Type", self.definition.type)])
