"""Where the keys of a file are written, found when first asked for.

The scanner (``keyscan``) is imported, and a file scanned, only when a position is needed: a
problem to show, a secret's details. Loading a workspace needs none.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fnox_tui.core.keyscan import KeyMap

KeyPath = tuple[str, ...]

# fnox (the Rust ``toml`` crate) refuses arrays and inline tables nested deeper than this, and
# a key (a header's or a dotted key) written with more parts than MAX_KEY_PARTS.
MAX_NESTING = 80
MAX_KEY_PARTS = 80
BOM = "\ufeff"  # a UTF-8 byte order mark: skipped at the start of a file, as fnox does


class LazyKeyMap:
    """The key map of one text, scanned the first time a position is asked for.

    Loading a workspace needs no line numbers until one is shown (a problem, a secret's
    details): a file of thousands of secrets is not scanned before the first frame.
    """

    __slots__ = ("_keymap", "_lock", "_text")

    def __init__(self, text: str) -> None:
        self._text: str | None = text
        self._keymap: KeyMap | None = None
        self._lock = threading.Lock()

    @property
    def keymap(self) -> KeyMap:
        keymap = self._keymap
        if keymap is None:
            with self._lock:  # once, whichever thread asks first
                keymap = self._keymap
                if keymap is None:
                    assert self._text is not None
                    from fnox_tui.core.keyscan import scan_keys  # its patterns: on first use

                    keymap = self._keymap = scan_keys(self._text)
                    self._text = None
        return keymap

    def __getstate__(self) -> tuple[str | None, KeyMap | None]:
        return (self._text, self._keymap)  # not the lock: a copy has its own

    def __setstate__(self, state: tuple[str | None, KeyMap | None]) -> None:
        self._text, self._keymap = state
        self._lock = threading.Lock()

    @property
    def scanned(self) -> bool:
        return self._keymap is not None

    def position(self, path: KeyPath) -> tuple[int, int]:
        """Line and column of ``path``; else the line of its nearest recorded ancestor and
        column 0; else (0, 0)."""
        return self.keymap.position(path)
