"""The typed messages between the controller, the app and the screens.

Notifications (the controller posts them to every subscribed node; they do not bubble):

- :class:`WorkspaceLoaded`: a (re)loaded workspace is now the one shown.
- :class:`LoadFailed`: loading failed (the app shows the error screen).
- :class:`ValuesChanged`: the value state (hidden, resolving, revealed, failed) of secrets.
- :class:`ChecksChanged`: provider check results.
- :class:`StagedChangesChanged`: the staged changes (count) changed.
- :class:`StatusChanged`: the status line's progress and counters.

Requests (posted by a screen, modal ones included; they bubble up to the app, which hands
them to the controller): :class:`StageChanges`, :class:`JumpTo`, :class:`CopyText`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

from fnox_tui.core.entries import SecretKey
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import Workspace

if TYPE_CHECKING:
    from fnox_tui.core.changes import Change
    from fnox_tui.core.save_verify import ExpectedValue


class WorkspaceLoaded(Message, bubble=False):
    """``workspace`` is now the loaded one (``first``: the first load of this session)."""

    def __init__(self, workspace: Workspace, first: bool = False) -> None:
        super().__init__()
        self.workspace = workspace
        self.first = first


class LoadFailed(Message, bubble=False):
    """Loading failed; for a FnoxTuiError the app shows the error screen."""

    def __init__(self, error: BaseException | None) -> None:
        super().__init__()
        self.error = error


class ValuesChanged(Message, bubble=False):
    """The value state of these secrets changed; ``keys`` None: possibly every secret's."""

    def __init__(self, keys: frozenset[SecretKey] | None = None) -> None:
        super().__init__()
        self.keys = keys

    def concerns(self, key: SecretKey) -> bool:
        return self.keys is None or key in self.keys


class ChecksChanged(Message, bubble=False):
    """Check results of these providers changed; ``providers`` None: possibly every one."""

    def __init__(self, providers: frozenset[EntryId] | None = None) -> None:
        super().__init__()
        self.providers = providers


class StagedChangesChanged(Message, bubble=False):
    """Changes were staged, undone, discarded or saved; ``count`` entries are staged now."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class StatusChanged(Message, bubble=False):
    """What the status line shows: a progress message (or "") and the session counters."""

    def __init__(self, progress: str, counters: str) -> None:
        super().__init__()
        self.progress = progress
        self.counters = counters


class StageChanges(Message):
    """A request (from a form): stage ``changes`` as one undoable step.

    ``expected``: for each value the user entered, an
    :class:`~fnox_tui.core.save_verify.ExpectedValue` made when it was encrypted (a keyed
    digest, never the plaintext); the value read back after the save is checked against it.
    """

    def __init__(
        self,
        changes: Sequence[Change],
        description: str = "",
        expected: Sequence[ExpectedValue] = (),
    ) -> None:
        super().__init__()
        self.changes = tuple(changes)
        self.description = description
        self.expected = tuple(expected)


class JumpTo(Message, bubble=False):
    """A request to the main screen: put the cursor on a profile, or on one of its secrets."""

    def __init__(self, profile: str, name: str | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.name = name


class CopyText(Message):
    """A request: copy ``text`` to the clipboard. ``secret``: it is one (a new age identity),
    cleared after the clipboard timeout like a value; else never cleared (an IAM policy)."""

    def __init__(self, what: str, text: str, *, secret: bool = False) -> None:
        super().__init__()
        self.what = what
        self.text = text
        self.secret = secret

    def __rich_repr__(self):  # type: ignore[no-untyped-def]
        yield "what", self.what  # never the text
