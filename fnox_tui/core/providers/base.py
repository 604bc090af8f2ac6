"""The provider interface: resolve a stored value, encrypt a new one, check the provider."""

from __future__ import annotations

import enum
from typing import Protocol

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.model import ProviderDef
from fnox_tui.core.record import Record

MAX_PLAINTEXT_BYTES = 4096


class ErrorCode(enum.StrEnum):
    """What went wrong, for the UI to pick an icon or an action (``ProviderError.code``)."""

    CONFIG = "config"  # the configuration cannot work (bad field, cycle, unknown name)
    UNSUPPORTED = "unsupported"  # fnox-tui does not resolve this provider type
    PROVIDER_NOT_FOUND = "provider-not-found"
    MISSING = "missing"  # no value from any source
    NO_CREDENTIALS = "no-credentials"
    NO_REGION = "no-region"
    PROFILE_NOT_FOUND = "profile-not-found"
    EXPIRED_CREDENTIALS = "expired-credentials"
    INVALID_CREDENTIALS = "invalid-credentials"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    ACCESS_DENIED = "access-denied"
    KEY_NOT_FOUND = "key-not-found"
    KEY_DISABLED = "key-disabled"
    KEY_INVALID_STATE = "key-invalid-state"
    KEY_USAGE = "key-usage"
    INCORRECT_KEY = "incorrect-key"
    CORRUPT_VALUE = "corrupt-value"
    NOT_UTF8 = "not-utf8"
    PLAINTEXT_SIZE = "plaintext-size"
    THROTTLED = "throttled"
    SECRET_NOT_FOUND = "secret-not-found"
    AWS = "aws"  # any other AWS error
    NOT_THE_SERVICE = "not-the-service"  # the endpoint answered, but not as AWS would
    AGE_NO_IDENTITY = "age-no-identity"
    AGE_BAD_IDENTITY = "age-bad-identity"
    AGE_IDENTITY_MISMATCH = "age-identity-mismatch"
    AGE_BAD_RECIPIENT = "age-bad-recipient"
    JSON_PATH = "json-path"
    LINE = "line"


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

    def __init__(
        self, message: str, hint: str = "", detail: str = "", code: str = ErrorCode.UNSUPPORTED
    ) -> None:
        super().__init__(message, hint, detail, code)


class SecretMissingError(ProviderError):
    """No source gave the secret a value. ``if_missing`` is the policy fnox would apply.

    fnox itself fails only under ``if_missing = "error"``; under ``"warn"`` (its default) and
    ``"ignore"`` it leaves the variable unset. The UI decides how loudly to show it.
    """

    def __init__(self, name: str, if_missing: str = "warn") -> None:
        super().__init__(
            f"Secret {name} has no value: no provider value, no default and no environment "
            f"variable {name}.",
            hint="Set it with `fnox set`, give it a `default`, or export the variable.",
            code=ErrorCode.MISSING,
        )
        self.name = name
        self.if_missing = if_missing


class CheckResult(Record):
    """The outcome of ``t`` on a provider: a short badge and labelled facts for the details.

    ``derived_from`` names the secrets whose values the provider's configuration took: such a
    result is forgotten whenever revealed values are.
    """

    __slots__ = ("badge", "derived_from", "error", "facts", "ok")
    _fields = ("ok", "badge", "facts", "error", "derived_from")

    def __init__(
        self,
        ok: bool,
        badge: str,
        facts: list[tuple[str, str]] | None = None,
        error: ProviderError | None = None,
        derived_from: tuple[str, ...] = (),
    ) -> None:
        self.ok = ok
        self.badge = badge
        self.facts: list[tuple[str, str]] = [] if facts is None else facts
        self.error = error
        self.derived_from = derived_from


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
