"""The details pane: everything known about the highlighted node."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from fnox_tui.core.model import (
    EffectiveSecret,
    Location,
    Origin,
    ProfileView,
    ProviderDef,
    SecretDef,
    Workspace,
)
from fnox_tui.core.providers.base import CheckResult, ProviderError
from fnox_tui.core.schema import LOCAL_TYPES, REMOTE_TYPES
from fnox_tui.core.wording import plural
from fnox_tui.ui.text import literal

Rows = list[tuple[str, RenderableType]]
LABEL_WIDTH = 24  # a longer label (a field key from the file) folds: the values stay in view

_ORIGIN_TEXT = {
    Origin.DEFINED: "defined here",
    Origin.INHERITED: "inherited from the top-level [secrets]",
    Origin.OVERRIDES: "defined here, overriding a top-level secret",
}


def _grid(title: str, rows: Rows, subtitle: str = "") -> RenderableType:
    """A heading and a two-column table; every ``str`` in it is shown literally.

    Labels are strings too (a provider's name, a field's key): Rich's table would read them
    as markup, so they become literal Text like the values; a long one folds at LABEL_WIDTH.
    """
    heading = literal(title, style="bold")
    if subtitle:
        heading.append_text(literal(f"  {subtitle}", style="dim"))
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold dim", max_width=LABEL_WIDTH, overflow="fold")
    table.add_column(overflow="fold")
    for label, value in rows:
        table.add_row(literal(label), literal(value) if isinstance(value, str) else value)
    return Group(heading, Text(""), table)


def relative(path: Path, cwd: Path) -> str:
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def stored_value_summary(secret: EffectiveSecret) -> str:
    value = secret.definition.value
    if value is None:
        return "none"
    provider_type = secret.provider.type if secret.provider else None
    if provider_type in REMOTE_TYPES:
        return f"reference {value!r} in {secret.provider_name}"
    if provider_type == "plain":
        return f"{plural(len(value), 'character')}, stored as plain text"
    if provider_type in LOCAL_TYPES:
        return f"ciphertext, {plural(len(value), 'character')} of base64"
    return plural(len(value), "character")


def secret_details(
    secret: EffectiveSecret,
    cwd: Path,
    value: RenderableType | None = None,
    check: CheckResult | None = None,
) -> RenderableType:
    """A secret's details; ``check``: the result of `t` on its provider, if there is one."""
    definition = secret.definition
    rows: Rows = [("Profile", f"{secret.profile} ({_ORIGIN_TEXT[secret.origin]})")]
    if secret.provider_name:
        provider_type = secret.provider.type if secret.provider else "not found"
        how = {"own": "", "default_provider": ", the default_provider"}.get(
            secret.provider_source, f", the {secret.provider_source}"
        )
        rows.append(("Provider", f"{secret.provider_name} ({provider_type}{how})"))
    else:
        rows.append(("Provider", "none"))
    if check is not None:  # beside the provider, in view on a small screen (facts: under it)
        rows.append(("Provider check", check_badge(check)))
        if check.error is not None:
            rows.append(("Check error", error_renderable(check.error)))
    hidden = Text("•••••• hidden · v reveals · c copies", style="dim")
    rows.append(("Value", value if value is not None else hidden))  # high: in view when small
    rows.append(("Kind", secret.kind))
    for label, field in (
        ("Description", "description"),
        ("Default", "default"),
        ("If missing", "if_missing"),
        ("Env", "env"),
        ("As file", "as_file"),
        ("JSON path", "json_path"),
        ("Line", "line"),
    ):
        raw = definition.fields.get(field)
        if raw is not None:
            rows.append((label, _literal(raw)))
    if "sync" in definition.fields:
        rows.append(("Sync cache", "present"))
    rows.append(("Source", f"{_where(definition.location, cwd)}  [{definition.table}]"))
    if secret.shadowed:
        rows.append(("Also defined", "\n".join(_shadowed_lines(secret, cwd))))
    rows.append(("Stored value", stored_value_summary(secret)))
    return _grid(secret.name, rows, "secret")


def check_badge(check: CheckResult) -> Text:
    return literal(check.badge, style="green" if check.ok else "red")


def check_rows(check: CheckResult, label: str = "Check") -> Rows:
    """The result of `t`: its badge, the facts it found and its error."""
    rows: Rows = [(label, check_badge(check))]
    rows += [(fact_label, fact) for fact_label, fact in check.facts]
    if check.error is not None:
        rows.append(("Error", error_renderable(check.error)))
    return rows


def _where(location: Location, cwd: Path) -> str:
    return relative(location.path, cwd) + (f":{location.line}" if location.line else "")


def _shadowed_lines(secret: EffectiveSecret, cwd: Path) -> list[str]:
    """The definitions this profile's merge replaced, nearest first, and how."""
    return [
        f"{_where(shadowed.location, cwd)}  [{shadowed.table}]  {_how_replaced(shadowed, secret)}"
        for shadowed in reversed(secret.shadowed)
    ]


def _how_replaced(shadowed: SecretDef, secret: EffectiveSecret) -> str:
    if shadowed.profile is None and secret.definition.profile is not None:
        return "overridden by this profile"
    return "shadowed"


def provider_details(
    provider: ProviderDef, cwd: Path, check: CheckResult | None = None
) -> RenderableType:
    scope = "top level" if provider.profile is None else f"profile {provider.profile}"
    location = provider.location
    source = relative(location.path, cwd) + (f":{location.line}" if location.line else "")
    rows: Rows = [
        ("Type", provider.type),
        ("Scope", scope),
        ("Source", f"{source}  [{provider.table}]"),
    ]
    for name in provider.fields:
        text = provider.field_text(name)
        if text is not None:
            rows.append((field_label(name, provider.type), text))
    if provider.type not in ("aws-kms", "age", "aws-sm", "aws-ps", "plain"):
        rows.append(("Note", "fnox-tui cannot resolve this type itself; use `fnox get`."))
    if check is None:
        rows.append(("Check", Text("not checked · t checks it", style="dim")))
    else:
        said = {(label, text) for label, text in rows if isinstance(text, str)}
        rows += [  # a fact the fields already gave (the region) is not said twice
            (label, fact)
            for label, fact in check_rows(check)
            if not (isinstance(fact, str) and (label, fact) in said)
        ]
    return _grid(provider.name, rows, "provider")


_FIELD_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_WORDS = {"id": "ID", "url": "URL", "arn": "ARN", "kms": "KMS", "aws": "AWS", "ssh": "SSH"}


def field_label(name: str, provider_type: str = "") -> str:
    """A provider field's key as a label: ``key_file`` → "Key file", ``key_id`` → "Key ID"."""
    if name == "profile" and provider_type.startswith("aws-"):
        return "AWS profile"  # not to be read as an fnox profile
    if not _FIELD_KEY.fullmatch(name):
        return name  # not a field fnox knows (listed under p): shown as written
    words = [_WORDS.get(word, word) for word in name.split("_") if word]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def profile_details(
    view: ProfileView,
    workspace: Workspace,
    staged: tuple[int, Mapping[str, int]] | None = None,
) -> RenderableType:
    """A profile's summary; ``staged``: with staged changes, how many secrets it has once
    saved and how many rows are marked new, changed, deleted (as the tree counts them)."""
    counts = view.counts()
    rows: Rows = [
        ("Secrets", str(len(view.secrets))),
        ("Defined here", str(counts[Origin.DEFINED])),
        ("Inherited", str(counts[Origin.INHERITED])),
        ("Overriding", str(counts[Origin.OVERRIDES])),
        ("Providers", ", ".join(view.providers) or "none"),
        ("Default provider", _default_provider_text(view)),
    ]
    if staged is not None and staged[1]:
        total, marks = staged
        signs = {"new": "+", "changed": "~", "deleted": "-"}
        kinds = [f"{sign}{marks[kind]} {kind}" for kind, sign in signs.items() if marks.get(kind)]
        rows.insert(1, ("Staged", f"{', '.join(kinds)}: {total} once saved"))
    if view.default_provider_error:
        rows.append(("Problem", literal(view.default_provider_error, style="red")))
    rows.append(("Files", "\n".join(relative(p, workspace.cwd) for p in view.files)))
    active = " (active)" if view.name in workspace.active_profiles else ""
    return _grid(view.name, rows, f"profile{active}")


def _default_provider_text(view: ProfileView) -> str:
    if view.default_provider:
        return view.default_provider
    if len(view.providers) == 1:
        return f"{next(iter(view.providers))} (the only provider)"
    return "none"


def providers_details(workspace: Workspace) -> RenderableType:
    """Every provider, named with its scope when a profile defines it: ``age (production)``."""
    rows: Rows = [(scoped_name(p), f"{p.type}  {p.summary}".strip()) for p in workspace.providers]
    return _grid("Providers", rows or [("", "none configured")], f"{len(rows)}")


def scoped_name(provider: ProviderDef) -> str:
    return provider.name if provider.profile is None else f"{provider.name} ({provider.profile})"


def _literal(raw: object) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def error_renderable(error: ProviderError) -> RenderableType:
    parts: list[RenderableType] = [literal(f"✗ {error.message}", style="bold red")]
    if error.hint:
        parts.append(literal(error.hint))
    if error.detail:
        parts += [Text(""), literal(error.detail, style="cyan")]
    return Group(*parts)


class DetailsPane(VerticalScroll):
    """A scrollable pane holding one renderable."""

    def compose(self) -> ComposeResult:
        yield Static(id="details-body")
        yield Static(id="details-extra")

    def show(self, renderable: RenderableType) -> None:
        """Show ``renderable``. The screen is laid out again only when the new details need
        more lines than the pane's body has (or it scrolls, or a section follows): a layout
        makes Textual repaint every widget on screen, for each move of the cursor. Shorter
        details leave blank lines below them until the next layout; the screen looks the
        same."""
        body = self.query_one("#details-body", Static)
        width, height = body.size
        body.update(renderable, layout=False)
        body.clear_cached_dimensions()
        if (
            not width
            or self.max_scroll_y  # (the scroll bar must go when the details fit)
            or self.query_one("#details-extra").display  # (it follows the body's last line)
            or body.get_content_height(self.size, self.app.size, width) > height
        ):
            body.refresh(layout=True)

    def show_extra(self, renderable: RenderableType | None) -> None:
        """A section below the details (a matrix row's comparison), or none."""
        extra = self.query_one("#details-extra", Static)
        extra.display = renderable is not None
        if renderable is not None:
            extra.update(renderable)
