"""The rotation engine's limiter: :class:`fnox_tui.core.limiter.AdaptiveLimiter` (shared with
`V`, which lives outside the rotation package)."""

from fnox_tui.core.limiter import POLL_SECONDS, AdaptiveLimiter

__all__ = ["POLL_SECONDS", "AdaptiveLimiter"]
