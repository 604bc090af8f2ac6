"""Durations as people say them: "5 seconds", "2 minutes", "1 hour 30 minutes"."""

from __future__ import annotations

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def human_duration(seconds: float) -> str:
    """``seconds`` in at most two units, largest first; below ten seconds, tenths are kept."""
    if seconds < 10 and seconds != int(seconds):
        value = round(seconds, 1)
        return f"{value:g} second" + ("" if value == 1 else "s")
    remaining = round(seconds)
    parts: list[str] = []
    for name, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count and len(parts) < 2:
            parts.append(f"{count} {name}" + ("" if count == 1 else "s"))
        elif parts:
            break  # "1 hour 0 minutes 5 seconds" is said "1 hour"
    return " ".join(parts) or "0 seconds"
