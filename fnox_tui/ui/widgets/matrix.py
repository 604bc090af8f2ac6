"""The profile matrix: one row per secret name, one column per profile, a cursor on cells.

Names stay on the left and profile names on top while the cells scroll, sideways a whole
column at a time, so any number of profiles fits a narrow terminal. A cell says how its
profile has the secret (defined, inherited, overriding, missing) and through which provider;
once values are revealed it says whether the value equals another profile's. Values are
compared in memory by :mod:`fnox_tui.core.matrix`.

Only the lines on screen are ever built (thousands of secrets cost nothing until they scroll
into view), and a cell's text is built once and kept until its row's values change.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from fnox_tui.core.matrix import (
    MatrixCell,
    ProfileMatrix,
    RowComparison,
    RowsOf,
    build_matrix,
    compare_row,
)
from fnox_tui.core.model import EffectiveSecret, Workspace
from fnox_tui.ui.widgets.matrix_cells import (
    CELL_PADDING,
    LEGEND,
    STAGED_LEGEND,
    cell_text,
    fit_cell_width,
    legend_lines,
    name_label,
    name_width,
    profile_header,
    value_key,
)
from fnox_tui.ui.widgets.secret_tree import SecretNode

ValueLabel = Callable[[EffectiveSecret], Text | None]
PlaintextOf = Callable[[EffectiveSecret], str | None]
StagedMark = Callable[[EffectiveSecret], str | None]


class SecretMatrix(ScrollView, can_focus=True):
    """Secret names down, profiles across, a cursor on one cell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("left,h", "cursor_left", "Left", show=False),
        Binding("right,l", "cursor_right", "Right", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "secret-matrix--header",
        "secret-matrix--names",
        "secret-matrix--cursor",
        "secret-matrix--cursor-guide",
    }

    DEFAULT_CSS = """
    SecretMatrix {
        background: $surface;
        color: $foreground;
        & > .secret-matrix--header {
            text-style: bold;
            background: $panel;
        }
        & > .secret-matrix--names {
            text-style: bold;
        }
        & > .secret-matrix--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .secret-matrix--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .secret-matrix--cursor-guide {
            background: $block-hover-background;
        }
    }
    """

    class CellHighlighted(Message):
        """The cursor moved to another cell."""

        def __init__(self, matrix: SecretMatrix, cell: MatrixCell | None) -> None:
            super().__init__()
            self.matrix = matrix
            self.cell = cell

        @property
        def control(self) -> SecretMatrix:
            return self.matrix

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.matrix: ProfileMatrix | None = None
        self.value_label: ValueLabel = lambda secret: None
        self.plaintext_of: PlaintextOf = lambda secret: None
        # As in the tree: each profile's rows with the staged ones, a row's staged mark, and
        # whether anything is staged at all (the legend then explains the marks).
        self.secrets_of: RowsOf | None = None
        self.staged_mark: StagedMark = lambda secret: None
        self.has_staged: Callable[[], bool] = lambda: False
        self.rebuilds = 0
        self.cursor_row = 0
        self.cursor_column = 0
        self.cell_width = fit_cell_width(0, 0)
        self._active: frozenset[str] = frozenset()
        self._name_width = 0
        self._rows_of_key: dict[Hashable, set[str]] | None = None  # built on first use
        self._texts: dict[tuple[str, str], Text] = {}

    # Building -------------------------------------------------------------------------

    def show(self, workspace: Workspace, query: str = "", *, keep_row: bool = True) -> None:
        """Show the matrix of ``workspace`` (names matching ``query``).

        The cursor stays in its column, and on its row's name with ``keep_row`` (else on the
        first row: the best match of a filter).
        """
        here = self.cursor_cell
        matrix = build_matrix(workspace, query, self.secrets_of)
        self.matrix = matrix
        self.rebuilds += 1
        staged = self.has_staged()
        for legend in self.screen.query(MatrixLegend):
            legend.staged = staged
        self._active = frozenset(workspace.active_profiles)
        self._rows_of_key = None
        self._texts.clear()
        self._name_width = name_width(matrix.names)
        self._fit()
        self.cursor_row = 0
        if here is not None:
            self.jump(here.profile, here.name if keep_row else None)
        else:
            self._moved()

    def _fit(self) -> None:
        """Size the columns to the width on screen and set the scrollable size."""
        matrix = self.matrix
        if matrix is None:
            return
        width = self.scrollable_content_region.width or self.size.width
        columns = len(matrix.profiles)
        cell_width = fit_cell_width(width - self._name_width, columns)
        if cell_width != self.cell_width:
            self.cell_width = cell_width
            self._texts.clear()
        data_width = columns * cell_width
        shown = max(1, (width - self._name_width) // cell_width)
        if columns > shown:
            # Room for the last columns to scroll fully into view at a column's edge.
            data_width = max(data_width, width - self._name_width + (columns - shown) * cell_width)
        self.virtual_size = Size(self._name_width + data_width, len(matrix.names) + 1)
        self.refresh()

    def on_resize(self) -> None:
        self._fit()
        self.call_after_refresh(self._scroll_to_cursor)

    # Values ---------------------------------------------------------------------------

    def comparison(self, name: str) -> RowComparison:
        """How the revealed values of ``name`` compare across the profiles."""
        matrix = self.matrix
        if matrix is None:
            return RowComparison(name)

        def value_of(profile: str, secret_name: str) -> str | None:
            secret = matrix.cell(secret_name, profile).secret
            return self.plaintext_of(secret) if secret is not None else None

        return compare_row(matrix, name, value_of)

    def rows_for(self, keys: Collection[Hashable]) -> set[str]:
        """The names of the rows holding any of these secrets."""
        if self._rows_of_key is None:
            self._rows_of_key = {}
            if self.matrix is not None:
                for (name, _profile), secret in self.matrix.entries.items():
                    self._rows_of_key.setdefault(value_key(secret), set()).add(name)
        rows: set[str] = set()
        for key in keys:
            rows |= self._rows_of_key.get(key, set())
        return rows

    def refresh_values(self, keys: Collection[Hashable] | None = None) -> None:
        """Repaint the rows of these secrets (``None``: every row).

        A row is compared again as a whole (one value changes every marker of its row); its
        cells are built again when next painted, and only rows on screen are painted.
        """
        if keys is None:
            self._texts.clear()
            self.refresh()
            return
        names = self.rows_for(keys)
        if not names or self.matrix is None:
            return
        for name in names:
            for profile in self.matrix.profiles:
                self._texts.pop((name, profile), None)
        self.refresh()

    @property
    def kept_cells(self) -> int:
        """How many cells' texts are kept for painting (only those shown since a change)."""
        return len(self._texts)

    def cell_text_at(self, name: str, profile: str) -> Text | None:
        """A cell as it is painted now (for tests and tools)."""
        matrix = self.matrix
        if matrix is None or name not in matrix.names or profile not in matrix.profiles:
            return None
        return self._cell_text(name, profile)

    def _cell_text(self, name: str, profile: str) -> Text:
        text = self._texts.get((name, profile))
        if text is None:
            self._build_row(name)
            text = self._texts[(name, profile)]
        return text

    def _build_row(self, name: str) -> None:
        matrix = self.matrix
        assert matrix is not None
        comparison = self.comparison(name)
        width = self.cell_width - 2 * CELL_PADDING
        for cell in matrix.row(name):
            secret = cell.secret
            value = self.value_label(secret) if secret is not None else None
            mark = self.staged_mark(secret) if secret is not None else None
            self._texts[(name, cell.profile)] = cell_text(cell, comparison, value, width, mark)

    # Painting -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        matrix = self.matrix
        width = self.scrollable_content_region.width
        base = self.rich_style
        if matrix is None or width <= 0:
            return Strip.blank(max(width, 0), base)
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            return self._header_line(matrix, width, scroll_x, base)
        row = scroll_y + y - 1
        if row >= len(matrix.names):
            return Strip.blank(width, base)
        name = matrix.names[row]
        names_style = base + self.get_component_rich_style("secret-matrix--names")
        if row == self.cursor_row:
            names_style += self.get_component_rich_style("secret-matrix--cursor-guide")
        label = name_label(name, matrix.highlights.get(name, ()))
        left = self._cell_strip(label, self._name_width, names_style)
        cursor = self.get_component_rich_style("secret-matrix--cursor")

        def cell(column: int) -> Strip:
            profile = matrix.profiles[column]
            style = base + cursor if (row, column) == self.cursor_coordinate else base
            return self._cell_strip(self._cell_text(name, profile), self.cell_width, style)

        return Strip.join([left, self._data_strip(cell, width, scroll_x, base)])

    def _header_line(self, matrix: ProfileMatrix, width: int, scroll_x: int, base: Style) -> Strip:
        header = base + self.get_component_rich_style("secret-matrix--header")
        guide = header + self.get_component_rich_style("secret-matrix--cursor-guide")
        count = len(matrix.names)
        corner = Text(f"{count} secret{'' if count == 1 else 's'}", style="dim")
        left = self._cell_strip(corner, self._name_width, header)

        def cell(column: int) -> Strip:
            profile = matrix.profiles[column]
            style = guide if column == self.cursor_column else header
            text = profile_header(profile, profile in self._active, self.cell_width - 2)
            return self._cell_strip(text, self.cell_width, style)

        return Strip.join([left, self._data_strip(cell, width, scroll_x, header)])

    def _data_strip(
        self, cell: Callable[[int], Strip], width: int, scroll_x: int, style: Style
    ) -> Strip:
        """The columns in view, cut at the scroll position, filling the line."""
        matrix = self.matrix
        assert matrix is not None
        data_width = max(0, width - self._name_width)
        first = scroll_x // self.cell_width
        last = min(len(matrix.profiles), (scroll_x + data_width) // self.cell_width + 1)
        strip = Strip.join([cell(column) for column in range(first, last)])
        start = scroll_x - first * self.cell_width
        return strip.crop_extend(start, start + data_width, style)

    def _cell_strip(self, text: Text, width: int, style: Style) -> Strip:
        """``text`` padded and cut to exactly ``width`` cells, over ``style``."""
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        pad = Segment(" " * CELL_PADDING, style)
        line = [pad, *segments]
        return Strip(Segment.adjust_line_length(line, width, style=style), width)

    # Cursor ---------------------------------------------------------------------------

    @property
    def cursor_coordinate(self) -> tuple[int, int]:
        return (self.cursor_row, self.cursor_column)

    @property
    def cursor_cell(self) -> MatrixCell | None:
        matrix = self.matrix
        if matrix is None or not matrix.names or not matrix.profiles:
            return None
        row = min(self.cursor_row, len(matrix.names) - 1)
        column = min(self.cursor_column, len(matrix.profiles) - 1)
        return matrix.cell(matrix.names[row], matrix.profiles[column])

    def cursor_data(self) -> SecretNode | MatrixCell | None:
        """What the cursor is on, as the tree's nodes say it: a secret, or a missing cell."""
        cell = self.cursor_cell
        if cell is None:
            return None
        return SecretNode(cell.secret) if cell.secret is not None else cell

    def jump(self, profile: str | None = None, name: str | None = None) -> None:
        """Move the cursor to ``profile``'s column and ``name``'s row (each where it exists)."""
        matrix = self.matrix
        if matrix is None:
            return
        row, column = self.cursor_coordinate
        if name in matrix.names:
            row = matrix.names.index(name)
        if profile in matrix.profiles:
            column = matrix.profiles.index(profile)
        self.move_cursor(row, column)

    def move_cursor(self, row: int, column: int) -> None:
        matrix = self.matrix
        if matrix is None:
            return
        self.cursor_row = max(0, min(row, len(matrix.names) - 1))
        self.cursor_column = max(0, min(column, len(matrix.profiles) - 1))
        self._moved()

    def _moved(self) -> None:
        self.refresh()
        self._scroll_to_cursor()
        self.post_message(self.CellHighlighted(self, self.cursor_cell))

    def _scroll_to_cursor(self) -> None:
        """Scroll as little as shows the cursor's cell, sideways by whole columns."""
        region = self.scrollable_content_region
        if self.matrix is None or region.height <= 1:
            return
        x, y = self.scroll_offset
        rows = region.height - 1  # below the header
        if self.cursor_row < y:
            y = self.cursor_row
        elif self.cursor_row >= y + rows:
            y = self.cursor_row - rows + 1
        shown = max(1, (region.width - self._name_width) // self.cell_width)
        first = -(-x // self.cell_width)  # the first whole column in view
        if self.cursor_column < first:
            x = self.cursor_column * self.cell_width
        elif self.cursor_column >= first + shown:
            x = (self.cursor_column - shown + 1) * self.cell_width
        else:
            x = first * self.cell_width
        self.scroll_to(x=x, y=y, animate=False, force=True, immediate=True)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1, self.cursor_column)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1, self.cursor_column)

    def action_cursor_left(self) -> None:
        self.move_cursor(self.cursor_row, self.cursor_column - 1)

    def action_cursor_right(self) -> None:
        self.move_cursor(self.cursor_row, self.cursor_column + 1)

    def action_page_up(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(self.cursor_row - step, self.cursor_column)

    def action_page_down(self) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(self.cursor_row + step, self.cursor_column)

    def action_first_row(self) -> None:
        self.move_cursor(0, self.cursor_column)

    def action_last_row(self) -> None:
        self.move_cursor(len(self.matrix.names) if self.matrix else 0, self.cursor_column)

    def on_click(self, event: events.Click) -> None:
        """A click on a cell moves the cursor there (on a name: that row; on a profile: its
        column)."""
        offset = event.get_content_offset(self)
        if offset is None or self.matrix is None:
            return
        scroll_x, scroll_y = self.scroll_offset
        row = self.cursor_row if offset.y == 0 else scroll_y + offset.y - 1
        column = self.cursor_column
        if offset.x >= self._name_width:
            column = (scroll_x + offset.x - self._name_width) // self.cell_width
        if row < len(self.matrix.names) and column < len(self.matrix.profiles):
            self.move_cursor(row, column)


class MatrixLegend(Static):
    """What the glyphs and markers mean, in as many lines as the width needs (the staged
    changes' marks too, while something is staged)."""

    staged: reactive[bool] = reactive(False, layout=True)

    @property
    def items(self) -> tuple[Text, ...]:
        return STAGED_LEGEND + LEGEND if self.staged else LEGEND

    def render(self) -> Text:
        return legend_lines(max(self.size.width, 20), self.items)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(legend_lines(max(width, 20), self.items).split())


class MatrixView(Vertical):
    """The matrix and its legend."""

    def compose(self) -> ComposeResult:
        table = SecretMatrix(id="matrix")
        table.border_title = "Profile matrix"
        yield table
        yield MatrixLegend(id="matrix-legend")

    @property
    def table(self) -> SecretMatrix:
        return self.query_one(SecretMatrix)
