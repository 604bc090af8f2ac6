"""The status line above the footer: where we are, what is running, what it cost."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusBar(Static):
    """Left: the workspace summary or a progress message. Right: session counters."""

    summary: reactive[str] = reactive("")
    progress: reactive[str] = reactive("")
    counters: reactive[str] = reactive("")

    def render(self) -> Text:
        left = Text(self.progress or self.summary, no_wrap=True, overflow="ellipsis")
        if self.progress:
            left.stylize("bold")
        right = Text(self.counters, style="dim")
        width = self.size.width
        gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right)
