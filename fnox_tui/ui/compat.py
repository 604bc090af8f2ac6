"""Every use of a private Textual API, in one place (tests/test_compat.py covers each).

Textual may change these between releases (pyproject caps it below the next major); when it
does, this module is the one to adapt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.strip import Strip

if TYPE_CHECKING:
    from textual.app import App


def screen_lines(app: App[object]) -> list[Strip]:
    """The current screen as the terminal would draw it in full: one Strip per line.

    What ``App.export_screenshot`` renders (the top screen over the ones it shows through),
    as lines of styled segments instead of an SVG, for tests to read text and styles from.
    Unlike ``export_screenshot`` it leaves the regions waiting to be redrawn as they were, so
    the next frame still writes them to the terminal.
    """
    compositor = app.screen._compositor
    dirty = set(compositor._dirty_regions)
    update = compositor.render_update(full=True, screen_stack=app._background_screens)
    compositor._dirty_regions.update(dirty)
    return [Strip.join(line) for line in getattr(update, "strips", [])]


def screen_text(app: App[object]) -> str:
    """The current screen as plain text, one line per row."""
    return "\n".join(line.text for line in screen_lines(app))
