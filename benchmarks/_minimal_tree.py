"""The reference of bench_first_paint.py --pty: a minimal Textual app that paints a Tree.

The tree's root is expanded and holds one leaf per name given (default: ten names), the
names fnox-tui shows for the benchmark's small file, so both draw the same text.

    python benchmarks/_minimal_tree.py [NAME ...]
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Tree


class TreeApp(App[None]):
    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names = names

    def compose(self) -> ComposeResult:
        tree: Tree[None] = Tree("fnox")
        tree.root.expand()
        for name in self.names:
            tree.root.add_leaf(name)
        yield tree


if __name__ == "__main__":
    TreeApp(sys.argv[1:] or [f"SECRET_{index}" for index in range(10)]).run()
