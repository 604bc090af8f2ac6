"""A profile matrix: one row per secret name, one column per profile, and how values compare.

Each cell says whether the profile defines the secret, inherits it from the top-level
``[secrets]``, overrides it, or lacks it. Revealed values are compared in memory through keyed
digests: a comparison holds only which profiles agree, never a value nor a digest of one.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from fnox_tui.core.fuzzy import fuzzy_match, fuzzy_score
from fnox_tui.core.model import EffectiveSecret, Origin, ProfileView, Workspace

# Digests are keyed with a secret drawn once per process: equal values can be told apart
# from different ones without a digest ever being something that could be looked up.
_DIGEST_KEY = os.urandom(32)

ValueOf = Callable[[str, str], str | None]
"""``value_of(profile, name)``: the revealed plaintext of a cell, or None when not revealed."""


class CellState(enum.Enum):
    """What one profile has of one secret name."""

    DEFINED = "defined"  # defined for this profile (or the default profile's own)
    INHERITED = "inherited"  # from the top-level [secrets]
    OVERRIDES = "overrides"  # defined for this profile, replacing a top-level secret
    MISSING = "missing"  # this profile does not see a secret of this name


_STATE_OF_ORIGIN = {
    Origin.DEFINED: CellState.DEFINED,
    Origin.INHERITED: CellState.INHERITED,
    Origin.OVERRIDES: CellState.OVERRIDES,
}


@dataclass(frozen=True, slots=True)
class MatrixCell:
    """One secret name in one profile."""

    name: str
    profile: str
    state: CellState
    secret: EffectiveSecret | None = None  # None when missing

    @property
    def provider_name(self) -> str | None:
        return self.secret.provider_name if self.secret is not None else None


@dataclass(frozen=True, slots=True)
class ProfileMatrix:
    """Rows (secret names) by columns (profiles), optionally narrowed by a fuzzy filter."""

    names: tuple[str, ...]
    profiles: tuple[str, ...]
    entries: dict[tuple[str, str], EffectiveSecret] = field(repr=False)  # (name, profile)
    highlights: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)
    query: str = ""

    def cell(self, name: str, profile: str) -> MatrixCell:
        secret = self.entries.get((name, profile))
        if secret is None:
            return MatrixCell(name, profile, CellState.MISSING)
        return MatrixCell(name, profile, _STATE_OF_ORIGIN[secret.origin], secret)

    def row(self, name: str) -> tuple[MatrixCell, ...]:
        return tuple(self.cell(name, profile) for profile in self.profiles)

    def column(self, profile: str) -> tuple[MatrixCell, ...]:
        return tuple(self.cell(name, profile) for name in self.names)

    def filtered(self, query: str) -> ProfileMatrix:
        """Only the names matching ``query`` (fuzzy), best match first; all of them if empty."""
        query = query.strip()
        if not query:
            return ProfileMatrix(_all_names(self.entries), self.profiles, self.entries)
        found = []
        for name in _all_names(self.entries):
            indices = fuzzy_match(query, name)
            if indices is not None:
                found.append((fuzzy_score(indices), name, indices))
        found.sort(key=lambda item: (item[0], item[1]))
        return ProfileMatrix(
            tuple(name for _, name, _ in found),
            self.profiles,
            self.entries,
            {name: indices for _, name, indices in found},
            query,
        )


def _all_names(cells: dict[tuple[str, str], EffectiveSecret]) -> tuple[str, ...]:
    return tuple(sorted({name for name, _ in cells}))


RowsOf = Callable[[ProfileView], Sequence[EffectiveSecret]]
"""``rows_of(view)``: the secrets a profile shows (as loaded, or with staged changes)."""


def build_matrix(
    workspace: Workspace, query: str = "", rows_of: RowsOf | None = None
) -> ProfileMatrix:
    """The matrix of every profile of ``workspace`` (in workspace order), names sorted;
    ``rows_of`` gives each profile's secrets (default: as loaded)."""
    cells: dict[tuple[str, str], EffectiveSecret] = {}
    for view in workspace.profiles.values():
        for secret in view.secrets if rows_of is None else rows_of(view):
            cells[(secret.name, view.name)] = secret
    full = ProfileMatrix(_all_names(cells), tuple(workspace.profiles), cells)
    return full.filtered(query) if query.strip() else full


# Comparing revealed values -------------------------------------------------------------


def value_digest(value: str) -> bytes:
    """A keyed digest of a value, to tell equal values apart in memory only."""
    data = value.encode("utf-8", "surrogatepass")
    return hmac.new(_DIGEST_KEY, data, hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class RowComparison:
    """How the revealed values of one secret name compare across profiles.

    ``groups`` hold the profiles whose revealed values are equal, the largest group first
    (ties: the group reaching furthest left), then in column order. Nothing here holds a
    value or a digest.
    """

    name: str
    groups: tuple[tuple[str, ...], ...] = ()
    missing: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()  # present, value not revealed

    @property
    def revealed(self) -> tuple[str, ...]:
        return tuple(profile for group in self.groups for profile in group)

    @property
    def compared(self) -> bool:
        """Whether at least two revealed values could be compared."""
        return len(self.revealed) >= 2

    def equal_to(self, profile: str) -> tuple[str, ...]:
        """The other profiles whose revealed value equals ``profile``'s."""
        for group in self.groups:
            if profile in group:
                return tuple(other for other in group if other != profile)
        return ()

    def differs(self, profile: str) -> bool:
        """True when ``profile``'s value is revealed and unlike every other revealed one."""
        return self.compared and profile in self.revealed and not self.equal_to(profile)

    def sentences(self) -> list[str]:
        """What a reader should know, in words: agreements, differences, gaps."""
        name = self.name
        result = []
        if self.compared:
            for group in self.groups:
                if len(group) > 1:
                    result.append(f"{name} is the same in {_and(group)}")
            for index, group in enumerate(self.groups[1:], start=1):
                earlier = [profile for previous in self.groups[:index] for profile in previous]
                verb = "differs" if len(group) == 1 else "differ"
                result.append(f"{_possessive(group)} {name} {verb} from {_possessive(earlier)}")
        result += [f"{profile} is missing {name}" for profile in self.missing]
        return result


def compare_row(matrix: ProfileMatrix, name: str, value_of: ValueOf) -> RowComparison:
    """Compare the revealed values of ``name`` across the matrix's profiles."""
    by_digest: dict[bytes, list[str]] = {}
    missing = []
    hidden = []
    for cell in matrix.row(name):
        if cell.state is CellState.MISSING:
            missing.append(cell.profile)
            continue
        value = value_of(cell.profile, name)
        if value is None:
            hidden.append(cell.profile)
            continue
        by_digest.setdefault(value_digest(value), []).append(cell.profile)
    order = {profile: index for index, profile in enumerate(matrix.profiles)}
    groups = sorted(by_digest.values(), key=lambda group: (-len(group), order[group[0]]))
    if groups:
        reference, rest = groups[0], groups[1:]
        groups = [reference, *sorted(rest, key=lambda group: order[group[0]])]
    return RowComparison(name, tuple(map(tuple, groups)), tuple(missing), tuple(hidden))


def _and(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _possessive(profiles: Iterable[str]) -> str:
    return _and(f"{profile}'s" for profile in profiles)
