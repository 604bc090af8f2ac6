"""`e`: edit the highlighted secret's value and description.

The value is encrypted by the provider that will decrypt it (aws-kms, age, plain) in a worker
on the app; for a remote provider (aws-sm, aws-ps) the form edits the reference, and can write
a new remote value after a confirmation. A secret that is only a default is edited as its
default; one that comes from the environment can be given a default or a provider value. An
inherited secret asks where the change goes: the top-level entry, or a new override.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, RadioButton, RadioSet, Select, Static

from fnox_tui.core.changes import AddSecret, Change
from fnox_tui.core.edit_changes import carried_fields, new_entry_fields, update_for
from fnox_tui.core.edit_context import EditContext
from fnox_tui.core.edit_targets import how_written, is_top_level
from fnox_tui.core.model import ProviderDef, Workspace
from fnox_tui.core.reencrypt import Sealed, empty_value_error, put_remote
from fnox_tui.ui import app_services
from fnox_tui.ui.screens.confirm import CANCEL, Choice, ConfirmScreen
from fnox_tui.ui.screens.form import FormScreen, field_label, form_row, note
from fnox_tui.ui.text import literal
from fnox_tui.ui.widgets.details import relative
from fnox_tui.ui.widgets.literal_input import LiteralInput
from fnox_tui.ui.widgets.value_field import ValueField

KEEP = "leave empty to keep the current value"
DEFAULT_SOURCE = "\x00default"  # the env-var form's "give it a default" choice


def place(path: Path, cwd: Path, line: int = 0) -> str:
    """A file (and line) as the forms name it: relative to the working directory."""
    shown = relative(path, cwd)
    return f"{shown}:{line}" if line else shown


def provider_phrase(provider: ProviderDef) -> str:
    """How the value is written, for the form's 'Writes to' line."""
    writing = how_written(provider.type)
    if provider.type == "plain":
        return f"stored as plain text by provider {provider.name} (plain)"
    if writing == "reference":
        return f"the value names a secret kept by provider {provider.name} ({provider.type})"
    return f"encrypted by provider {provider.name} ({provider.type})"


class EditSecretForm(FormScreen):
    """The edit form of one secret (see :class:`~fnox_tui.core.edit_context.EditContext`)."""

    def __init__(self, context: EditContext, workspace: Workspace, revealed: str | None) -> None:
        title = literal(f"Edit {context.name}", style="bold")
        title.append_text(literal(f"  profile {context.profile}", style="dim"))
        super().__init__(title, dialog_id="edit-dialog")
        self.context = context
        self.workspace = workspace
        self._prefill = revealed if context.prefill_allowed and revealed is not None else None

    # Layout -----------------------------------------------------------------------------

    def compose_fields(self) -> ComposeResult:
        context = self.context
        cwd = self.workspace.cwd
        if context.inherited:
            location = context.secret.definition.location
            others = ", ".join(context.inheritors) or "none"
            assert context.override is not None
            override = context.override
            yield field_label("Where the change goes")
            with RadioSet(id="edit-where", compact=True):
                yield RadioButton(
                    literal(f"The top-level entry ({place(location.path, cwd, location.line)})"),
                    value=True,
                    id="where-top",
                )
                yield RadioButton(
                    literal(
                        f"A new override in {context.profile} ({place(override.path, cwd)} "
                        f"[{override.dotted_table}])"
                    ),
                    id="where-override",
                )
            yield note(f"The top-level entry changes for every profile that inherits it: {others}.")
        yield Static(self._writes_text(override=False), id="edit-writes", classes="form-note")
        for text in self._notes():
            yield note(text, style="yellow")
        yield from self._value_fields()
        description = context.fields.get("description")
        yield form_row(
            "Description",
            LiteralInput(
                description if isinstance(description, str) else "",
                placeholder="none",
                id="edit-description",
                compact=True,
            ),
        )

    def _notes(self) -> list[str]:
        context = self.context
        cwd = self.workspace.cwd
        notes = list(context.notes)
        if context.shadowed:
            replaced = ", ".join(
                place(d.location.path, cwd, d.location.line) for d in context.shadowed
            )
            location = context.secret.definition.location
            notes.append(
                f"This definition ({place(location.path, cwd, location.line)}) wins over "
                f"{replaced}: the edit changes it."
            )
        others = [name for name in context.inheritors if name != context.profile]
        if not context.inherited and is_top_level(context.secret.definition) and others:
            notes.append(
                "A top-level secret: the edit changes it for every profile that inherits it "
                f"too: {', '.join(others)}."
            )
        if context.mode == "readonly":
            notes.append(context.reason)
        return notes

    def _value_fields(self) -> ComposeResult:
        context = self.context
        mode = context.mode
        if mode == "encrypt":
            placeholder = "enter the new value" if self._prefill is not None else KEEP
            yield form_row(
                "Value", ValueField(self._prefill or "", placeholder=placeholder, id="edit-value")
            )
        elif mode == "reference":
            provider = context.provider
            assert provider is not None
            prefix = provider.field_text("prefix")
            after = f" (after the prefix {prefix!r})" if prefix else ""
            reference = context.fields.get("value")
            yield form_row(
                "Reference",
                LiteralInput(
                    reference if isinstance(reference, str) else "",
                    placeholder="the remote name",
                    id="edit-reference",
                    compact=True,
                ),
            )
            yield note(f"The name of the secret in {provider.type}{after}.")
            if context.remote_write:
                yield form_row(
                    "Remote value",
                    ValueField(
                        placeholder="leave empty to leave the remote value as it is",
                        id="edit-value",
                    ),
                )
        elif mode == "default":
            yield note(
                f"{context.name} is a default value: plain text in the file, used when nothing "
                "else gives it a value."
            )
            default = context.fields.get("default")
            yield form_row(
                "Default",
                LiteralInput(
                    default if isinstance(default, str) else "", id="edit-default", compact=True
                ),
            )
        elif mode == "env":
            state = "set" if context.name in app_services.environ(self.app) else "not set"
            yield note(
                f"{context.name} has no value in the file: fnox takes it from the environment "
                f"variable {context.name} ({state} for fnox-tui). Give it a default or a value "
                "a provider keeps:"
            )
            yield form_row(
                "Give it",
                Select(
                    self._source_options(),
                    value=DEFAULT_SOURCE,
                    allow_blank=False,
                    id="edit-source",
                    compact=True,
                ),
            )
            yield form_row("Value", ValueField(placeholder="the value", id="edit-value"))

    def _source_options(self) -> list[tuple[Text, str]]:
        options = [(Text("a default (plain text in the file)"), DEFAULT_SOURCE)]
        view = self.workspace.profiles[self.context.profile]
        for provider in view.providers.values():
            if how_written(provider.type) == "encrypt":
                options.append(
                    (literal(f"provider {provider.name} ({provider.type})"), provider.name)
                )
        return options

    def _writes_text(self, *, override: bool) -> Text:
        context = self.context
        cwd = self.workspace.cwd
        if override:
            assert context.override is not None
            target = context.override
            text = f"Writes a new override to {place(target.path, cwd)} [{target.dotted_table}]"
        else:
            location = context.secret.definition.location
            table = context.entry.dotted_table
            text = f"Writes to {place(location.path, cwd, location.line)} [{table}]"
        provider = self._provider()
        if provider is not None and context.mode in ("encrypt", "reference", "env"):
            text += f" · {provider_phrase(provider)}"
        elif context.mode == "default":
            text += " · the default is plain text"
        return literal(text)

    def on_mount(self) -> None:
        super().on_mount()
        self._update_writes()

    def focus_first(self) -> None:
        """The value (or what stands for it) first: it is what an edit usually changes."""
        for selector in ("#edit-value", "#edit-reference", "#edit-default", "#edit-description"):
            for widget in self.query(selector):
                if isinstance(widget, ValueField):
                    widget.focus_editor()
                else:
                    self.set_focus(widget)
                return

    # Reacting ---------------------------------------------------------------------------

    @property
    def to_override(self) -> bool:
        if not self.context.inherited:
            return False
        return self.query_one("#where-override", RadioButton).value

    @on(RadioSet.Changed, "#edit-where")
    def _where_changed(self) -> None:
        self._update_writes()

    @on(Select.Changed, "#edit-source")
    def _source_changed(self) -> None:
        self._update_writes()

    def _update_writes(self) -> None:
        self.query_one("#edit-writes", Static).update(self._writes_text(override=self.to_override))
        if self.context.mode == "encrypt" and self.to_override is False:
            self._warn_other_providers()

    def _warn_other_providers(self) -> None:
        """A top-level edit encrypts with this profile's provider: say which inheriting
        profiles would decrypt it with another one."""
        provider = self.context.provider
        others = []
        for name in self.context.inheritors:
            seen = self.workspace.profiles[name].secret(self.context.name)
            if seen is not None and seen.provider is not provider:
                others.append(name)
        if others and self.context.inherited:
            self.say(
                f"{', '.join(others)} resolve{'s' if len(others) == 1 else ''} this secret with "
                "another provider: a value encrypted here may not decrypt there.",
                "warning",
            )

    def _provider(self) -> ProviderDef | None:
        context = self.context
        if context.mode != "env":
            return context.provider
        try:
            source = self.query_one("#edit-source", Select).value
        except Exception:
            return None
        if source == DEFAULT_SOURCE or not isinstance(source, str):
            return None
        return self.workspace.profiles[context.profile].providers.get(source)

    # Submitting -------------------------------------------------------------------------

    def _new_fields(self) -> dict[str, object]:
        """The fields as edited so far (the value is added once it is encrypted)."""
        fields = dict(self.context.fields)
        description = self.query_one("#edit-description", Input).value
        if description:
            fields["description"] = description
        else:
            fields.pop("description", None)
        return fields

    def submit(self) -> None:
        mode = self.context.mode
        fields = self._new_fields()
        if mode == "encrypt":
            self._submit_encrypted(fields)
        elif mode == "reference":
            self._submit_reference(fields)
        elif mode == "default":
            default = self.query_one("#edit-default", Input).value
            if not default:
                self.say(str(empty_value_error()))
                return
            fields["default"] = default
            self._finish(fields, "default")
        elif mode == "env":
            self._submit_env(fields)
        else:
            self._finish(fields, "description")

    def _submit_encrypted(self, fields: dict[str, object]) -> None:
        provider = self.context.provider
        assert provider is not None
        value = self.query_one("#edit-value", ValueField).value
        if self._prefill is not None and not value:
            self.say(str(empty_value_error()))
            return
        if not value or value == self._prefill:
            self._finish(fields, "value kept")
            return
        self._encrypt_then_finish(provider, value, fields)

    def _encrypt_then_finish(
        self,
        provider: ProviderDef,
        value: str,
        fields: dict[str, object],
        *,
        explicit: bool = False,
    ) -> None:
        def encrypted(sealed: Sealed) -> None:
            fields["value"] = sealed.ciphertext
            if explicit:
                fields["provider"] = provider.name
            self._finish(fields, "value", sealed=(sealed, provider))

        self.encrypt_then(provider, self.context.profile, value, encrypted)

    def _submit_reference(self, fields: dict[str, object]) -> None:
        provider = self.context.provider
        assert provider is not None
        reference = self.query_one("#edit-reference", Input).value
        if not reference:
            self.say("Enter the remote name; to remove the secret, delete it with d.")
            return
        fields["value"] = reference
        remote = (
            self.query_one("#edit-value", ValueField).value if self.context.remote_write else ""
        )
        if not remote:
            self._finish(fields, "reference")
            return
        label = {"aws-sm": "AWS Secrets Manager", "aws-ps": "AWS Parameter Store"}.get(
            provider.type, provider.type
        )
        prefix = provider.field_text("prefix") or ""
        confirm = ConfirmScreen(
            f"Write a new value to {label}?",
            [
                f"The {label} entry {prefix}{reference} (provider {provider.name}) gets the "
                "value you entered now, for everyone who reads it: not when you save.",
                "The reference in the file is staged as usual.",
            ],
            [Choice("write", "Write it", "warning"), CANCEL],
        )

        def answered(choice: str | None) -> None:
            if choice != "write" or self.closed:
                return
            self._write_remote(provider, reference, remote, fields)

        self.app.push_screen(confirm, answered)

    def _write_remote(
        self, provider: ProviderDef, reference: str, remote: str, fields: dict[str, object]
    ) -> None:
        profile = self.context.profile
        box = [remote]

        def work() -> str:
            plaintext = box.pop()
            return put_remote(
                app_services.resolver(self.app), provider, profile, reference, plaintext
            )

        def written(name: str) -> None:
            self.app.notify(f"Wrote a new value to {name} ({provider.name})", timeout=6)
            self.query_one("#edit-value", ValueField).clear()
            self._finish(fields, "reference", wrote_remote=True)

        self.start_job(f"Writing to {provider.name} ({provider.type})…", work, written)

    def _submit_env(self, fields: dict[str, object]) -> None:
        value = self.query_one("#edit-value", ValueField).value
        if not value:
            self.say(str(empty_value_error()))
            return
        provider = self._provider()
        if provider is None:
            fields["default"] = value
            self._finish(fields, "default")
            return
        self._encrypt_then_finish(provider, value, fields, explicit=True)

    def _finish(
        self,
        fields: dict[str, object],
        what: str,
        *,
        wrote_remote: bool = False,
        sealed: tuple[Sealed, ProviderDef] | None = None,
    ) -> None:
        """Stage the edited fields at the chosen place and close; ``sealed``: the value
        entered, encrypted by that provider (checked against the file after the save)."""
        context = self.context
        cwd = self.workspace.cwd
        change: Change | None
        if self.to_override:
            assert context.override is not None
            if fields == context.fields and not wrote_remote:
                self.say("Nothing changed: an override needs a new value or description.")
                return
            target = context.override
            entry = target.entry(context.name)
            carried = carried_fields(fields)
            change = AddSecret(
                entry,
                new_entry_fields(fields.get("provider"), fields.get("value"), carried),  # type: ignore[arg-type]
            )
            where = f"a new override in {place(target.path, cwd)} [{target.dotted_table}]"
        else:
            change = update_for(context.entry, context.fields, fields)
            where = f"{place(context.entry.path, cwd)} [{context.entry.dotted_table}]"
        if change is None:
            if wrote_remote:
                self.close(True)
                return
            self.say("Nothing changed: enter a new value or description, or esc to cancel.")
            return
        expected = []
        if sealed is not None:
            value, provider = sealed
            expected.append(
                value.expect(change.id, profile=context.profile, provider=provider.name)
            )
        self.stage(
            [change],
            f"edit {context.name}",
            f"{context.name} ({what}) in {where}; ctrl+s reviews and saves",
            expected,
        )

    def clear_values(self) -> None:
        super().clear_values()
        self._prefill = None  # the revealed value the form was given
