"""Rich ``Text`` labels for tree rows. Names and descriptions are always literal text."""

from __future__ import annotations

from rich.text import Text

from fnox_tui.core.model import EffectiveSecret, Origin, ProfileView, ProviderDef
from fnox_tui.ui.text import literal, one_line, visible

MASK = "••••••"
ROW_VALUE_WIDTH = 32
DESCRIPTION_WIDTH = 48


def kind_badge(secret: EffectiveSecret) -> Text:
    definition = secret.definition
    if definition.provider is not None:
        return literal(definition.provider, style="bold cyan")
    if definition.value is not None:
        via = secret.provider_name or "no provider"
        return literal(f"value→{via}", style="cyan")
    if definition.default is not None:
        return Text("default", style="green")
    return Text("env var", style="magenta")


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


def secret_label(
    secret: EffectiveSecret,
    value: Text | None = None,
    highlight: tuple[int, ...] = (),
    problem: bool = False,
    mark: str | None = None,
) -> Text:
    name = literal(secret.name, style="bold strike" if mark == "deleted" else "bold")
    for index in highlight:
        name.stylize("reverse", index, index + 1)
    parts: list[Text | str] = [name, "  "]
    badge = staged_badge(mark)
    if badge is not None:
        parts += [badge, "  "]
    parts += [kind_badge(secret), "  "]
    parts.append(value if value is not None else Text(MASK, style="dim"))
    marker = origin_marker(secret.origin)
    if marker:
        parts += ["  ", marker]
    if problem:
        parts += ["  ", Text("⚠", style="bold red")]
    description = secret.definition.description
    if description:
        parts += ["  ", Text(one_line(description, DESCRIPTION_WIDTH), style="dim")]
    return Text.assemble(*parts)


def profile_label(view: ProfileView, active: bool, shown: int | None = None) -> Text:
    total = len(view.secrets)
    noun = "secret" if total == 1 else "secrets"
    count = f"{total} {noun}" if shown is None else f"{shown} of {total} match"
    label = Text.assemble(literal(view.name, style="bold"), "  ", Text(count, style="dim"))
    if active:
        label.append("  ★ active", style="green")
    return label


def provider_label(provider: ProviderDef, problem: bool = False, badge: Text | None = None) -> Text:
    label = Text.assemble(
        literal(provider.name, style="bold"), "  ", literal(provider.type, style="cyan")
    )
    if provider.profile is not None:
        label.append(f"  ({visible(provider.profile)})", style="yellow")
    summary = provider.summary
    if summary:
        label.append("  ")
        label.append(one_line(summary, 40), style="dim")
    if badge is not None:
        label.append("  ")
        label.append_text(badge)
    if problem:
        label.append("  ⚠", style="bold red")
    return label
