"""The private Textual APIs that fnox_tui/ui/compat.py relies on still behave as it expects."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from fnox_tui.ui.compat import add_nodes, fit_painted_rows, forget_painted_rows, repaint_node


class StateTree(Tree[str]):
    """Paints each row from a shared state, as SecretTree paints secrets from their values."""

    state: ClassVar[dict[str, str]] = {}

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        if node.data in self.state:
            return Text(f"{node.data}={self.state[node.data]}")
        return super().render_label(node, base_style, style)


class TreeApp(App[None]):
    def compose(self) -> ComposeResult:
        tree = StateTree("root")
        tree.show_root = False
        yield tree


def row(tree: Tree[str], line: int) -> str:
    return "".join(segment.text for segment in tree.render_line(line)).strip()


async def test_add_nodes_appends_leaves_and_branches_in_one_go() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(StateTree)
        leaves = add_nodes(tree.root, [(Text(f"leaf {i}"), f"l{i}") for i in range(3)])
        branches = add_nodes(tree.root, [(Text("branch"), "b")], allow_expand=True)
        await pilot.pause()
        assert [child.data for child in tree.root.children] == ["l0", "l1", "l2", "b"]
        assert [node.allow_expand for node in leaves] == [False] * 3
        assert branches[0].allow_expand and not branches[0].is_expanded
        assert all(node.parent is tree.root for node in [*leaves, *branches])
        assert tree.get_node_by_id(leaves[1].id) is leaves[1]  # registered with the tree
        assert tree.last_line == 3  # laid out again once, with every node
        add_nodes(branches[0], [(Text("inside"), "i")])
        branches[0].expand()
        await pilot.pause()
        assert tree.last_line == 4
        assert row(tree, 4).endswith("inside")


async def test_repaint_node_makes_the_tree_paint_the_row_again() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(StateTree)
        StateTree.state.clear()
        StateTree.state["x"] = "old"
        (node,) = add_nodes(tree.root, [(Text("x"), "x")])
        await pilot.pause()
        assert row(tree, 0).endswith("x=old")
        StateTree.state["x"] = "new"
        assert row(tree, 0).endswith("x=old")  # Tree caches the painted row
        repaint_node(node)
        assert row(tree, 0).endswith("x=new")


async def test_forget_painted_rows_paints_every_row_again_without_laying_out_the_lines() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(StateTree)
        StateTree.state.clear()
        StateTree.state.update({"x": "old", "y": "old"})
        add_nodes(tree.root, [(Text("x"), "x"), (Text("y"), "y")])
        await pilot.pause()
        assert [row(tree, 0), row(tree, 1)] == ["x=old", "y=old"]
        lines = tree._tree_lines  # the laid-out line list
        StateTree.state.update({"x": "new", "y": "new"})
        assert row(tree, 0) == "x=old"  # Tree caches the painted rows
        forget_painted_rows(tree)
        assert [row(tree, 0), row(tree, 1)] == ["x=new", "y=new"]
        assert tree._tree_lines is lines  # not laid out again


async def test_fit_painted_rows_holds_the_new_height_and_paints_afresh_without_laying_out() -> None:
    app = TreeApp()
    async with app.run_test() as pilot:
        tree = app.query_one(StateTree)
        StateTree.state.clear()
        StateTree.state.update({"x": "old"})
        add_nodes(tree.root, [(Text("x"), "x")])
        await pilot.pause()
        assert row(tree, 0) == "x=old"
        lines = tree._tree_lines
        StateTree.state.update({"x": "new"})
        fit_painted_rows(tree, 5000)
        assert tree._line_cache.maxsize >= 5000  # a tall terminal's rows all stay painted
        assert row(tree, 0) == "x=new"
        assert tree._tree_lines is lines
