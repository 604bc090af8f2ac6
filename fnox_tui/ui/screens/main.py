"""The main screen: the profile tree on the left, details on the right.

It asks the controller (``app.controller``) to act, and repaints when the controller's
notifications arrive (:mod:`fnox_tui.ui.messages`); it never holds a workspace of its own.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Collection, Hashable
from typing import TYPE_CHECKING, ClassVar, TypeGuard

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Tree

from fnox_tui.core.gcpause import end_start_up_pause
from fnox_tui.core.model import EffectiveSecret, ProfileView, Workspace
from fnox_tui.core.wording import plural
from fnox_tui.ui.messages import (
    ChecksChanged,
    JumpTo,
    StagedChangesChanged,
    StatusChanged,
    ValuesChanged,
    WorkspaceLoaded,
)
from fnox_tui.ui.text import visible
from fnox_tui.ui.widgets import details
from fnox_tui.ui.widgets.details import DetailsPane
from fnox_tui.ui.widgets.secret_tree import (
    Branch,
    NodeData,
    ProfileNode,
    ProviderNode,
    ProvidersGroup,
    SecretNode,
    SecretTree,
)
from fnox_tui.ui.widgets.status_bar import StatusBar
from fnox_tui.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from fnox_tui.core.matrix import MatrixCell
    from fnox_tui.core.staged_view import StagedView
    from fnox_tui.ui.app import FnoxTuiApp
    from fnox_tui.ui.widgets.matrix import MatrixView, SecretMatrix

FILTER_DEBOUNCE_SECONDS = 0.12
DETAILS_INTERVAL = 0.1  # seconds between details updates while the cursor moves
FIRST_FRAME_WAIT = 0.5  # seconds the footer and the details wait at most for the tree's frame
NARROW_WIDTH = 100  # below this many columns the details pane goes below the tree

# The footer shows bindings in order and cuts what does not fit: these come first, always.
ALWAYS_IN_FOOTER: list[BindingType] = [
    Binding("question_mark", "app.help", "Help"),
    Binding("q", "app.quit", "Quit"),
]


class MainScreen(Screen[None]):
    class FirstFrame(Message):
        """The first frame is out (with the secrets, or the wait for them is over)."""

    AUTO_FOCUS = "#tree"  # the tree has the focus from the start (not the filter, then it)
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (NARROW_WIDTH, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        *ALWAYS_IN_FOOTER,
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("P", "pick_profile", "Profile"),
        Binding("p", "problems", "Problems"),
        Binding("v", "reveal", "Reveal"),
        Binding("enter", "reveal", "Reveal", show=False),  # the tree's enter on a branch toggles it
        Binding("V", "reveal_all", "Reveal all"),
        Binding("c", "copy", "Copy"),
        Binding("t", "check_provider", "Check", show=False),
        Binding("y", "copy_detail", "Copy error details", show=False),
        Binding("u", "undo", "Undo staged", show=False),
        Binding("r", "app.reload", "Reload"),
        Binding("x", "toggle_matrix", "Matrix", show=False),
        Binding("R", "rotate", "Rotate key", show=False),
        Binding("e", "edit", "Edit", show=False),
        Binding("s", "new_secret", "Set", show=False),
        Binding("d", "delete", "Delete", show=False),
        Binding("m", "copy_to_profile", "Copy to profile", show=False),
    ]

    app: FnoxTuiApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._filter_timer: Timer | None = None
        self._details_timer: Timer | None = None
        self._details_shown_at = 0.0
        self._staged: StagedView | None = None  # built when first asked for after a change
        self._matrix_view: MatrixView | None = None  # mounted the first time `x` is pressed
        self._first_frame_shown = False
        self._filter_field: Input | None = None
        self._tree: SecretTree | None = None  # made in compose
        # The breakpoint's class from the start: set on the first resize instead, it would
        # style every widget a second time before the first frame.
        self.add_class("-narrow" if self.app.size.width < NARROW_WIDTH else "-wide")
        # Before a filter: the open branches and the cursor, given back when it is cleared.
        self._place_before_filter: tuple[set[Branch], tuple[str, ...] | None] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                # The filter's field goes above the tree after the first frame (filter_field).
                self._tree = SecretTree(id="tree")
                yield self._tree
            yield DetailsPane(id="details")
        yield StatusBar(id="status")
        # The footer is mounted after the first frame (see _after_first_frame).

    def on_mount(self) -> None:
        controller = self.app.controller
        self.tree.value_label = controller.values.row_text
        self.tree.provider_badge = controller.provider_badge
        self.tree.secrets_of = self._rows_of
        self.tree.staged_mark = self._mark_of
        self.tree.staged_summary = self._staged_summary
        controller.subscribe(self)
        if controller.workspace is not None:
            self.show_workspace(controller.workspace, first=True)
        self._show_status(*controller.status())
        self.set_focus(self.tree)
        # Without a workspace to paint yet (it is loading), the rest does not wait for it.
        self.set_timer(FIRST_FRAME_WAIT, self._after_first_frame)

    def on_secret_tree_painted(self, _message: SecretTree.Painted) -> None:
        self._after_first_frame()

    def _after_first_frame(self) -> None:
        """What the first frame with the secrets does without, so that they show sooner: the
        keys in the footer (a dozen widgets to style) and the details follow a frame later."""
        if self._first_frame_shown:
            return
        self._first_frame_shown = True
        end_start_up_pause()
        from fnox_tui.ui.widgets.steady_footer import SteadyFooter  # not in the first frame

        self.mount(SteadyFooter(compact=True))
        self.filter_field  # noqa: B018  (mounted now, hidden until `/`)
        self.flush_details()
        self.post_message(self.FirstFrame())

    def on_unmount(self) -> None:
        self.app.controller.unsubscribe(self)

    @property
    def workspace(self) -> Workspace | None:
        """The workspace the tree shows (the controller's, once it has been shown)."""
        return self.tree.workspace

    # The controller's notifications ---------------------------------------------------

    def on_workspace_loaded(self, message: WorkspaceLoaded) -> None:
        self.show_workspace(message.workspace, first=message.first)

    def on_values_changed(self, message: ValuesChanged) -> None:
        """Repaint the rows of these secrets, and the details if one is under the cursor."""
        if message.keys is None:
            self.refresh_values()
            self.show_details()
        else:
            self.values_changed(message.keys)

    def on_checks_changed(self, _message: ChecksChanged) -> None:
        self.refresh_values()  # provider badges
        self.show_details()

    def on_staged_changes_changed(self, _message: StagedChangesChanged) -> None:
        """Marks on the rows, new entries where they will be: the tree is built again."""
        self._staged = None
        workspace = self.workspace
        if workspace is not None:
            self.show_workspace(workspace)
            self.show_details()

    def staged_view(self) -> StagedView | None:
        """The workspace with the staged changes applied, as the tree shows it."""
        workspace = self.workspace
        staging = self.app.controller.staging
        if workspace is None or not staging:
            return None
        if self._staged is None or self._staged.workspace is not workspace:
            # Imported once something is staged (it brings the TOML editor, tomlkit).
            from fnox_tui.core.staged_view import StagedView

            self._staged = StagedView(workspace, staging.changeset)
        return self._staged

    def _rows_of(self, view: ProfileView) -> list[EffectiveSecret]:
        staged = self.staged_view()
        return staged.secrets(view.name) if staged is not None else view.secrets

    def _staged_summary(self, view: ProfileView) -> tuple[int, dict[str, int]] | None:
        staged = self.staged_view()
        return staged.summary(view.name) if staged is not None else None  # type: ignore[return-value]

    def _mark_of(self, secret: EffectiveSecret) -> str | None:
        staged = self.staged_view()
        return staged.mark(secret) if staged is not None else None

    def on_status_changed(self, message: StatusChanged) -> None:
        self._show_status(message.progress, message.counters)

    def _show_status(self, progress: str, counters: str) -> None:
        status = self.status_bar  # it draws both literally, on one line
        status.progress = progress
        status.counters = counters

    def on_jump_to(self, message: JumpTo) -> None:
        if message.name is None:
            self.jump_to_profile(message.profile)
            return
        if self.filter_query:
            self.action_clear_filter()
        self.call_after_refresh(self.jump_to_secret, (message.profile, message.name))

    @property
    def tree(self) -> SecretTree:
        return self._tree if self._tree is not None else self.query_one(SecretTree)

    @property
    def matrix(self) -> SecretMatrix | None:
        """The profile matrix while it is shown (`x`), else None."""
        view = self._matrix_view
        return view.table if view is not None and view.display else None

    @property
    def view(self) -> Widget:
        """The tree or the matrix, whichever is shown."""
        return self.matrix or self.tree

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def _cursor_data(self) -> NodeData | MatrixCell | None:
        """What the cursor of the shown view is on (a matrix cell with no secret: MatrixCell)."""
        if self.matrix is not None:
            return self.matrix.cursor_data()
        node = self.tree.cursor_node
        return node.data if node is not None else None

    # Loading --------------------------------------------------------------------------

    def show_workspace(self, workspace: Workspace, *, first: bool = False) -> None:
        """Show a (re)loaded workspace, keeping the cursor on the same node where it exists."""
        tree = self.tree
        previous = _node_key(tree.cursor_node.data) if tree.cursor_node else None
        branches = tree.open_branches() if not first else set()
        tree.show(workspace, self.filter_query)
        if not self.filter_query:
            tree.open_again(branches)
        if self.matrix is not None:
            self.matrix.show(workspace, self.filter_query)
        self._update_summary()
        if first or previous is None:
            # At once, not after a refresh: the first frame shows the active profile open.
            tree.jump_to_profile(workspace.active_profile)
        else:
            self.call_after_refresh(self._restore_cursor, previous, False)

    def _restore_cursor(self, key: tuple[str, ...], expand: bool = True) -> None:
        profiles = self.workspace.profiles  # type: ignore[union-attr]
        if key[0] == "secret" and key[1] in profiles:
            if any(secret.name == key[2] for secret in self._rows_of(profiles[key[1]])):
                self.tree.jump_to_secret(key[1], key[2])
            else:  # gone (deleted on disk, or a staged new secret undone): its profile
                self.tree.jump_to_profile(key[1], expand=expand)
        elif key[0] == "profile":
            self.tree.jump_to_profile(key[1], expand=expand)
        elif key[0] == "providers":
            self.tree.move_cursor(self.tree.get_node_at_line(0))
        else:
            self.tree.jump_to_profile(self.workspace.active_profile)  # type: ignore[union-attr]

    def _update_summary(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        files = workspace.files
        first = details.relative(files[0], workspace.cwd) if files else "no files"
        more = f" +{len(files) - 1}" if len(files) > 1 else ""
        self.sub_title = visible(f"{first}{more} · profile {','.join(workspace.active_profiles)}")
        problems = len(workspace.problems)
        summary = f"{plural(len(workspace.profiles), 'profile')} · {plural(len(files), 'file')}"
        if problems:
            summary += f" · ⚠ {plural(problems, 'problem')}: press p"
        if self.filter_query:
            summary += f" · filter {self.filter_query!r}"
            if self.tree.truncated:
                summary += " (first matches only)"
        self.query_one(StatusBar).summary = visible(summary)

    # Details --------------------------------------------------------------------------

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData] | None = None) -> None:
        """Follow the cursor, at most every DETAILS_INTERVAL while it moves fast.

        The cursor itself moves at once; the details of a row the cursor only passes over
        (a held-down key) are skipped, and the row it stops on is always shown.
        """
        if self._details_timer is not None or not self._first_frame_shown:
            return  # an update is due and shows wherever the cursor is by then
        waited = time.monotonic() - self._details_shown_at
        if waited >= DETAILS_INTERVAL:
            self.flush_details()
        else:
            self._details_timer = self.set_timer(DETAILS_INTERVAL - waited, self.flush_details)

    def on_secret_matrix_cell_highlighted(self) -> None:
        """The matrix cursor moved: the details follow it as they follow the tree's."""
        self._highlighted()

    def flush_details(self) -> None:
        """Show the details of the node under the cursor now."""
        if self._details_timer is not None:
            self._details_timer.stop()
            self._details_timer = None
        self._details_shown_at = time.monotonic()
        self.show_details()

    def show_details(self, data: NodeData | MatrixCell | None = None) -> None:
        workspace = self.workspace
        if workspace is None or not self.tree.is_attached:  # (not as the app shuts down)
            return
        if data is None:
            data = self._cursor_data()
        pane = self.query_one(DetailsPane)
        pane.show_extra(self._matrix_row_details())
        controller = self.app.controller
        if isinstance(data, SecretNode):
            value = controller.values.details_value(data.secret)
            provider = data.secret.provider
            check = controller.check_of(provider) if provider is not None else None
            pane.show(details.secret_details(data.secret, workspace.cwd, value, check))
        elif isinstance(data, ProviderNode):
            check = controller.check_of(data.provider)
            pane.show(details.provider_details(data.provider, workspace.cwd, check))
        elif isinstance(data, ProfileNode):
            view = workspace.profiles[data.profile]
            pane.show(details.profile_details(view, workspace, self._staged_summary(view)))
        elif isinstance(data, ProvidersGroup):
            pane.show(details.providers_details(workspace))
        elif _is_cell(data) and self.matrix is not None:
            from fnox_tui.ui.widgets.matrix_details import missing_details

            pane.show(missing_details(data, self.matrix.matrix))  # type: ignore[arg-type]
        else:
            pane.show(Text(""))

    # Filter ---------------------------------------------------------------------------

    @property
    def filter_field(self) -> Input:
        """The filter's field (hidden until `/`), mounted after the first frame: its widget and
        styles are not needed to show the secrets. A key that needs it sooner mounts it."""
        field = self._filter_field
        if field is None:
            field = self._filter_field = Input(
                placeholder="filter secrets by name (fuzzy) · esc clears", id="filter"
            )
            # A blinking cursor makes headless snapshots flaky and is of no use there.
            field.cursor_blink = not self.app.is_headless
            self.query_one("#left").mount(field, before=self.tree)
        return field

    @property
    def filter_query(self) -> str:
        field = self._filter_field
        return "" if field is None else field.value.strip()

    def action_filter(self) -> None:
        field = self.filter_field
        field.display = True
        # Focus now, not on the next tick, so keys typed right after `/` land in the field.
        self.set_focus(field)

    def action_clear_filter(self) -> None:
        field = self.filter_field
        had_query = bool(field.value)
        field.value = ""
        field.display = False
        self.set_focus(self.view)
        if had_query:
            self._apply_filter()

    def on_key(self, event: events.Key) -> None:
        """Open the filter and route keys to it as they arrive, not a tick later.

        Textual hands each key to the widget focused when the key is dispatched and checks
        bindings only after the key has bubbled up, so keys typed right after `/` (fast typing,
        a paste, a script) still reach the tree. Handling `/` here, where it arrives, and
        passing the printable keys that follow to the field keeps them all. The field consumes
        the keys it receives itself, so a printable key reaching the screen came from elsewhere.
        """
        field = self.filter_field
        if event.key == "slash" and self.focused is not field:
            self.action_filter()
        elif field.display and self.focused is field and event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE_SECONDS, self._apply_filter)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._apply_filter()
        self.set_focus(self.view)

    def _apply_filter(self) -> None:
        self._filter_timer = None
        if self.workspace is None:
            return
        tree = self.tree
        query = self.filter_query
        if query == tree.query_text:
            return  # cleared before it applied, or typed back as it was: nothing changes
        cursor = _node_key(tree.cursor_node.data) if tree.cursor_node else None
        if query and not tree.query_text and self._place_before_filter is None:
            self._place_before_filter = (tree.open_branches(), cursor)
        tree.show(self.workspace, query)
        if self.matrix is not None:
            self.matrix.show(self.workspace, query, keep_row=not query)
        self._update_summary()
        if query:
            self.call_after_refresh(self._cursor_to_first_match)
        else:
            self._back_to_place(cursor)

    def _back_to_place(self, highlighted: tuple[str, ...] | None) -> None:
        """The filter is gone: the branches open before it open again, and the cursor stays on
        what it highlighted (else goes back to where it was before the filter)."""
        branches, before = self._place_before_filter or (set(), None)
        self._place_before_filter = None
        self.tree.open_again(branches)
        key = highlighted or before
        if key is not None:
            self.call_after_refresh(self._restore_cursor, key, False)

    def _cursor_to_first_match(self) -> None:
        tree = self.tree
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and isinstance(node.data, SecretNode):
                tree.move_cursor(node)
                return
        tree.move_cursor(tree.get_node_at_line(0))

    # Values ---------------------------------------------------------------------------

    def action_reveal(self) -> None:
        data = self._cursor_data()
        if isinstance(data, SecretNode):
            self.app.controller.toggle_reveal(data.secret)
        elif _is_cell(data):
            self.notify(f"{data.profile} is missing {data.name}: nothing to reveal", timeout=3)
        elif data is not None:
            self.notify("v reveals a secret; on a profile, V reveals them all", timeout=3)

    def action_reveal_all(self) -> None:
        profile = _profile_of(self._cursor_data())
        if profile is None:
            self.notify("Move to a profile or one of its secrets to reveal them all", timeout=3)
        else:
            self.app.controller.toggle_reveal_all(profile, self.tree.secret_nodes(profile))

    def action_copy(self) -> None:
        data = self._cursor_data()
        if isinstance(data, SecretNode):
            self.app.controller.copy_secret(data.secret)
        elif _is_cell(data):
            self.notify(f"{data.profile} is missing {data.name}: nothing to copy", timeout=3)
        else:
            self.notify("c copies the value of the secret under the cursor", timeout=3)

    def action_check_provider(self) -> None:
        """`t`: check the provider under the cursor, or the provider of the secret there."""
        data = self._cursor_data()
        if isinstance(data, ProviderNode):
            self.app.controller.check_provider(data.provider)
        elif isinstance(data, SecretNode) and data.secret.provider is not None:
            self.app.controller.check_provider(data.secret.provider, data.secret.profile)
        else:
            self.notify("t checks the provider under the cursor", timeout=3)

    def action_rotate(self) -> None:
        """`R`: the key rotation walkthrough of the provider under the cursor (or a secret's)."""
        from fnox_tui.ui.screens.rotation import open_rotation  # boto3: not on the start-up path

        data = self._cursor_data()
        provider = None
        if isinstance(data, ProviderNode):
            provider = data.provider
        elif isinstance(data, SecretNode):
            provider = data.secret.provider
        open_rotation(self.app, provider)

    def action_copy_detail(self) -> None:
        """`y`: copy the whole text of the error shown: what failed, what to do, and its
        details (such as the IAM policy to grant)."""
        data = self._cursor_data()
        controller = self.app.controller
        error = None
        provider = None
        if isinstance(data, SecretNode):
            error = controller.values.failures.get(data.secret.key)
            provider = data.secret.provider
        elif isinstance(data, ProviderNode):
            provider = data.provider
        if error is None and provider is not None:
            check = controller.check_of(provider)
            error = check.error if check is not None else None
        if error is None:
            self.notify("y copies the text of an error shown here", timeout=3)
            return
        text = "\n\n".join(part for part in (error.message, error.hint, error.detail) if part)
        controller.copy_text("the error's text", text)

    def action_undo(self) -> None:
        """`u`: take back the last staged change."""
        step = self.app.controller.undo()
        if step is None:
            self.notify("Nothing staged to undo", timeout=3)
        else:
            what = step.description or plural(len(step.changes), "staged change")
            self.notify(f"Undone: {what}", timeout=3)

    # Editing (the forms stage changes; ctrl+s saves them) ------------------------------
    # The forms are imported when first asked for: they are not on the way to first paint.

    def action_edit(self) -> None:
        """`e`: edit the secret under the cursor."""
        data = self._cursor_data()
        if isinstance(data, SecretNode):
            from fnox_tui.ui import editing

            editing.edit_secret(self.app, data.secret)
        elif _is_cell(data):
            self.notify(f"{data.profile} is missing {data.name}: s sets it", timeout=3)
        else:
            self.notify("e edits the secret under the cursor; s sets a new one", timeout=3)

    def action_new_secret(self) -> None:
        """`s`: a new secret in the profile under the cursor (a missing cell: that name)."""
        data = self._cursor_data()
        profile = _profile_of(data)
        if profile is None:
            self.notify("Move to a profile or one of its secrets to set a new secret", timeout=3)
            return
        from fnox_tui.ui import editing

        editing.new_secret(self.app, profile, data.name if _is_cell(data) else "")

    def action_delete(self) -> None:
        """`d`: delete the secret under the cursor, after a confirmation."""
        data = self._cursor_data()
        if isinstance(data, SecretNode):
            from fnox_tui.ui import editing

            editing.delete_secret(self.app, data.secret)
        elif _is_cell(data):
            self.notify(f"{data.profile} is missing {data.name}: nothing to delete", timeout=3)
        else:
            self.notify("d deletes the secret under the cursor", timeout=3)

    def action_copy_to_profile(self) -> None:
        """`m`: copy the secret under the cursor to another profile, re-encrypted there."""
        data = self._cursor_data()
        if isinstance(data, SecretNode):
            from fnox_tui.ui import editing

            editing.copy_secret(self.app, data.secret)
        elif _is_cell(data):
            self.notify(f"{data.profile} is missing {data.name}: nothing to copy", timeout=3)
        else:
            self.notify("m copies the secret under the cursor to another profile", timeout=3)

    # The profile matrix -----------------------------------------------------------------

    async def action_toggle_matrix(self) -> None:
        """`x`: switch between the tree and the matrix, the cursor on the same secret."""
        if self.workspace is None:
            return
        data = self._cursor_data()
        matrix = self.matrix
        if matrix is not None:
            self._matrix_view.display = False  # type: ignore[union-attr]
            matrix.refresh_values()  # keeps no cell (nor any value in one) while hidden
            self.tree.display = True
            self.set_class(False, "-matrix")
            self.set_focus(self.tree)
            if isinstance(data, SecretNode):
                self.tree.jump_to_secret(data.secret.profile, data.secret.name)
            elif _is_cell(data):
                self.tree.jump_to_profile(data.profile)
            self.show_details()
            return
        view = self._matrix_view
        if view is None:
            from fnox_tui.ui.widgets.matrix import MatrixView
            from fnox_tui.ui.widgets.matrix_cells import value_key

            view = self._matrix_view = MatrixView(id="matrix-view")
            await self.query_one("#left").mount(view)
            view.table.value_label = self.app.controller.values.row_text
            controller = self.app.controller
            view.table.plaintext_of = lambda secret: controller.plaintext.get(value_key(secret))
            view.table.secrets_of = self._rows_of
            view.table.staged_mark = self._mark_of
            view.table.has_staged = lambda: bool(controller.staging)
        self.tree.display = False
        self.set_class(True, "-matrix")  # beside the details, the matrix takes more room
        view.display = True
        table = view.table
        table.show(self.workspace, self.filter_query)
        if isinstance(data, SecretNode):
            table.jump(data.secret.profile, data.secret.name)
        elif isinstance(data, ProfileNode):
            table.jump(data.profile)
        self.set_focus(table)
        self.show_details()

    def _matrix_row_details(self) -> RenderableType | None:
        """The highlighted matrix row across profiles (None when the matrix is hidden)."""
        matrix = self.matrix
        cell = matrix.cursor_cell if matrix is not None else None
        if matrix is None or matrix.matrix is None or cell is None:
            return None
        from fnox_tui.ui.widgets.matrix_details import row_details

        return row_details(matrix.matrix, matrix.comparison(cell.name))

    def refresh_values(self, keys: Collection[Hashable] | None = None) -> None:
        """Repaint these secrets' value states (``None``: all) in the tree and the matrix."""
        self.tree.refresh_values(keys)  # type: ignore[arg-type]
        if self.matrix is not None:
            self.matrix.refresh_values(keys)

    def values_changed(self, keys: Collection[Hashable]) -> None:
        """Repaint these secrets, and the details when the cursor is on one of them."""
        self.refresh_values(keys)
        matrix = self.matrix
        if matrix is not None:
            cell = matrix.cursor_cell
            if cell is not None and cell.name in matrix.rows_for(keys):
                self.show_details()
            return
        node = self.tree.cursor_node
        current = getattr(node.data, "secret", None) if node is not None else None
        if current is not None and current.key in keys:
            self.show_details()

    def jump_to_secret(self, key: tuple[str, str]) -> None:
        """Put the cursor of the shown view on the secret ``(profile, name)``."""
        if self.matrix is not None:
            self.matrix.jump(*key)
        else:
            self.tree.jump_to_secret(*key)

    # Profiles and problems ------------------------------------------------------------

    def action_pick_profile(self) -> None:
        if self.workspace is None:
            return
        from fnox_tui.ui.screens.profile_picker import ProfilePicker  # not needed to start

        current = _profile_of(self._cursor_data())
        staged = self.staged_view()
        counts = (
            {name: staged.summary(name)[0] for name in self.workspace.profiles}
            if staged is not None
            else None
        )
        picker = ProfilePicker(self.workspace, current, counts=counts)
        self.app.push_screen(picker, self.jump_to_profile)

    def jump_to_profile(self, profile: str | None) -> None:
        if profile is None or self.workspace is None:
            return
        if self.matrix is not None:
            self.matrix.jump(profile)
        elif self.filter_query:
            self.action_clear_filter()
            self.call_after_refresh(self.tree.jump_to_profile, profile)
        else:
            self.tree.jump_to_profile(profile)
        self.set_focus(self.view)

    def action_problems(self) -> None:
        if self.workspace is not None:
            from fnox_tui.ui.screens.problems import ProblemsScreen  # not needed to start

            self.app.push_screen(ProblemsScreen(self.workspace))


def _node_key(data: NodeData | None) -> tuple[str, ...] | None:
    """Where the cursor was, by name: a reload may resolve it from another definition."""
    if isinstance(data, SecretNode):
        return ("secret", data.secret.profile, data.secret.name)
    if isinstance(data, ProfileNode):
        return ("profile", data.profile)
    if isinstance(data, ProvidersGroup | ProviderNode):
        return ("providers",)
    return None


def _profile_of(data: NodeData | MatrixCell | None) -> str | None:
    if isinstance(data, SecretNode):
        return data.secret.profile
    if isinstance(data, ProfileNode) or _is_cell(data):
        return data.profile
    return None


def _is_cell(data: object) -> TypeGuard[MatrixCell]:
    """``data`` is a matrix cell. The matrix's module is imported when the matrix is first
    shown (not on the way to the first paint): until then no cell can exist."""
    matrix = sys.modules.get("fnox_tui.core.matrix")
    return matrix is not None and isinstance(data, matrix.MatrixCell)
