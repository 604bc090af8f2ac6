"""A table of many rows whose cells change often, drawn line by line.

Textual's DataTable re-renders every visible cell whenever one cell changes (its render
cache is keyed by a global update count), and a screen refresh of a 1,000-row table while
worker threads hold the GIL can take a tenth of a second. This table keeps its rows as Rich
``Text`` cells, draws only the lines on screen (the Line API), and repaints only the line whose
cells changed. The header stays on top; the cursor moves with the arrow keys; long cells are
cut with an ellipsis, the last column takes the width left.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

GAP = 2  # spaces between columns
MAX_AUTO_WIDTH = 40  # a column sized by its cells is at most this wide (the last is not)


class RowTable(ScrollView, can_focus=True):
    """Rows of literal ``Text`` cells under a header; ``cursor`` is the highlighted row."""

    DEFAULT_CSS = """
    RowTable { height: 1fr; overflow-x: hidden; scrollbar-size-vertical: 1; }
    RowTable > .row-table--header { text-style: bold; background: $panel; }
    RowTable > .row-table--cursor { background: $block-cursor-blurred-background; }
    RowTable:focus > .row-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-table--header", "row-table--cursor"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        """The cursor moved to ``index``."""

        def __init__(self, table: RowTable, index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> RowTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[tuple[Text, int | None]],
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``columns``: (header, width) pairs; a width of None follows the cells."""
        super().__init__(id=id, classes=classes)
        self.headers = [header for header, _ in columns]
        self._fixed = [width for _, width in columns]
        self.rows: list[list[Text]] = []
        self._widths = [header.cell_len for header in self.headers]
        # Each row's drawn line, kept until its cells, the cursor or the width change.
        self._lines: dict[int, tuple[bool, int, Strip]] = {}

    # Content -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Sequence[Text]]) -> None:
        """Replace every row (cells are shown as they are: build them with ``literal``)."""
        self.rows = [list(row) for row in rows]
        widths = [header.cell_len for header in self.headers]
        for row in self.rows:
            for column, cell in enumerate(row):
                widths[column] = max(widths[column], min(cell.cell_len, MAX_AUTO_WIDTH))
        self._widths = [
            fixed if fixed is not None else width
            for fixed, width in zip(self._fixed, widths, strict=True)
        ]
        self._lines.clear()
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self.refresh()

    def update_row(self, index: int, cells: dict[int, Text]) -> None:
        """Change some cells of row ``index`` and repaint that line only."""
        row = self.rows[index]
        for column, cell in cells.items():
            row[column] = cell
        self._lines.pop(index, None)
        self._refresh_row(index)

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # Drawing -------------------------------------------------------------------------------

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # the theme or focus changed the styles: draw again

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("row-table--header")
            return self._strip(self.headers, width, style)
        index = round(self.scroll_y) + y - 1
        if not 0 <= index < len(self.rows):
            return Strip.blank(width, self.rich_style)
        on_cursor = index == self.cursor
        cached = self._lines.get(index)
        if cached is not None and cached[0] == on_cursor and cached[1] == width:
            return cached[2]
        style = self.rich_style
        if on_cursor:
            style = style + self.get_component_rich_style("row-table--cursor")
        strip = self._strip(self.rows[index], width, style)
        self._lines[index] = (on_cursor, width, strip)
        return strip

    def _strip(self, cells: Sequence[Text], width: int, style: Style) -> Strip:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        last = len(self._widths) - 1
        used = 0
        for column, cell in enumerate(cells):
            room = max(0, width - used) if column == last else self._widths[column]
            piece = cell.copy()
            piece.truncate(room, overflow="ellipsis", pad=column != last)
            line.append_text(piece)
            used += room
            if column != last:
                line.append(" " * GAP)
                used += GAP
        segments = Segment.apply_style(line.render(self.app.console), style)  # under the cells'
        return Strip(segments).adjust_cell_length(width, style)

    # Cursor --------------------------------------------------------------------------------

    def watch_cursor(self, previous: int, index: int) -> None:
        self._refresh_row(previous)
        self._refresh_row(index)
        self._keep_in_view(index)
        self.post_message(self.Highlighted(self, index))

    def _keep_in_view(self, index: int) -> None:
        visible = max(1, self.size.height - 1)
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False)
        elif index >= top + visible:
            self.scroll_to(y=index - visible + 1, animate=False)

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_move(direction * max(1, self.size.height - 2))

    def action_jump(self, index: int) -> None:
        if self.rows:
            self.cursor = index % len(self.rows)
