"""What `e`, `s`, `d` and `m` do with the secret under the cursor: open its form (or the delete
confirmation), after saying in a sentence why not when they cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from fnox_tui.core.changes import DeleteSecret, StagingError
from fnox_tui.core.edit_changes import StagedForDeletion
from fnox_tui.core.edit_context import edit_context
from fnox_tui.core.edit_targets import (
    definition_id,
    inheritors,
    is_top_level,
    shadowed,
    top_level_definition,
)
from fnox_tui.core.model import EffectiveSecret, Origin
from fnox_tui.ui import app_services
from fnox_tui.ui.screens.confirm import CANCEL, Choice, ConfirmScreen
from fnox_tui.ui.screens.copy_secret import CopySecretForm
from fnox_tui.ui.screens.edit_secret import EditSecretForm, place
from fnox_tui.ui.screens.new_secret import NewSecretForm
from fnox_tui.ui.screens.profile_picker import ProfilePicker
from fnox_tui.ui.text import literal

if TYPE_CHECKING:
    from fnox_tui.ui.app import FnoxTuiApp

UNDO_HINT = "u undoes the staged change"


def edit_secret(app: FnoxTuiApp, secret: EffectiveSecret) -> None:
    """`e`: the edit form of ``secret``."""
    workspace = app.workspace
    if workspace is None:
        return
    try:
        context = edit_context(workspace, secret, app_services.staged_changes(app))
    except StagedForDeletion:
        app.notify(f"{secret.name} is staged for deletion: {UNDO_HINT} first", timeout=4)
        return
    app.push_screen(EditSecretForm(context, workspace, app_services.revealed(app, secret)))


def new_secret(app: FnoxTuiApp, profile: str, name: str = "") -> None:
    """`s`: the form of a new secret in ``profile`` (``name`` filled in, if given)."""
    workspace = app.workspace
    if workspace is None or profile not in workspace.profiles:
        return
    app.push_screen(NewSecretForm(workspace, profile, app_services.staged_changes(app), name))


def delete_body(app: FnoxTuiApp, secret: EffectiveSecret) -> list[str]:
    """What the delete confirmation says: which entry goes, and what else it changes."""
    workspace = app.workspace
    assert workspace is not None
    cwd = workspace.cwd
    definition = secret.definition
    location = definition.location
    entry = definition_id(definition)
    lines = [
        f"The entry in {place(location.path, cwd, location.line)} [{entry.dotted_table}] and "
        "the comment lines directly above it are removed when you save.",
    ]
    if is_top_level(definition):
        affected = [name for name in inheritors(workspace, definition) if name != secret.profile]
        if secret.origin is Origin.INHERITED:
            lines.append(
                f"{secret.profile} inherits it from the top-level secrets: the top-level entry "
                "is what is deleted."
            )
        if affected:
            lines.append(
                "It is a top-level secret: deleting it removes it from every profile that "
                f"inherits it: {', '.join(affected)}."
            )
    below = shadowed(secret)
    fallback = None if is_top_level(definition) else top_level_definition(workspace, secret)
    following = below[-1] if below else fallback
    if following is not None:
        where = place(following.location.path, cwd, following.location.line)
        if is_top_level(following) and not is_top_level(definition):
            lines.append(f"{secret.profile} then inherits the top-level {secret.name} ({where}).")
        else:
            lines.append(f"The definition in {where} then applies in its place.")
    return lines


def delete_secret(app: FnoxTuiApp, secret: EffectiveSecret) -> None:
    """`d`: confirm, then stage the deletion of the definition ``secret`` resolves from."""
    if app.workspace is None:
        return
    entry = definition_id(secret.definition)
    try:
        app_services.staged_changes(app).stage(DeleteSecret(entry))
    except StagingError as error:
        app.notify(f"{error}: {UNDO_HINT}", timeout=4)
        return
    confirm = ConfirmScreen(
        f"Delete {secret.name} from profile {secret.profile}?",
        delete_body(app, secret),
        [Choice("delete", "Delete", "error"), CANCEL],
        hint="y deletes · n or esc keeps it · enter presses the focused button",
    )

    def answered(choice: str | None) -> None:
        if choice != "delete":
            return
        change = DeleteSecret(entry)
        try:
            app_services.staged_changes(app).stage(change)
        except StagingError as error:
            app.notify(f"Not staged: {error}", severity="error")
            return
        app_services.stage(app, [change], f"delete {secret.name}")
        workspace = app.workspace
        cwd = workspace.cwd if workspace is not None else entry.path.parent
        app.notify(
            f"deletion of {secret.name} from {place(entry.path, cwd)} [{entry.dotted_table}]; "
            "ctrl+s reviews and saves",
            title="Staged",
            timeout=6,
        )

    app.push_screen(confirm, answered)


def copy_secret(app: FnoxTuiApp, secret: EffectiveSecret) -> None:
    """`m`: pick a profile, then the copy form."""
    workspace = app.workspace
    if workspace is None:
        return
    definition = secret.definition
    if "value" not in definition.fields and not isinstance(definition.fields.get("default"), str):
        app.notify(
            f"{secret.name} has no value in the file (it comes from the environment): "
            "nothing to copy",
            timeout=4,
        )
        return
    others = [name for name in workspace.profiles if name != secret.profile]
    if not others:
        app.notify("There is no other profile to copy to", timeout=3)
        return
    title = literal(f"Copy {secret.name} to profile", style="bold")
    title.append_text(Text(f"  from {secret.profile}", style="dim"))
    picker = ProfilePicker(
        workspace,
        title=title,
        hint="enter picks · esc cancels",
        exclude={secret.profile},
    )

    def picked(profile: str | None) -> None:
        current = app.workspace
        if profile is None or current is None or profile not in current.profiles:
            return
        app.push_screen(CopySecretForm(current, secret, profile, app_services.staged_changes(app)))

    app.push_screen(picker, picked)
