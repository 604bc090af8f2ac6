"""fnox_tui.ui.compat: the private Textual APIs it wraps still work as it expects."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static

from fnox_tui.ui.compat import screen_lines, screen_text


class Two(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("first line")
        yield Static(Content.from_markup("[@click=app.bell()]clickable[/] [b]bold[/b]"))


async def test_screen_lines_give_the_text_and_styles_of_every_row() -> None:
    app = Two()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert len(lines) == 5 and all(line.cell_length == 40 for line in lines)
        text = screen_text(app)
        assert text.split("\n")[0].startswith("first line")
        assert text.split("\n")[1].startswith("clickable bold")
        actions = [
            segment.style.meta.get("@click")
            for segment in lines[1]
            if segment.style is not None and segment.style.meta
        ]
        assert "app.bell()" in actions


async def test_screen_lines_leave_pending_redraws_pending() -> None:
    """Unlike export_screenshot, reading the screen does not drop what the next frame draws."""
    app = Two()
    async with app.run_test(size=(40, 5)) as pilot:
        await pilot.pause()
        compositor = app.screen._compositor
        pending = Region(0, 0, 10, 1)
        compositor._dirty_regions.add(pending)
        screen_lines(app)
        assert pending in compositor._dirty_regions
