"""Durations as people say them: "5 seconds", "2 minutes", "1 hour 30 minutes".

Every duration the app shows (the clipboard clear, the idle timeout, a rotation's elapsed time
and estimate, a program's time limit) goes through ``human_duration``."""

from __future__ import annotations

import math

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def _count(count: float, name: str) -> str:
    return f"{count:g} {name}" + ("" if count == 1 else "s")


def human_duration(seconds: float) -> str:
    """``seconds`` in at most two units, largest first; below ten seconds, tenths are kept.

    Negative or not-a-number durations read as "0 seconds", an infinite one as "forever"."""
    if math.isnan(seconds) or seconds <= 0:
        return "0 seconds"
    if math.isinf(seconds):
        return "forever"
    if seconds < 10 and round(seconds, 1) != round(seconds):
        return _count(round(seconds, 1), "second")
    remaining = round(seconds)
    parts: list[str] = []
    for name, size in _UNITS:
        count, remaining = divmod(remaining, size)
        if count and len(parts) < 2:
            parts.append(_count(count, name))
        elif parts:
            break  # "1 hour 0 minutes 5 seconds" is said "1 hour"
    return " ".join(parts) or "0 seconds"
