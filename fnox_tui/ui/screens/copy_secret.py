"""`m`: copy the highlighted secret to another profile, re-encrypted for that profile.

The stored value is decrypted with the source's provider and encrypted with the provider the
user picks among the target profile's (its effective default preselected, else the provider
of the same name): a staging age secret promoted to production's KMS key, for instance. Both
run in one worker on the app; the plaintext never leaves it. A secret that is only a default
is copied as it is. The copy's other fields (description, json_path, ...) go with it.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button, Select, Static

from fnox_tui.core.changes import AddSecret, Change, ChangeSet
from fnox_tui.core.edit_changes import carried_fields, new_entry_fields, staged_fields, update_for
from fnox_tui.core.edit_targets import (
    Target,
    definition_id,
    effective_default,
    how_written,
    preferred_provider,
    target_files,
)
from fnox_tui.core.model import DEFAULT_PROFILE, EffectiveSecret, Origin, ProviderDef, Workspace
from fnox_tui.core.reencrypt import Sealed, copy_sealed
from fnox_tui.ui import app_services
from fnox_tui.ui.screens.edit_secret import place, provider_phrase
from fnox_tui.ui.screens.form import FormScreen, form_row, note
from fnox_tui.ui.screens.new_secret import file_options, provider_options
from fnox_tui.ui.text import literal


class CopySecretForm(FormScreen):
    """Copy ``secret`` into ``target_profile``."""

    submit_label = "Copy"
    hint = "enter copies · shift+tab picks another provider or file · esc cancels"

    def __init__(
        self,
        workspace: Workspace,
        secret: EffectiveSecret,
        target_profile: str,
        staged: ChangeSet,
    ) -> None:
        title = literal(f"Copy {secret.name}", style="bold")
        title.append_text(literal(f"  from {secret.profile} to {target_profile}", style="dim"))
        super().__init__(title, dialog_id="copy-dialog")
        self.workspace = workspace
        self.secret = secret
        self.target_profile = target_profile
        self.view = workspace.profiles[target_profile]
        # The source as staged: a value edited but not saved yet is the one copied.
        self.source_fields = staged_fields(
            staged, definition_id(secret.definition), secret.definition.fields
        )
        source_provider = self.source_fields.get("provider") or secret.provider_name
        self.source_provider = (
            workspace.profiles[secret.profile].providers.get(str(source_provider))
            if source_provider
            else None
        )
        existing = self.view.secret(secret.name)
        # The target profile's own definition (not one it inherits) is replaced in place.
        self.existing = (
            existing if existing is not None and (existing.origin is not Origin.INHERITED) else None
        )
        self.existing_fields = (
            staged_fields(
                staged, definition_id(self.existing.definition), self.existing.definition.fields
            )
            if self.existing is not None
            else None
        )
        self.files = target_files(workspace, target_profile)
        self.by_default = "value" not in self.source_fields and isinstance(
            self.source_fields.get("default"), str
        )

    def compose_fields(self) -> ComposeResult:
        cwd = self.workspace.cwd
        secret = self.secret
        location = secret.definition.location
        source = f"From {secret.profile}: {place(location.path, cwd, location.line)}"
        if self.by_default:
            source += " · a default value, copied as it is"
        elif self.source_provider is not None:
            source += f" · {provider_phrase(self.source_provider)}"
        yield note(source)
        if not self.by_default:
            providers = [
                provider
                for provider in self.view.providers.values()
                if how_written(provider.type) == "encrypt"
            ]
            preferred = preferred_provider(self.view, secret.provider_name)
            options = provider_options(
                providers, effective_default(self.view), with_default_value=False
            )
            if preferred in [value for _, value in options]:
                select = Select(
                    options, value=preferred, allow_blank=False, id="copy-provider", compact=True
                )
            else:
                select = Select(
                    options, prompt="choose a provider", id="copy-provider", compact=True
                )
            yield form_row("Provider", select)
        if self.existing is not None:
            where = place(
                self.existing.definition.location.path, cwd, self.existing.definition.location.line
            )
            yield note(
                f"{self.target_profile} defines {secret.name} itself ({where}): the copy replaces "
                "its value.",
                style="yellow",
            )
        else:
            yield form_row(
                "File",
                Select(
                    file_options(self.files, cwd),
                    value=str(self.files[0]),
                    allow_blank=False,
                    id="copy-file",
                    compact=True,
                ),
            )
            inherited = self.view.secret(secret.name)
            if inherited is not None:
                yield note(
                    f"{self.target_profile} inherits {secret.name} from the top-level secrets: "
                    "the copy adds an override in it.",
                    style="yellow",
                )
        yield Static("", id="copy-writes", classes="form-note")

    def on_mount(self) -> None:
        super().on_mount()
        self._update()

    def focus_first(self) -> None:
        """The Copy button: the form has no text to type, and enter on a list would open it
        instead of copying (the provider and file are a shift+tab away)."""
        self.set_focus(self.query_one("#form-submit", Button))

    @on(Select.Changed)
    def _changed(self) -> None:
        self._update()

    @property
    def provider(self) -> ProviderDef | None:
        if self.by_default:
            return None
        value = self.query_one("#copy-provider", Select).value
        return self.view.providers.get(value) if isinstance(value, str) else None

    @property
    def target(self) -> Target:
        if self.existing is not None:
            return Target(self.existing.definition.location.path, self.target_profile)
        value = self.query_one("#copy-file", Select).value
        return Target(Path(value) if isinstance(value, str) else self.files[0], self.target_profile)

    def _where(self) -> str:
        cwd = self.workspace.cwd
        if self.existing is not None:
            entry = definition_id(self.existing.definition)
            return f"{place(entry.path, cwd)} [{entry.dotted_table}]"
        target = self.target
        return f"{place(target.path, cwd)} [{target.dotted_table}]"

    def _update(self) -> None:
        text = f"Writes {self.secret.name} to {self._where()}"
        target = self.target
        if (
            self.existing is None
            and self.target_profile == DEFAULT_PROFILE
            and target.table == ("secrets",)
        ):
            text += ", top level: every profile that does not define it inherits it"
        provider = self.provider
        if provider is not None:
            text += f" · {provider_phrase(provider)}"
        self.query_one("#copy-writes", Static).update(literal(text, style="dim"))

    def submit(self) -> None:
        carried = carried_fields(self.source_fields)
        if self.by_default:
            self._stage(None, None, carried)
            return
        provider = self.provider
        if provider is None:
            self.say(
                f"Choose the provider of {self.target_profile} to encrypt the copy with "
                f"({self.target_profile} has none fnox-tui can encrypt for)."
            )
            return
        source = (self.source_provider, self.secret.profile, self._source_value())
        target_profile = self.target_profile

        def work() -> Sealed:
            return copy_sealed(app_services.resolver(self.app), source, provider, target_profile)

        what = "Decrypting"
        if self.source_provider is not None:
            what += f" with {self.source_provider.name}"
        what += f", encrypting with {provider.name} ({provider.type})…"
        self.start_job(what, work, lambda sealed: self._stage(provider, sealed, carried))

    def _source_value(self) -> str | None:
        value = self.source_fields.get("value")
        return value if isinstance(value, str) else None

    def _stage(
        self, provider: ProviderDef | None, sealed: Sealed | None, carried: dict[str, object]
    ) -> None:
        name = self.secret.name
        ciphertext = sealed.ciphertext if sealed is not None else None
        change: Change | None
        if self.existing is not None and self.existing_fields is not None:
            fields = dict(self.existing_fields)
            fields.pop("sync", None)
            if provider is not None and ciphertext is not None:
                fields["provider"] = provider.name
                fields["value"] = ciphertext
            else:
                fields.pop("provider", None)
                fields.pop("value", None)
                fields.update(carried)
            change = update_for(
                definition_id(self.existing.definition), self.existing_fields, fields
            )
            if change is None:
                self.say(f"{self.target_profile}'s {name} is the same already.")
                return
        else:
            fields = new_entry_fields(
                provider.name if provider is not None else None, ciphertext, carried
            )
            change = AddSecret(self.target.entry(name), fields)
        expected = []
        if sealed is not None and provider is not None:
            expected.append(
                sealed.expect(change.id, profile=self.target_profile, provider=provider.name)
            )
        self.stage(
            [change],
            f"copy {name} to {self.target_profile}",
            f"copy of {name} from {self.secret.profile} to {self.target_profile} in "
            f"{self._where()}; ctrl+s reviews and saves",
            expected,
        )
