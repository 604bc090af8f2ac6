"""The stable identity of a provider or secret definition: its file, table and name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class EntryId:
    path: Path
    table: tuple[str, ...]
    name: str
