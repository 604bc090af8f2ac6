"""Rich ``Text`` labels for tree rows. Names and descriptions are always literal text.

A secret's row reads: name, kind badge, origin marker (and ⚠ for a problem), then the value
and the description. Given the width the row has, the first three are never cut (a long name
is shortened with ``…`` so they fit), then the value and the description take what is left,
each ending in ``…`` when cut.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from fnox_tui.core.model import EffectiveSecret, Origin, ProfileView, ProviderDef
from fnox_tui.ui.text import literal, one_line, visible

MASK = "••••••"
ROW_VALUE_WIDTH = 32
DESCRIPTION_WIDTH = 200  # the description takes the rest of the row, up to this
GAP = "  "
MIN_NAME_WIDTH = 12  # a name is never shortened below this (nor the row's badge and marker cut)
MIN_DESCRIPTION_WIDTH = 8  # less room than this: the description is only a `…`


def kind_badge(secret: EffectiveSecret) -> Text:
    """Where the value comes from, in a word: its provider, ``default`` or ``env var``.

    A provider the secret names is bold; the profile's default (or only) provider is not
    (the details pane says which). A stored value no provider can read says so.
    """
    definition = secret.definition
    if definition.provider is not None:
        return literal(definition.provider, style="bold cyan")
    if definition.value is not None:
        if secret.provider_name is None:
            return Text("no provider", style="yellow")
        return literal(secret.provider_name, style="cyan")
    if definition.default is not None:
        return Text("default", style="green")
    return Text("env var", style="blue")


def origin_marker(origin: Origin) -> Text:
    if origin is Origin.INHERITED:
        return Text("↑ inherited", style="dim italic")
    if origin is Origin.OVERRIDES:
        return Text("● overrides", style="yellow")
    return Text("")


STAGED_MARKS = {
    "new": ("+ new", "bold green"),
    "changed": ("~ changed", "bold yellow"),
    "deleted": ("- deleted", "bold red"),
}


def staged_badge(mark: str | None) -> Text | None:
    """The badge of a row with a staged change (None: no change)."""
    if mark not in STAGED_MARKS:
        return None
    text, style = STAGED_MARKS[mark]
    return Text(text, style=style)


def shortened(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells, ending in ``…`` when cut."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(max(1, width), overflow="ellipsis")
    return cut


def secret_label(
    secret: EffectiveSecret,
    value: Text | None = None,
    highlight: tuple[int, ...] = (),
    problem: bool = False,
    width: int | None = None,
    mark: str | None = None,
) -> Text:
    """The row of ``secret``; with ``width``, fitted to that many cells (see the module).
    ``mark``: its staged change (``new``, ``changed``, ``deleted``: struck through)."""
    name = literal(secret.name, style="bold strike" if mark == "deleted" else "bold")
    for index in highlight:
        name.stylize("reverse", index, index + 1)
    fixed: list[Text] = [kind_badge(secret)]
    badge = staged_badge(mark)
    if badge is not None:
        fixed.insert(0, badge)
    marker = origin_marker(secret.origin)
    if marker:
        fixed.append(marker)
    if problem:
        fixed.append(Text("⚠", style="bold red"))
    shown = value if value is not None else Text(MASK, style="dim")
    description = secret.definition.description
    described = Text(one_line(description, DESCRIPTION_WIDTH), style="dim") if description else None
    if width is None:
        parts = [name, *fixed, shown] + ([described] if described else [])
        return Text(GAP).join(parts)
    fixed_width = sum(part.cell_len + len(GAP) for part in fixed)
    room_for_name = width - fixed_width - len(GAP) - len(MASK)
    name = shortened(name, max(MIN_NAME_WIDTH, room_for_name))
    row = Text(GAP).join([name, *fixed])
    left = width - row.cell_len - len(GAP)
    if left <= 0:
        return row
    row.append(GAP)
    row.append_text(shortened(shown, left))
    left = width - row.cell_len - len(GAP)
    if described is not None and left >= 1:
        row.append(GAP)  # too little room: a lone … says there is more in the details
        row.append_text(shortened(described, left if left >= MIN_DESCRIPTION_WIDTH else 1))
    return row


def profile_label(
    view: ProfileView,
    active: bool,
    shown: int | None = None,
    staged: Mapping[str, int] | None = None,
    total: int | None = None,
) -> Text:
    """A profile's row: its name, how many secrets it has (``total``: with the staged
    changes applied; the loaded count if not given) or how many match a filter, the staged
    changes among them (``staged``: how many rows are marked new, changed, deleted, each
    counted with the tree's mark) and ★ for an active profile."""
    total = view.size if total is None else total
    noun = "secret" if total == 1 else "secrets"
    count = f"{total} {noun}" if shown is None else f"{shown} of {total} match"
    label = Text.assemble(literal(view.name, style="bold"), "  ", Text(count, style="dim"))
    for mark, (text, style) in STAGED_MARKS.items():
        number = (staged or {}).get(mark, 0)
        if number:
            label.append("  ")
            label.append(f"{text[0]}{number} {mark}", style=style)
    if active:
        label.append("  ★ active", style="green")
    return label


def provider_label(
    provider: ProviderDef,
    problem: bool = False,
    badge: Text | None = None,
    width: int | None = None,
) -> Text:
    """A provider's row: name, type, scope, check badge and ⚠; the summary takes the rest."""
    label = Text.assemble(
        literal(provider.name, style="bold"), GAP, literal(provider.type, style="cyan")
    )
    if provider.profile is not None:
        label.append(f"  ({visible(provider.profile)})", style="yellow")
    tail = Text()
    if badge is not None:
        tail.append(GAP)
        tail.append_text(badge)
    if problem:
        tail.append("  ⚠", style="bold red")
    summary = provider.summary
    if summary:
        text = Text(one_line(summary, 40), style="dim")
        if width is not None:
            left = width - label.cell_len - tail.cell_len - len(GAP)
            text = shortened(text, left) if left >= MIN_DESCRIPTION_WIDTH else Text()
        if text:
            label.append(GAP)
            label.append_text(text)
    label.append_text(tail)
    return label
