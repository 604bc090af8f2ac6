"""The problems panel: everything fnox would refuse, with file and line."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fnox_tui.core.model import Severity, Workspace
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.details import relative


def problems_table(workspace: Workspace) -> Table | Text:
    if not workspace.problems:
        return Text("None: fnox accepts every file loaded here.", style="green")
    table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
    table.add_column("Where", style="cyan", no_wrap=True)
    table.add_column("Problem", overflow="fold")
    for problem in workspace.problems:
        where = relative(problem.location.path, workspace.cwd)
        if problem.location.line:
            where += f":{problem.location.line}"
        style = "red" if problem.severity is Severity.ERROR else "yellow"
        table.add_row(literal(where), literal(problem.message, style=style))
    return table


class ProblemsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,p", "close", "Close")]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        count = len(self.workspace.problems)
        title = f"Problems ({count})" if count else "Problems"
        with VerticalScroll(id="problems-dialog", classes="dialog"):
            yield Static(Text(title, style="bold"), classes="dialog-title")
            yield Static(problems_table(self.workspace))
            hint = (
                "fnox refuses a file with any of these errors; fix them in the file, "
                "then press r to reload.  esc closes"
                if count
                else "esc closes"
            )
            yield Static(Text(hint, style="dim"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
