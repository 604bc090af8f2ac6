"""Building ProviderDef / workspace objects for provider tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fnox_tui.core.model import Location, ProviderDef


def provider_def(
    name: str, type: str, path: Path | None = None, scope: str | None = None, **fields: Any
) -> ProviderDef:
    location = Location(path or Path("/nonexistent/fnox.toml"), 1)
    return ProviderDef(name=name, type=type, fields=fields, location=location, profile=scope)
