"""Every use of a private Textual API, in one place, each with a test (tests/test_compat.py,
tests/test_ui_compat.py).

Textual offers no public way to do these things (or not at the scale fnox-tui needs) and may
change them between releases (pyproject caps it below the next major); when it does, this is
the one module to adapt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeVar

from rich.text import Text
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")


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


def add_nodes(
    parent: TreeNode[T], nodes: Iterable[tuple[Text, T]], *, allow_expand: bool = False
) -> list[TreeNode[T]]:
    """Append many collapsed nodes (leaves unless ``allow_expand``) to ``parent`` at once.

    ``TreeNode.add`` invalidates the whole tree (its line cache and layout) for every node it
    adds, which for thousands of secrets costs more than everything else; this does it once.
    """
    tree = parent.tree
    new_node = tree._add_node
    added = []
    for label, data in nodes:
        node = new_node(parent, label, data)
        node._allow_expand = allow_expand
        added.append(node)
    parent._children.extend(added)
    parent._updates += 1
    tree._invalidate()
    return added


def repaint_node(node: TreeNode[T]) -> None:
    """Make the tree paint ``node``'s row afresh (its row cache is keyed by this counter).

    What ``TreeNode.set_label`` does, without a new label: the row is built from the node's
    current state when it is painted.
    """
    node._updates += 1


def forget_painted_rows(tree: Tree[T]) -> None:
    """Make ``tree`` paint every row afresh from its nodes' state, without laying out its lines
    again (``Tree._clear_line_cache`` also drops the line list, which for a branch of
    thousands of open rows costs a walk of all of them).
    """
    tree._line_cache.clear()
    tree.refresh()


def fit_painted_rows(tree: Tree[T], height: int) -> None:
    """What ``Tree`` does on a resize, less laying out every open line again: its row cache is
    made to hold ``height`` rows and every row is painted afresh (a row's label may follow the
    width, and a scroll bar coming or going changes it at the same size).

    For a tree whose lines do not depend on its size, which holds when ``get_label_width``
    does not (Tree asks it only for the horizontal scroll extent).
    """
    tree._line_cache.grow(height)
    forget_painted_rows(tree)
