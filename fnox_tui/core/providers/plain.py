"""The ``plain`` provider: the stored value is the plaintext."""

from __future__ import annotations

from fnox_tui.core.model import ProviderDef
from fnox_tui.core.providers.base import CheckResult
from fnox_tui.core.providers.checks import ok_badge


class PlainProvider:
    def __init__(self, definition: ProviderDef) -> None:
        self.definition = definition

    def resolve(self, value: str) -> str:
        return value

    def encrypt(self, plaintext: str) -> str:
        return plaintext

    def check(self) -> CheckResult:
        return CheckResult(
            ok=True,
            badge=ok_badge("Plain text"),
            facts=[("Storage", "values are stored unencrypted in the file")],
        )
