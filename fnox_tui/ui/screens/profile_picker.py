"""A modal list of profiles; choosing one jumps to it in the tree (or picks a copy's target)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from fnox_tui.core.model import Workspace
from fnox_tui.core.wording import plural
from fnox_tui.ui.text import literal


class ProfilePicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel"),
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]

    def __init__(
        self,
        workspace: Workspace,
        current: str | None = None,
        *,
        title: Text | None = None,
        hint: str = "enter jumps · esc cancels",
        exclude: Collection[str] = (),
        counts: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__()
        self.workspace = workspace
        self.current = current
        self.title_text = title or Text("Jump to profile", style="bold")
        self.hint = hint
        self.exclude = frozenset(exclude)
        self.counts = counts or {}  # a profile's secrets once the staged changes are saved

    def compose(self) -> ComposeResult:
        options = []
        for view in self.workspace.profiles.values():
            if view.name in self.exclude:
                continue
            count = self.counts.get(view.name, len(view.secrets))
            label = Text.assemble(
                literal(view.name, style="bold"),
                Text(f"  {plural(count, 'secret')}", style="dim"),
            )
            if view.name in self.workspace.active_profiles:
                label.append("  ★ active", style="green")
            options.append(Option(label, id=view.name))
        with Vertical(id="picker-dialog", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(*options, id="profiles")
            yield Static(Text(self.hint, style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        if self.current is not None:
            try:
                option_list.highlighted = option_list.get_option_index(self.current)
            except OptionDoesNotExist:
                option_list.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
