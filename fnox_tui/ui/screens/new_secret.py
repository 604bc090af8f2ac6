"""`s`: set a new secret in the highlighted profile.

The name must be a valid environment variable name that the profile does not define yet (one
it inherits may be overridden, with a warning). The provider is one the profile sees, its
effective default preselected, or a plain default value. The file is the one ``fnox set``
would write, or another loaded file the user picks.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from fnox_tui.core.changes import AddSecret, ChangeSet
from fnox_tui.core.edit_changes import new_entry_fields
from fnox_tui.core.edit_targets import (
    Target,
    effective_default,
    how_written,
    name_problem,
    preferred_provider,
    provider_choices,
    target_files,
)
from fnox_tui.core.model import DEFAULT_PROFILE, Origin, ProviderDef, Workspace
from fnox_tui.core.reencrypt import Sealed, empty_value_error
from fnox_tui.ui.screens.edit_secret import DEFAULT_SOURCE, place, provider_phrase
from fnox_tui.ui.screens.form import FormScreen, form_row
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.literal_input import LiteralInput
from fnox_tui.ui.widgets.value_field import ValueField


def provider_options(
    providers: list[ProviderDef], default: str | None, *, with_default_value: bool = True
) -> list[tuple[Text, str]]:
    """Select options for providers (``default``'s marked), then a plain default value."""
    options: list[tuple[Text, str]] = []
    for provider in providers:
        label = literal(f"{provider.name} ({provider.type})")
        if provider.name == default:
            label.append(" · default_provider", style="dim")
        if how_written(provider.type) == "none":
            label.append(" · fnox-tui cannot encrypt for it", style="dim")
        options.append((label, provider.name))
    if with_default_value:
        options.append(
            (Text("no provider: a default value (plain text in the file)"), DEFAULT_SOURCE)
        )
    return options


def file_options(
    paths: list[Path], cwd: Path, first_is_fnox: bool = True
) -> list[tuple[Text, str]]:
    options = []
    for number, path in enumerate(paths):
        label = literal(place(path, cwd))
        if not path.exists():
            label.append(" (new file)", style="dim")
        if number == 0 and first_is_fnox:
            label.append(" · where fnox set writes", style="dim")
        options.append((label, str(path)))
    return options


def staged_new_names(staged: ChangeSet, profile: str) -> set[str]:
    """Names staged as new (or replaced) secrets of ``profile``."""
    names = set()
    for entry, net in staged.net().items():
        in_profile = (entry.scope_profile or DEFAULT_PROFILE) == profile
        if net.op in ("add", "replace") and entry.is_secret and in_profile:
            names.add(entry.name)
    return names


class NewSecretForm(FormScreen):
    """The form of a new secret in ``profile``."""

    def __init__(
        self, workspace: Workspace, profile: str, staged: ChangeSet, name: str = ""
    ) -> None:
        title = literal("New secret", style="bold")
        title.append_text(literal(f"  profile {profile}", style="dim"))
        super().__init__(title, dialog_id="new-dialog")
        self.workspace = workspace
        self.profile = profile
        self.view = workspace.profiles[profile]
        self.staged_names = staged_new_names(staged, profile)
        self.initial_name = name
        self.files = target_files(workspace, profile)

    def compose_fields(self) -> ComposeResult:
        yield form_row(
            "Name",
            LiteralInput(
                self.initial_name,
                placeholder="NAME: letters, digits and _",
                id="new-name",
                compact=True,
            ),
        )
        yield Static("", id="new-name-note", classes="form-note")
        providers = provider_choices(self.view)
        preferred = preferred_provider(self.view)
        yield form_row(
            "Provider",
            Select(
                provider_options(providers, effective_default(self.view)),
                value=preferred if preferred is not None else DEFAULT_SOURCE,
                allow_blank=False,
                id="new-provider",
                compact=True,
            ),
        )
        yield form_row("Value", ValueField(placeholder="the value", id="new-value"))
        yield form_row(
            "Description",
            LiteralInput(placeholder="optional", id="new-description", compact=True),
        )
        yield form_row(
            "File",
            Select(
                file_options(self.files, self.workspace.cwd),
                value=str(self.files[0]),
                allow_blank=False,
                id="new-file",
                compact=True,
            ),
        )
        yield Static("", id="new-writes", classes="form-note")

    def on_mount(self) -> None:
        super().on_mount()
        self._update()

    def focus_first(self) -> None:
        if self.initial_name:  # the name is given (a missing cell of the matrix): the value
            self.query_one("#new-value", ValueField).focus_editor()
        else:
            self.set_focus(self.query_one("#new-name", Input))

    # Reacting ---------------------------------------------------------------------------

    @on(Input.Changed, "#new-name")
    @on(Select.Changed)
    def _changed(self) -> None:
        self._update()

    @property
    def target(self) -> Target:
        value = self.query_one("#new-file", Select).value
        path = Path(value) if isinstance(value, str) else self.files[0]
        return Target(path, self.profile)

    @property
    def provider(self) -> ProviderDef | None:
        value = self.query_one("#new-provider", Select).value
        if not isinstance(value, str) or value == DEFAULT_SOURCE:
            return None
        return self.view.providers.get(value)

    @property
    def secret_name(self) -> str:
        return self.query_one("#new-name", Input).value

    def name_notice(self, name: str) -> tuple[str, str]:
        """What to say about ``name``: (kind, sentence); kind ``error`` refuses it."""
        if not name:
            return "", ""
        problem = name_problem(name)
        if problem:
            return "error", problem
        if name in self.staged_names:
            return "error", f"{name} is already staged as a new secret of {self.profile}."
        existing = self.view.secret(name)
        if existing is None:
            return "", ""
        location = existing.definition.location
        where = place(location.path, self.workspace.cwd, location.line)
        if existing.origin is Origin.INHERITED:
            return "warning", (
                f"{self.profile} inherits {name} from the top-level secrets ({where}): this "
                f"adds an override in {self.profile} only."
            )
        return "error", f"{self.profile} already defines {name} ({where}): e edits it."

    def _update(self) -> None:
        kind, sentence = self.name_notice(self.secret_name)
        style = {"error": "red", "warning": "yellow"}.get(kind, "dim")
        name_note = self.query_one("#new-name-note", Static)
        name_note.update(literal(sentence, style=style))
        name_note.display = bool(sentence)
        target = self.target
        text = (
            f"Writes {self.secret_name or 'the secret'} to {place(target.path, self.workspace.cwd)}"
        )
        text += f" [{target.dotted_table}]"
        if target.table == ("secrets",) and self.profile == DEFAULT_PROFILE:
            text += ", top level: every profile that does not define it inherits it"
        provider = self.provider
        if provider is not None:
            text += f" · {provider_phrase(provider)}"
        else:
            text += " · as a default value, plain text"
        self.query_one("#new-writes", Static).update(literal(text, style="dim"))

    # Submitting -------------------------------------------------------------------------

    def submit(self) -> None:
        name = self.secret_name
        kind, sentence = self.name_notice(name)
        if not name:
            sentence, kind = str(name_problem(name)), "error"
        if kind == "error":
            self.say(sentence)
            return
        value = self.query_one("#new-value", ValueField).value
        if not value:
            self.say(str(empty_value_error()))
            return
        description = self.query_one("#new-description", Input).value or None
        rest = {"description": description}
        provider = self.provider
        if provider is None:
            self._stage(name, new_entry_fields(None, None, {"default": value, **rest}))
            return
        writing = how_written(provider.type)
        if writing == "none":
            self.say(
                f"fnox-tui cannot encrypt for provider {provider.name} ({provider.type}): "
                f"use `fnox set {name} --provider {provider.name}`."
            )
            return
        if writing == "reference":  # the value names the remote secret
            self._stage(name, new_entry_fields(provider.name, value, rest))
            return

        def encrypted(sealed: Sealed) -> None:
            fields = new_entry_fields(provider.name, sealed.ciphertext, rest)
            self._stage(name, fields, (sealed, provider))

        self.encrypt_then(provider, self.profile, value, encrypted)

    def _stage(
        self,
        name: str,
        fields: dict[str, object],
        sealed: tuple[Sealed, ProviderDef] | None = None,
    ) -> None:
        target = self.target
        entry = target.entry(name)
        where = f"{place(target.path, self.workspace.cwd)} [{target.dotted_table}]"
        expected = []
        if sealed is not None:
            value, provider = sealed
            expected.append(value.expect(entry, profile=self.profile, provider=provider.name))
        self.stage(
            [AddSecret(entry, fields)],
            f"new {name}",
            f"new secret {name} of {self.profile} in {where}; ctrl+s reviews and saves",
            expected,
        )
