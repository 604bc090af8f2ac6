"""Counts as people say them: "1 profile", "3 profiles", never "1 profile(s)"."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """``count`` and ``word``, or ``words`` (default: ``word`` + "s") unless the count is 1."""
    return f"{count} {word if count == 1 else (words or word + 's')}"
