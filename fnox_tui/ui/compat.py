"""Every use of a private Textual API, in one place, each with a test (tests/test_ui_compat.py).

Textual offers no public way to do these things at the scale fnox-tui needs; when Textual
changes, this is the one module to adapt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from rich.text import Text
from textual.widgets.tree import TreeNode

T = TypeVar("T")


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
