"""Fuzzy matching of secret names: the query's characters in order, case-insensitive."""

from __future__ import annotations

import itertools


def fuzzy_match(query: str, text: str) -> tuple[int, ...] | None:
    """Indices in ``text`` matching ``query`` as a subsequence, preferring a contiguous run.

    Returns None when ``text`` does not match. An empty query matches with no indices.
    """
    if not query:
        return ()
    folded_query = query.casefold()
    folded = text.casefold()
    start = folded.find(folded_query)
    if start >= 0:
        return tuple(range(start, start + len(folded_query)))
    indices: list[int] = []
    position = 0
    for char in folded_query:
        position = folded.find(char, position)
        if position < 0:
            return None
        indices.append(position)
        position += 1
    return tuple(indices)


def fuzzy_score(indices: tuple[int, ...]) -> int:
    """Lower is better: gaps between matched characters plus where the match starts."""
    if not indices:
        return 0
    gaps = sum(b - a - 1 for a, b in itertools.pairwise(indices))
    return gaps * 4 + indices[0]
