"""What the details pane says about a matrix row: each profile's cell and how values compare.

Only names, states and providers appear here, never a value: the highlighted secret's own
value is shown (when revealed) by the secret's details above this section.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from fnox_tui.core.matrix import CellState, MatrixCell, ProfileMatrix, RowComparison
from fnox_tui.ui.text import visible
from fnox_tui.ui.widgets.matrix_cells import STATE_GLYPHS, equality_marker, source_text

STATE_WORDS = {
    CellState.DEFINED: "defined",
    CellState.OVERRIDES: "overrides",
    CellState.INHERITED: "inherited",
    CellState.MISSING: "missing",
}


def row_details(matrix: ProfileMatrix, comparison: RowComparison) -> RenderableType:
    """Every profile's cell of one row, then the comparison in sentences."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(style="cyan", no_wrap=True)
    table.add_column(no_wrap=True)
    for cell in matrix.row(comparison.name):
        glyph, style = STATE_GLYPHS[cell.state]
        state = Text.assemble((glyph, style), " ", STATE_WORDS[cell.state])
        source = source_text(cell.secret) if cell.secret is not None else ""
        marker = equality_marker(comparison, cell.profile) or Text("")
        table.add_row(Text(visible(cell.profile)), state, Text(visible(source)), marker)
    parts: list[RenderableType] = [Text("Across profiles", style="bold"), table]
    sentences = comparison.sentences()
    if sentences:
        parts.append(Text(""))
        parts += [Text(visible(sentence)) for sentence in sentences]
    if not comparison.compared and len(comparison.hidden) + len(comparison.revealed) >= 2:
        parts.append(Text(""))
        parts.append(
            Text("Reveal it in two profiles or more (v, V) to compare the values.", style="dim")
        )
    return Group(*parts)


def missing_details(cell: MatrixCell, matrix: ProfileMatrix) -> RenderableType:
    """The details of a cell whose profile does not have the secret."""
    holders = [other.profile for other in matrix.row(cell.name) if other.secret is not None]
    heading = Text.assemble((visible(cell.name), "bold"), ("  missing", "dim"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold dim", no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row("Profile", Text(visible(cell.profile)))
    table.add_row(
        "State",
        Text(visible(f"{cell.profile} has no {cell.name}: fnox -P {cell.profile} does not set it")),
    )
    table.add_row("In", Text(visible(", ".join(holders) or "no profile")))
    return Group(heading, Text(""), table)
