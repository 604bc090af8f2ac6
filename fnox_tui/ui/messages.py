"""Typed messages between the forms, the app and the screens.

Requests (posted by a screen, modal ones included, to the app): :class:`StageChanges`.
Notifications: :class:`StagedChangesChanged`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from fnox_tui.core.changes import Change


class StagedChangesChanged(Message, bubble=False):
    """Changes were staged, undone, discarded or saved; ``count`` are staged now."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class StageChanges(Message):
    """A request (from a form): stage ``changes`` as one undoable step."""

    def __init__(self, changes: Sequence[Change], description: str = "") -> None:
        super().__init__()
        self.changes = tuple(changes)
        self.description = description
