"""The help screen: every key, from the one table in :mod:`fnox_tui.ui.keys`."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fnox_tui.ui.keys import KEYS, ROW_PARTS


def keys_table() -> Table:
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Key", style="bold cyan", no_wrap=True)
    table.add_column("Does")
    table.add_column("Where", style="dim")
    for item in KEYS:
        table.add_row(Text(item.keys), Text(item.description), Text(item.group))
    return table


def row_parts_table() -> Table:
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("In a row", style="bold", no_wrap=True)
    table.add_column("Means")
    for part, meaning in ROW_PARTS:
        table.add_row(Text(part), Text(meaning))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Static(Text("fnox-tui keys", style="bold"), classes="dialog-title")
            yield Static(keys_table())
            yield Static(row_parts_table(), classes="dialog-hint")
            yield Static(Text("esc closes this help", style="dim"), classes="dialog-hint")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
