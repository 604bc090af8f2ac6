"""The tree on the left: the providers, then every profile with its secrets."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text, TextType
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from fnox_tui.core.entries import SecretKey
from fnox_tui.core.fuzzy import fuzzy_match, fuzzy_score
from fnox_tui.core.model import EffectiveSecret, Location, ProfileView, ProviderDef, Workspace
from fnox_tui.core.record import FrozenRecord
from fnox_tui.ui.compat import add_nodes, fit_painted_rows, forget_painted_rows, repaint_node
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.labels import profile_label, provider_label, secret_label

if TYPE_CHECKING:
    from pathlib import Path

MAX_FILTER_MATCHES = 2000
# A profile with more secrets than this shows them in groups of this many, each filled when
# opened: Textual lays out every open row again whenever a branch opens or closes, so a large
# open branch makes the first frame and every change slower (hundreds of thousands of rows
# would take seconds).
GROUP_SIZE = 1000
_SECRET_ROW_LABEL = Text("")  # secret rows are painted by render_label, from their data


# Tree data: records (see core.record) that compare and hash by their fields, as the frozen
# dataclasses they were did (an open branch is remembered as its data).


class ProvidersGroup(FrozenRecord):
    """The ``Providers`` branch."""

    __slots__ = ()


class ProviderNode(FrozenRecord):
    __slots__ = ("provider",)
    _fields = ("provider",)

    def __init__(self, provider: ProviderDef) -> None:
        self.provider = provider


class ProfileNode(FrozenRecord):
    __slots__ = ("profile",)
    _fields = ("profile",)

    def __init__(self, profile: str) -> None:
        self.profile = profile


class SecretGroup(ProfileNode):
    """Secrets ``start`` to ``stop`` (in the profile's order) of a large profile.

    A ProfileNode too: on a group row, the details, ``V`` and ``P`` are the profile's. Never
    equal to a ProfileNode (nor a group of another range).
    """

    __slots__ = ("start", "stop")
    _fields = ("profile", "start", "stop")

    def __init__(self, profile: str, start: int, stop: int) -> None:
        self.profile = profile
        self.start = start
        self.stop = stop


class SecretNode:
    """A secret's row: equal only to itself (one is made per secret and row)."""

    __slots__ = ("highlight", "secret")

    def __init__(self, secret: EffectiveSecret, highlight: tuple[int, ...] = ()) -> None:
        self.secret = secret
        self.highlight = highlight

    def __repr__(self) -> str:
        return f"SecretNode(secret={self.secret!r}, highlight={self.highlight!r})"


NodeData = ProvidersGroup | ProviderNode | ProfileNode | SecretGroup | SecretNode
Branch = ProvidersGroup | ProfileNode
ValueLabel = Callable[[EffectiveSecret], Text | None]
ProviderBadge = Callable[[ProviderDef], Text | None]
SecretsOf = Callable[[ProfileView], list[EffectiveSecret]]
StagedMark = Callable[[EffectiveSecret], str | None]
StagedSummary = Callable[[ProfileView], tuple[int, Mapping[str, int]] | None]


class SecretTree(Tree[NodeData]):
    """Profiles and their secrets. Branches fill in when first expanded."""

    class Painted(Message):
        """The tree has drawn a workspace for the first time (what can wait, waited for it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("left,h", "collapse_or_parent", "Collapse", show=False),
        Binding("right,l", "expand_or_child", "Expand", show=False),
        Binding("enter", "toggle_node", "Toggle", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("fnox"), id=id)  # hidden; Text: no markup (nor emoji table) to read
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = False
        self.rebuilds = 0
        self.workspace: Workspace | None = None
        self.query_text = ""
        self.value_label: ValueLabel = lambda secret: None
        self.provider_badge: ProviderBadge = lambda provider: None
        # The rows of a profile (its secrets, with staged ones) and a row's staged mark.
        self.secrets_of: SecretsOf = lambda view: view.secrets
        self.staged_mark: StagedMark = lambda secret: None
        # With staged changes: (secrets once saved, marks of the rows by kind); else None.
        self.staged_summary: StagedSummary = lambda view: None
        self._problem_lines: dict[Path, set[int]] = {}  # the lines with a problem, by file
        self._filled: set[str] = set()
        self._profile_nodes: dict[str, TreeNode[NodeData]] = {}
        self._group_nodes: dict[str, list[TreeNode[NodeData]]] = {}  # grouped profiles only
        # Where each secret is among its profile's children (filter matches) or in the
        # profile's order (otherwise), indexed when first asked for.
        self._match_index: dict[str, dict[str, TreeNode[NodeData]]] = {}
        self._order_index: dict[str, dict[str, int]] = {}
        self.truncated = False
        self._painted = False

    # Building -------------------------------------------------------------------------

    def show(self, workspace: Workspace, query: str = "") -> None:
        """Rebuild the whole tree for ``workspace``, keeping only names matching ``query``."""
        self.workspace = workspace
        self.query_text = query
        self.rebuilds += 1
        self._problem_lines = {}
        for problem in workspace.problems:
            self._problem_lines.setdefault(problem.location.path, set()).add(problem.location.line)
        self._filled.clear()
        self._profile_nodes.clear()
        self._group_nodes.clear()
        self._match_index.clear()
        self._order_index.clear()
        self.truncated = False
        self.clear()
        if not query:
            providers = self.root.add(
                Text.assemble(
                    Text("Providers", style="bold"),
                    Text(f"  {len(workspace.providers)}", style="dim"),
                ),
                data=ProvidersGroup(),
                allow_expand=bool(workspace.providers),
            )
            for provider in workspace.providers:
                providers.add_leaf(literal(provider.name), data=ProviderNode(provider))
        budget = MAX_FILTER_MATCHES
        for view in workspace.profiles.values():
            active = view.name in workspace.active_profiles
            if not query:
                # Without staged changes the loaded count says it: no profile's rows are
                # made before they are shown (a profile view builds them on first use).
                unstaged = self.staged_summary(view) is None
                node = self.root.add(
                    self._profile_label(view, active),
                    data=ProfileNode(view.name),
                    allow_expand=view.size > 0 if unstaged else bool(self.secrets_of(view)),
                )
                self._profile_nodes[view.name] = node
                continue
            matches = _matches(self.secrets_of(view), query)
            if len(matches) > budget:
                matches = matches[:budget]
                self.truncated = True
            budget -= len(matches)
            node = self.root.add(
                self._profile_label(view, active, shown=len(matches)),
                data=ProfileNode(view.name),
                allow_expand=bool(matches),
            )
            self._profile_nodes[view.name] = node
            self._add_secrets(node, ((secret, indices) for secret, indices in matches))
            self._filled.add(view.name)
            if matches:
                node.expand()

    def _profile_label(self, view: ProfileView, active: bool, shown: int | None = None) -> Text:
        """The profile's row; with staged changes, its count is the number of secrets it
        will have once saved, and its rows' marks are counted beside it."""
        summary = self.staged_summary(view)
        if summary is None:
            return profile_label(view, active, shown)
        total, marks = summary
        return profile_label(view, active, shown, staged=marks, total=total)

    def _add_secrets(
        self,
        parent: TreeNode[NodeData],
        secrets: Iterable[tuple[EffectiveSecret, tuple[int, ...]]],
    ) -> None:
        # The row (name, badge, value state, marker, description) is built from the node's
        # data when it is painted, so only visible rows cost anything, and the label is never
        # shown: every secret node shares one. All the leaves go in at once: a profile may hold
        # hundreds of thousands of secrets.
        label = _SECRET_ROW_LABEL
        add_nodes(parent, ((label, SecretNode(secret, marks)) for secret, marks in secrets))

    def process_label(self, label: TextType) -> Text:
        """Labels made here are one-line ``Text`` already: no copy (Tree would split each)."""
        if label is _SECRET_ROW_LABEL:  # every secret's row (thousands at once)
            return label
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def _secret_text(
        self,
        secret: EffectiveSecret,
        highlight: tuple[int, ...] = (),
        width: int | None = None,
    ) -> Text:
        return secret_label(
            secret,
            value=self.value_label(secret),
            highlight=highlight,
            problem=self._has_problem(secret.definition.location),
            width=width,
            mark=self.staged_mark(secret),
        )

    def _provider_text(self, provider: ProviderDef, width: int | None = None) -> Text:
        return provider_label(
            provider,
            self._has_problem(provider.location),
            self.provider_badge(provider),
            width=width,
        )

    def _rows(self, profile: str) -> list[EffectiveSecret]:
        """A profile's rows: its secrets as loaded, with the staged ones (``secrets_of``)."""
        assert self.workspace is not None
        return self.secrets_of(self.workspace.profiles[profile])

    def _has_problem(self, location: Location) -> bool:
        # The file first: a row's line is only looked up (its file scanned for positions)
        # when that file has a problem.
        lines = self._problem_lines.get(location.path)
        return lines is not None and location.line in lines

    def fill(self, profile: str) -> None:
        """Add a profile's secrets (or groups of them) the first time its branch opens."""
        if profile in self._filled or self.workspace is None:
            return
        self._filled.add(profile)
        node = self._profile_nodes[profile]
        secrets = self._rows(profile)
        if len(secrets) <= GROUP_SIZE:
            self._add_secrets(node, ((secret, ()) for secret in secrets))
            return
        total = len(secrets)
        groups = [
            SecretGroup(profile, start, min(start + GROUP_SIZE, total))
            for start in range(0, total, GROUP_SIZE)
        ]
        self._group_nodes[profile] = add_nodes(
            node, ((_group_label(group, total), group) for group in groups), allow_expand=True
        )
        self._group_nodes[profile][0].expand()  # the first secrets show at once, as usual

    def _fill_group(self, node: TreeNode[NodeData]) -> None:
        group = node.data
        if not isinstance(group, SecretGroup) or node.children or self.workspace is None:
            return
        secrets = self._rows(group.profile)[group.start : group.stop]
        self._add_secrets(node, ((secret, ()) for secret in secrets))

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        data = event.node.data
        if isinstance(data, SecretGroup):
            self._fill_group(event.node)
        elif isinstance(data, ProfileNode):
            self.fill(data.profile)

    # Painting rows ------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        if not self._painted and self.workspace is not None:
            self._painted = True
            self.post_message(self.Painted())  # handled once this frame is out
        return lines

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        """Build secret and provider rows from their current state as they are painted."""
        data = node.data
        if isinstance(data, SecretNode):
            label = self._secret_text(data.secret, data.highlight, self.label_width(node))
        elif isinstance(data, ProviderNode):
            label = self._provider_text(data.provider, self.label_width(node))
        else:
            return super().render_label(node, base_style, style)
        label.stylize(style)
        return label

    def label_width(self, node: TreeNode[NodeData]) -> int:
        """The cells a node's label has on screen: the tree's width less the guides."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        guide = max(2, self.guide_depth)  # what Tree draws per level: see Tree._render_line
        return max(1, self.scrollable_content_region.width - guide * depth)

    def notify_style_update(self) -> None:
        """A new style changes how rows are painted, not which rows there are: they are painted
        afresh without laying out every open row again (Tree's own update does that, for each
        focus change and, at start, once more after the first layout)."""
        super(Tree, self).notify_style_update()
        forget_painted_rows(self)

    def on_resize(self, event: events.Resize) -> None:
        """A new size changes how rows are painted, not which rows there are (their width is
        not measured: see get_label_width). Tree's own handler, skipped, lays out every open
        row again: after the first frame, and whenever the terminal or a pane changes size."""
        event.prevent_default()
        fit_painted_rows(self, event.size.height)

    def get_label_width(self, node: TreeNode[NodeData]) -> int:
        # Only feeds the horizontal scroll extent, which is hidden; Tree asks for every line
        # each time it lays the tree out.
        return 0

    def refresh_values(self, keys: Collection[SecretKey] | None = None) -> None:
        """Repaint rows whose value state changed (``None``: every row, and provider badges).

        Nothing is rebuilt and rows off screen cost nothing: they are painted from their
        current state when they scroll into view. With ``keys``, only the visible rows of
        those secrets are painted again, however many secrets changed.
        """
        if keys is None:
            forget_painted_rows(self)  # every visible row, and nothing laid out again
            return
        if not keys:
            return
        top = self.scroll_offset.y
        for number in range(top, min(top + self.size.height, self.last_line + 1)):
            node = self.get_node_at_line(number)
            if (
                node is not None
                and isinstance(node.data, SecretNode)
                and node.data.secret.key in keys
            ):
                repaint_node(node)
                self._refresh_line(number)

    def _secret_node(
        self, profile: str, name: str, fill: bool = False
    ) -> TreeNode[NodeData] | None:
        """The node of secret ``name`` of ``profile``; with ``fill``, its profile (and group) is
        filled first."""
        if self.workspace is None or profile not in self._profile_nodes:
            return None
        if fill:
            self.fill(profile)
        elif profile not in self._filled:
            return None
        parent = self._profile_nodes[profile]
        if self.query_text:
            matches = self._match_index.get(profile)
            if matches is None:
                matches = self._match_index[profile] = {
                    child.data.secret.name: child
                    for child in parent.children
                    if isinstance(child.data, SecretNode)
                }
            return matches.get(name)
        order = self._order_index.get(profile)
        if order is None:
            secrets = self._rows(profile)
            order = self._order_index[profile] = {s.name: i for i, s in enumerate(secrets)}
        position = order.get(name)
        if position is None:
            return None
        groups = self._group_nodes.get(profile)
        if groups is not None:
            parent = groups[position // GROUP_SIZE]
            if fill:
                self._fill_group(parent)
            position -= position // GROUP_SIZE * GROUP_SIZE
        children = parent.children
        return children[position] if position < len(children) else None

    def row_text(self, key: SecretKey) -> Text | None:
        """The row of a secret as it would be painted now, whole (for tests and tools)."""
        node = self._secret_node(key.profile, key.name)
        if node is None or not isinstance(node.data, SecretNode) or node.data.secret.key != key:
            return None
        return self._secret_text(node.data.secret, node.data.highlight)

    def secret_nodes(self, profile: str) -> list[EffectiveSecret]:
        """The secrets shown under a profile (all of them, or the filter's matches)."""
        if self.workspace is None or profile not in self._profile_nodes:
            return []
        if not self.query_text:
            return self._rows(profile)  # what fill() shows, in order
        node = self._profile_nodes[profile]
        return [child.data.secret for child in node.children if isinstance(child.data, SecretNode)]

    # Navigation -----------------------------------------------------------------------

    def jump_to_profile(self, profile: str, expand: bool = True) -> None:
        node = self._profile_nodes.get(profile)
        if node is None:
            return
        if expand:
            self.fill(profile)
            node.expand()
        self._move_to(node)

    def open_branches(self) -> set[Branch]:
        """The branches (Providers, profiles) that are expanded now."""
        return {
            child.data
            for child in self.root.children
            if child.is_expanded and isinstance(child.data, ProvidersGroup | ProfileNode)
        }

    def open_again(self, branches: Collection[Branch]) -> None:
        """Expand these branches (as :meth:`open_branches` gave them) where they still exist."""
        for child in self.root.children:
            data = child.data
            if isinstance(data, ProvidersGroup | ProfileNode) and data in branches:
                if isinstance(data, ProfileNode):
                    self.fill(data.profile)
                child.expand()

    def jump_to_secret(self, profile: str, name: str) -> None:
        """Put the cursor on secret ``name`` of ``profile`` (found by name: the palette and a
        reload know the name, not which definition wins now)."""
        profile_node = self._profile_nodes.get(profile)
        if profile_node is None:
            return
        profile_node.expand()
        node = self._secret_node(profile, name, fill=True)
        if node is not None:
            if node.parent is not None and node.parent is not profile_node:
                node.parent.expand()  # its group
            self._move_to(node)

    def _move_to(self, node: TreeNode[NodeData], attempts: int = 3) -> None:
        """Move the cursor to ``node`` (at once when its line is known: the first frame then
        shows it there) and scroll to it once the tree has a size."""
        if node.line < 0:
            self.last_line  # noqa: B018 (lays out the tree's lines, not the widget: cheap)
        if node.line < 0:
            if attempts:
                self.call_after_refresh(self._move_to, node, attempts - 1)
            return
        self.move_cursor(node)
        if self.size.height:
            self.scroll_to_node(node, animate=False)
        else:
            self.call_after_refresh(self.scroll_to_node, node, animate=False)

    def action_toggle_node(self) -> None:
        """enter/space toggle a branch; on a secret the key goes on to the screen (reveal)."""
        node = self.cursor_node
        if node is not None and isinstance(node.data, SecretNode):
            raise SkipAction()
        super().action_toggle_node()

    def action_collapse_or_parent(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_expand_or_child(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0])


def _group_label(group: SecretGroup, total: int) -> Text:
    return Text(f"secrets {group.start + 1:,} to {group.stop:,} of {total:,}", style="dim")


def _matches(
    secrets: list[EffectiveSecret], query: str
) -> list[tuple[EffectiveSecret, tuple[int, ...]]]:
    found = []
    for secret in secrets:
        indices = fuzzy_match(query, secret.name)
        if indices is not None:
            found.append((secret, indices))
    found.sort(key=lambda item: fuzzy_score(item[1]))
    return found
