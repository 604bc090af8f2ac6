"""The status line above the footer: where we are, what is running, what it cost."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from fnox_tui.ui.text import one_line

MAX_WIDTH = 1000


class StatusBar(Static):
    """Left: the workspace summary or a progress message. Right: session counters.

    The texts can name profiles and files, so they are drawn literally on one line (never as
    markup or raw control characters), whoever set them.
    """

    summary: reactive[str] = reactive("")
    progress: reactive[str] = reactive("")
    counters: reactive[str] = reactive("")

    def render(self) -> Text:
        left = Text(
            one_line(self.progress or self.summary, MAX_WIDTH), no_wrap=True, overflow="ellipsis"
        )
        if self.progress:
            left.stylize("bold")
        right = Text(one_line(self.counters, MAX_WIDTH), style="dim")
        width = self.size.width
        gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right)
