"""RowTable: many rows, literal cells, a changed row repaints alone, the cursor stays in view."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult

from fnox_tui.ui.compat import screen_text
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.row_table import RowTable


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[int] = []

    def compose(self) -> ComposeResult:
        yield RowTable([(literal("Name"), None), (literal("Status"), 8), (literal("Detail"), 0)])

    def on_row_table_highlighted(self, event: RowTable.Highlighted) -> None:
        self.highlighted.append(event.index)


def rows(count: int) -> list[list[Any]]:
    return [[literal(f"ROW_{n:03}"), literal("pending"), literal("")] for n in range(count)]


async def test_rows_are_drawn_literally_under_a_header() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows([[literal("[red]x[/]"), literal("done"), literal("\x1b[2J")]])
        await pilot.pause()
        lines = screen_text(app).splitlines()
        assert lines[0].split() == ["Name", "Status", "Detail"]
        assert "[red]x[/]" in lines[1] and "␛[2J" in lines[1]


async def test_a_long_cell_is_cut_with_an_ellipsis() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 5)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows([[literal("n"), literal("failed"), literal("x" * 100)]])
        await pilot.pause()
        line = screen_text(app).splitlines()[1]
        assert line.rstrip().endswith("x…") and len(line) == 40


async def test_an_updated_row_is_drawn_again_and_only_it(monkeypatch: Any) -> None:
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows(100))
        await pilot.pause()
        drawn: list[int] = []
        real = table._strip

        def counting(cells: Any, width: int, style: Any) -> Any:
            drawn.append(int(cells[0].plain[4:]))
            return real(cells, width, style)

        monkeypatch.setattr(table, "_strip", counting)
        table.update_row(3, {1: literal("done")})
        await pilot.pause()
        assert drawn == [3]
        assert "ROW_003  done" in screen_text(app)


async def test_the_cursor_moves_and_stays_in_view() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(RowTable)
        table.set_rows(rows(50))
        table.focus()
        await pilot.pause()
        for _ in range(10):
            await pilot.press("down")
        assert table.cursor == 10 and app.highlighted[-1] == 10
        assert "ROW_010" in screen_text(app)
        await pilot.press("end")
        assert table.cursor == 49 and "ROW_049" in screen_text(app)
        await pilot.press("home")
        assert table.cursor == 0 and "ROW_000" in screen_text(app)
