"""What editing one secret means: which definition changes, how its value is written, and who
else it changes. The edit form is drawn from an :class:`EditContext`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from fnox_tui.core.changes import ChangeSet
from fnox_tui.core.edit_changes import is_staged, staged_fields
from fnox_tui.core.edit_targets import (
    REMOTE_WRITE_TYPES,
    Target,
    definition_id,
    how_written,
    inheritors,
    shadowed,
    write_target,
)
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import EffectiveSecret, Origin, ProviderDef, SecretDef, Workspace

EditMode = Literal["encrypt", "reference", "default", "env", "readonly"]

# Fields that make a revealed value differ from the stored plaintext.
POST_PROCESSING = ("json_path", "line")


@dataclass(frozen=True, slots=True)
class EditContext:
    """Everything the edit form of ``secret`` shows and acts on.

    ``fields`` are the definition's fields with what is already staged for it applied.
    ``inherited``: the profile takes the secret from a top-level ``[secrets]``; the edit can
    change that entry (every profile in ``inheritors``) or add an override at ``override``.
    """

    secret: EffectiveSecret
    entry: EntryId
    fields: dict[str, object]
    mode: EditMode
    provider: ProviderDef | None
    inherited: bool
    inheritors: tuple[str, ...]
    override: Target | None
    shadowed: tuple[SecretDef, ...] = ()
    reason: str = ""  # readonly: why the value cannot be written here
    value_staged: bool = False  # a staged change already gives it a new value
    notes: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.secret.name

    @property
    def profile(self) -> str:
        return self.secret.profile

    @property
    def remote_write(self) -> bool:
        """Whether the form can write the remote value (aws-sm, aws-ps)."""
        return self.provider is not None and self.provider.type in REMOTE_WRITE_TYPES

    @property
    def prefill_allowed(self) -> bool:
        """Whether a revealed value is the stored plaintext the form edits: not when
        ``json_path``/``line`` pick a part of it, nor when a new value is staged already."""
        return (
            self.mode == "encrypt"
            and not self.value_staged
            and not any(name in self.fields for name in POST_PROCESSING)
        )


def edit_mode(secret: EffectiveSecret, fields: dict[str, object]) -> tuple[EditMode, str]:
    """How the value of ``secret`` is edited, and for ``readonly`` why."""
    if "provider" in fields or "value" in fields:
        provider = secret.provider
        if provider is None:
            if secret.provider_name is None:
                return "readonly", (
                    f"{secret.name} has a value but profile {secret.profile} has no provider "
                    "for it: set its provider or a default_provider first."
                )
            return "readonly", (
                f"Provider {secret.provider_name} is not defined in profile {secret.profile}: "
                "fnox-tui cannot write a value for it."
            )
        writing = how_written(provider.type)
        if writing == "none":
            return "readonly", (
                f"fnox-tui cannot encrypt for provider {provider.name} ({provider.type}): use "
                f"`fnox set {secret.name}` for the value; the description can be edited here."
            )
        return ("encrypt" if writing == "encrypt" else "reference"), ""
    if isinstance(fields.get("default"), str):
        return "default", ""
    return "env", ""


def edit_context(workspace: Workspace, secret: EffectiveSecret, staged: ChangeSet) -> EditContext:
    """The context of editing ``secret`` as its profile sees it. Raises
    :class:`~fnox_tui.core.edit_changes.StagedForDeletion` when it is staged for deletion."""
    definition = secret.definition
    entry = definition_id(definition)
    fields = staged_fields(staged, entry, definition.fields)
    mode, reason = edit_mode(secret, fields)
    inherited = secret.origin is Origin.INHERITED
    override = None
    if inherited:
        override = Target(write_target(workspace, secret.profile), secret.profile)
    notes: list[str] = []
    if "sync" in fields and mode in ("encrypt", "reference"):
        notes.append(
            f"{secret.name} has a sync cache, which fnox reads before the value: run "
            "`fnox sync` after saving."
        )
    if mode == "encrypt" and any(name in fields for name in POST_PROCESSING):
        picks = ", ".join(
            f"{name} = {fields[name]!r}" for name in POST_PROCESSING if name in fields
        )
        notes.append(f"fnox applies {picks} to the stored value: enter the whole stored value.")
    return EditContext(
        secret=secret,
        entry=entry,
        fields=fields,
        mode=mode,
        provider=secret.provider,
        inherited=inherited,
        inheritors=tuple(inheritors(workspace, definition)),
        override=override,
        shadowed=shadowed(secret),
        reason=reason,
        value_staged=is_staged(staged, entry, "value"),
        notes=tuple(notes),
    )
