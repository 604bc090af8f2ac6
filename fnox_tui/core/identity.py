"""Entry identities: which table entry of which file an edit or a rotation is about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class EntryId:
    """One entry of one file: ``table`` is e.g. ``("secrets",)``, ``("profiles", "prod",
    "secrets")``, ``("providers",)`` or ``("profiles", "prod", "providers")``."""

    path: Path
    table: tuple[str, ...]
    name: str
