"""Names fnox gives meaning to: the default profile, and the profile a file name belongs to.

A leaf module (it imports nothing of fnox-tui), so that the model, the files and the entry
identities can all use it without importing each other.
"""

from __future__ import annotations

import re
from pathlib import Path

DEFAULT_PROFILE = "default"

_PROFILE_FILE_RE = re.compile(r"^\.?fnox\.(?P<profile>.+)\.toml$")


def profile_of_file(path: Path) -> str | None:
    """``fnox.prod.toml`` / ``.fnox.prod.toml`` -> ``"prod"``; other names -> None."""
    match = _PROFILE_FILE_RE.match(path.name)
    if match is None or match.group("profile") == "local":
        return None
    return match.group("profile")
