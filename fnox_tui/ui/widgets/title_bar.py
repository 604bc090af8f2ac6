"""The line at the top of a screen: the app's title and the screen's sub-title.

Textual's ``Header`` draws the same line with three child widgets (an icon, the title and the
space of a clock), each styled before the first frame; this is one widget, so the first frame
comes sooner. Its style is in app.tcss (``TitleBar``).
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from fnox_tui.ui.text import literal

TITLE_SEPARATOR = " — "


class TitleBar(Widget):
    """``title — sub-title``, centred on one line; the sub-title dim. Both are drawn literally
    (they are sanitized where they are set: a sub-title may name a file)."""

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._title_changed, init=False)
        self.watch(self.screen, "title", self._title_changed, init=False)
        self.watch(self.screen, "sub_title", self._title_changed, init=False)

    def _title_changed(self, _value: object = None) -> None:
        self.refresh()

    @property
    def text(self) -> Text:
        """What the bar shows, as plain ``Text``."""
        screen = self.screen
        title = screen.title if screen.title is not None else self.app.title
        sub_title = screen.sub_title if screen.sub_title is not None else self.app.sub_title
        line = literal(title)
        if sub_title:
            line.append(TITLE_SEPARATOR, style="dim")
            line.append_text(literal(sub_title, style="dim"))
        line.no_wrap = True
        line.overflow = "ellipsis"
        return line

    def render(self) -> Text:
        return self.text
