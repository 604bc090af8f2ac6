"""The text of the profile matrix's cells, names, headers and legend (rich Text, never markup).

Every name, provider and value reaches the screen through :func:`fnox_tui.ui.text.one_line`
(which passes it through ``visible``).
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.text import Text

from fnox_tui.core.matrix import CellState, MatrixCell, RowComparison
from fnox_tui.core.model import EffectiveSecret
from fnox_tui.ui.text import one_line
from fnox_tui.ui.widgets.labels import MASK

CELL_PADDING = 1  # columns of space left of a cell's text
MIN_CELL_WIDTH = 18  # a cell's width on screen, its padding included
MAX_CELL_WIDTH = 36
NAME_WIDTH = 28  # a longer name is cut with …
PROVIDER_WIDTH = 9
MARKER_PROFILE_WIDTH = 8

STATE_GLYPHS: dict[CellState, tuple[str, str]] = {
    CellState.DEFINED: ("■", "bold"),
    CellState.OVERRIDES: ("●", "yellow"),
    CellState.INHERITED: ("↑", "dim"),
    CellState.MISSING: ("—", "dim"),
}

LEGEND: tuple[Text, ...] = (
    Text.assemble(("■", "bold"), " defined"),
    Text.assemble(("●", "yellow"), " overrides"),
    Text.assemble(("↑", "dim"), " inherited"),
    Text.assemble(("—", "dim"), " missing"),
    Text.assemble(("=P", "bold green"), " same value as P"),
    Text.assemble(("≠", "bold magenta"), " differs from the rest"),
    Text.assemble(("x", "bold"), " tree"),
)


STAGED_GLYPHS: dict[str, tuple[str, str]] = {
    "new": ("+", "bold green"),
    "changed": ("~", "bold yellow"),
    "deleted": ("-", "bold red"),
}

STAGED_LEGEND: tuple[Text, ...] = (
    Text.assemble(("+", "bold green"), " new"),
    Text.assemble(("~", "bold yellow"), " changed"),
    Text.assemble(("-", "bold red"), " deleted"),
)


def legend_lines(width: int, items: tuple[Text, ...] = LEGEND) -> Text:
    """The legend's items packed into lines of ``width``, never splitting an item."""
    lines: list[Text] = [Text()]
    for item in items:
        line = lines[-1]
        if line.cell_len and line.cell_len + 2 + item.cell_len > width:
            lines.append(Text())
            line = lines[-1]
        if line.cell_len:
            line.append("  ")
        line.append_text(item)
    return Text("\n").join(lines)


def value_key(secret: EffectiveSecret) -> Hashable:
    """The key the app's value states use for ``secret``: the one place the matrix knows it."""
    return secret.key


def source_text(secret: EffectiveSecret) -> str:
    """Where the value comes from, in a word: the provider, else the kind."""
    if secret.provider_name:
        return secret.provider_name
    definition = secret.definition
    if definition.value is not None:
        return "no provider"
    if definition.default is not None:
        return "default"
    return "env var"


def equality_marker(comparison: RowComparison, profile: str) -> Text | None:
    """``=staging`` when another profile holds the same value, ``≠`` when none does."""
    if not comparison.compared or profile not in comparison.revealed:
        return None
    others = comparison.equal_to(profile)
    if not others:
        return Text("≠", style="bold magenta")
    more = f"+{len(others) - 1}" if len(others) > 1 else ""
    return Text(f"={one_line(others[0], MARKER_PROFILE_WIDTH)}{more}", style="bold green")


def fit_cell_width(available: int, columns: int) -> int:
    """The width of a profile column: as many whole columns as fit share ``available``."""
    if available <= 0 or columns <= 0:
        return MIN_CELL_WIDTH
    shown = max(1, min(columns, available // MIN_CELL_WIDTH))
    return max(MIN_CELL_WIDTH, min(MAX_CELL_WIDTH, available // shown))


def name_width(names: tuple[str, ...]) -> int:
    """The width of the names column, its padding included."""
    corner = len(f"{len(names)} secrets")
    widest = max((Text(one_line(name, NAME_WIDTH)).cell_len for name in names), default=0)
    return max(corner, widest) + 2 * CELL_PADDING


def cell_text(
    cell: MatrixCell,
    comparison: RowComparison,
    value: Text | None,
    width: int = MIN_CELL_WIDTH - 2 * CELL_PADDING,
    mark: str | None = None,
) -> Text:
    """One cell: the state's glyph, then the provider and a mask while the value is hidden, or
    the equality marker and the value (or its progress, or its error) once it is shown.
    ``mark``: its staged change, first (``+`` new, ``~`` changed, ``-`` deleted: struck
    through), as the tree marks the row."""
    glyph, style = STATE_GLYPHS[cell.state]
    secret = cell.secret
    text = Text()
    if mark in STAGED_GLYPHS:
        sign, sign_style = STAGED_GLYPHS[mark]
        text.append(sign, style=sign_style)
        text.append(" ")
    text.append(glyph, style=style)
    text.append(" ")
    if secret is None:
        text.append("missing", style="dim italic")
    elif value is None:
        text.append(one_line(source_text(secret), PROVIDER_WIDTH), style="cyan")
        text.append(" ")
        text.append(MASK, style="dim")
    else:
        marker = equality_marker(comparison, cell.profile)
        if marker is not None:
            text.append_text(marker)
            text.append(" ")
        text.append_text(value)
    if mark == "deleted":
        text.stylize("strike", 2)
    text.truncate(width, overflow="ellipsis")
    text.no_wrap = True
    return text


def name_label(name: str, highlight: tuple[int, ...] = ()) -> Text:
    label = Text(one_line(name, NAME_WIDTH), style="bold", no_wrap=True)
    for index in highlight:
        if index < NAME_WIDTH - 1:
            label.stylize("reverse", index, index + 1)
    return label


def profile_header(profile: str, active: bool, width: int) -> Text:
    """A column's heading: the profile's name, ``★`` when it is active."""
    header = Text(one_line(profile, max(1, width - 2) if active else width), style="bold")
    if active:
        header.append(" ★", style="green")
    return header
