"""Building CheckResults: badges for success and for each kind of failure."""

from __future__ import annotations

from fnox_tui.core.providers.base import CheckResult, ErrorCode, ProviderError

_FAILURE_BADGES: dict[str, str] = {
    ErrorCode.ACCESS_DENIED: "Access denied",
    ErrorCode.KEY_NOT_FOUND: "Key not found",
    ErrorCode.KEY_DISABLED: "Disabled",
    ErrorCode.KEY_INVALID_STATE: "Unusable state",
    ErrorCode.NO_CREDENTIALS: "No credentials",
    ErrorCode.NO_REGION: "No region",
    ErrorCode.PROFILE_NOT_FOUND: "Unknown profile",
    ErrorCode.EXPIRED_CREDENTIALS: "Credentials expired",
    ErrorCode.INVALID_CREDENTIALS: "Bad credentials",
    ErrorCode.UNREACHABLE: "Unreachable",
    ErrorCode.TIMEOUT: "Timed out",
    ErrorCode.THROTTLED: "Throttled",
    ErrorCode.CONFIG: "Misconfigured",
    ErrorCode.UNSUPPORTED: "Not resolved by fnox-tui",
    ErrorCode.AGE_NO_IDENTITY: "No identity",
    ErrorCode.AGE_BAD_IDENTITY: "Bad identity",
    ErrorCode.AGE_BAD_RECIPIENT: "Bad recipient",
}


def ok_badge(text: str) -> str:
    return f"✓ {text}"


def failed_badge(text: str) -> str:
    return f"✗ {text}"


def failure(error: ProviderError, facts: list[tuple[str, str]] | None = None) -> CheckResult:
    label = _FAILURE_BADGES.get(error.code, "Error")
    return CheckResult(ok=False, badge=failed_badge(label), facts=facts or [], error=error)
