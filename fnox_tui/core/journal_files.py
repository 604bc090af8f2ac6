"""Where a rotation journal lives, and whether one is there.

Apart from the rotation engine (``core.rotation.journal``) so that the look for a journal left
by an interrupted rotation, done at every start, imports neither the engine nor boto3.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fnox_tui.core.model import Workspace

JOURNAL_NAME = ".fnox-tui-rotation.json"


def journal_path(directory: Path) -> Path:
    return directory / JOURNAL_NAME


def find_journal(directories: Iterable[Path]) -> Path | None:
    """The first journal in ``directories`` (e.g. those of every loaded file), if any."""
    for directory in dict.fromkeys(directories):
        path = journal_path(directory)
        if path.is_file():
            return path
    return None


def workspace_directories(workspace: Workspace) -> list[Path]:
    """Where a journal for this workspace may be: the directories of every loaded file."""
    paths = [path for view in workspace.profiles.values() for path in view.files]
    return list(dict.fromkeys([*(path.parent for path in paths), workspace.cwd]))
