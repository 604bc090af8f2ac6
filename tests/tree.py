"""Write a directory tree of configuration files from a mapping of relative path -> text."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Create every file under ``root``; the text is dedented and stripped of a leading newline."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def isolated_environ(home: Path, **extra: str) -> dict[str, str]:
    """An environment whose HOME and FNOX_CONFIG_DIR live in ``home`` (never the real one)."""
    environ = {"HOME": str(home), "FNOX_CONFIG_DIR": str(home / ".config" / "fnox")}
    environ.update(extra)
    return environ
