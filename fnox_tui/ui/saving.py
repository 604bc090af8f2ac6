"""From staged changes to files on disk: review, write, reload, verify; conflicts and faults.

``ctrl+s`` plans the save in a worker (each touched file's new text, from the text it was
loaded with) and shows the review. Enter writes: the save runs in a worker on the app (group
``save``, exclusive), atomically (:mod:`fnox_tui.core.atomic_save`), and only over files that
are still exactly the text that was loaded. Then the files are loaded again (values of
untouched entries stay revealed) and every value the user entered is decrypted from the file
and compared with the digest kept when it was encrypted (:mod:`fnox_tui.core.save_verify`).

What the review shows is exactly what is written: the plan reviewed is the plan saved.

A file that changed on disk meanwhile stops the save before anything is written; the user can
reload and re-apply the staged changes that do not conflict (:mod:`fnox_tui.core.reapply`),
or cancel. Any other failure (a read-only file or directory, a full disk) leaves every file as
it was and the changes staged, with a sentence saying what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fnox_tui.core.atomic_save import FileChangedError, OsOps, SaveError, SaveResult
from fnox_tui.core.changes import ChangeSet, NetChange, thaw_value
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import Workspace
from fnox_tui.core.reapply import Conflict
from fnox_tui.core.save import SavePlan, plan_save, save_plan
from fnox_tui.core.save_verify import (
    ExpectedValue,
    VerifyReport,
    check_entries,
    decrypt_written,
    verify_values,
)
from fnox_tui.core.wording import plural
from fnox_tui.ui.screens.review import ReviewedFile, ReviewScreen
from fnox_tui.ui.screens.save_dialogs import REAPPLY, conflict_dialog
from fnox_tui.ui.widgets.details import relative

if TYPE_CHECKING:
    from fnox_tui.core.staging import Step
    from fnox_tui.ui.app import FnoxTuiApp
    from fnox_tui.ui.controller import Controller

PLAN, SAVE, VERIFY = "save-plan", "save", "save-verify"


class EmptyValueError(FnoxTuiError):
    """A staged change would write an empty value."""


@dataclass(frozen=True, slots=True)
class PreparedSave:
    """A planned save: what it writes, the steps it saves, the texts it started from."""

    plan: SavePlan
    steps: tuple[Step, ...]
    before: dict[Path, str]
    files: tuple[ReviewedFile, ...]
    expected: tuple[ExpectedValue, ...]
    nets: dict[EntryId, NetChange]


@dataclass(frozen=True, slots=True)
class Saved:
    result: SaveResult
    workspace: Workspace | None
    load_error: BaseException | None = None


@dataclass(slots=True)
class SaveOutcome:
    """What the last save did (for the status line and tests)."""

    written: tuple[Path, ...] = ()
    report: VerifyReport | None = None
    conflicts: tuple[Conflict, ...] = ()
    error: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)


def loaded_texts(workspace: Workspace, paths: Iterable[Path]) -> dict[Path, str]:
    """The texts ``paths`` were loaded with (a path not loaded is a file to create)."""
    return {path: workspace.loaded[path].text for path in paths if path in workspace.loaded}


def plain_values(workspace: Workspace, changes: ChangeSet) -> set[str]:
    """The values stored as they are (a ``plain`` provider's) in the files the changes touch,
    and in the changes: the review hides them."""
    plain = {
        name
        for view in workspace.profiles.values()
        for name, provider in view.providers.items()
        if provider.type == "plain"
    }
    plain_default = any(
        view.default_provider in plain
        or (view.default_provider is None and set(view.providers) <= plain and view.providers)
        for view in workspace.profiles.values()
    )

    def is_plain(provider: object) -> bool:
        return provider in plain if isinstance(provider, str) else plain_default

    hidden: set[str] = set()
    touched = set(changes.files())
    for path in touched:
        loaded = workspace.loaded.get(path)
        if loaded is None:
            continue
        for definition in loaded.secret_defs():
            if definition.value and is_plain(definition.provider):
                hidden.add(definition.value)
    for entry, net in changes.net().items():
        value = net.fields.get("value")
        if not isinstance(value, str) or not value:
            continue
        provider = net.fields.get("provider")
        if provider is None:
            existing = workspace.secret_def(entry)
            provider = existing.provider if existing is not None else None
        if is_plain(thaw_value(provider) if provider is not None else None):
            hidden.add(value)
    return hidden


def check_values(changes: ChangeSet) -> None:
    """Refuse to write an empty value (fnox cannot decrypt one; it is never meant)."""
    empty = [
        entry.name
        for entry, net in changes.net().items()
        if net.op != "delete" and net.fields.get("value") == ""
    ]
    if empty:
        raise EmptyValueError(
            f"The value of {', '.join(empty)} is empty: nothing was written. "
            "Edit it (e) or undo the change (u)."
        )


def latest_expected(steps: Sequence[Step], changes: ChangeSet) -> tuple[ExpectedValue, ...]:
    """What each written value must decrypt to: the last value entered for each entry that
    still gets one (a deleted entry, or one whose value was set again without a digest, has
    nothing to check)."""
    expected: dict[EntryId, ExpectedValue | None] = {}
    for step in steps:
        values = {item.entry: item for item in getattr(step, "expected", ())}
        for change in step.changes:
            if change.id in values:
                expected[change.id] = values[change.id]
            elif "value" in getattr(change, "set", getattr(change, "fields", {})):
                expected[change.id] = None  # a value set later with nothing to compare
    net = changes.net()
    return tuple(
        item
        for entry, item in expected.items()
        if item is not None and entry in net and net[entry].op != "delete"
    )


class SaveFlow:
    """The save path of one app: review, write, reload and verify, conflicts and failures."""

    def __init__(self, app: FnoxTuiApp, controller: Controller) -> None:
        self.app = app
        self.controller = controller
        self.ops: OsOps | None = None  # tests inject failing os calls here
        self.saving = False
        self.planning = False
        self.verifying = False
        self.last = SaveOutcome()

    @property
    def busy(self) -> bool:
        """Planning or writing: another save must wait."""
        return self.saving or self.planning

    @property
    def idle(self) -> bool:
        """Nothing of a save is running (not even the check of what was written)."""
        return not (self.busy or self.verifying)

    def changes(self) -> ChangeSet:
        return self.controller.staging.changeset

    # ctrl+s: plan, then review -----------------------------------------------------------

    def review(self, *, then_quit: bool = False, notes: Sequence[str] = ()) -> None:
        """Plan the save in a worker and show the review (enter writes)."""
        if self.busy:
            self.app.notify("A save is already in progress", timeout=3)
            return
        workspace = self.controller.workspace
        changes = self.changes()
        if workspace is None or not changes:
            self.app.notify("Nothing staged to save", timeout=3)
            return
        steps = self.controller.staging.steps
        before = loaded_texts(workspace, changes.files())
        hide = plain_values(workspace, changes)
        self.planning = True

        def prepare() -> PreparedSave:
            check_values(changes)
            plan = plan_save(changes, before)
            files = tuple(
                ReviewedFile(
                    relative(file.path, workspace.cwd),
                    file.review(hide=hide),
                    created=file.old_sha256 is None,
                )
                for file in plan.files
            )
            expected = latest_expected(steps, changes)
            return PreparedSave(plan, steps, before, files, expected, changes.net())

        self.controller.run_job(
            prepare,
            lambda prepared: self._show_review(prepared, then_quit, notes),
            self._plan_failed,
            group=PLAN,
            exclusive=True,
        )

    def _plan_failed(self, error: BaseException) -> None:
        self.planning = False
        self._failed_before_writing(error)

    def _show_review(self, prepared: PreparedSave, then_quit: bool, notes: Sequence[str]) -> None:
        self.planning = False
        if not prepared.files:
            self.app.notify(
                "The staged changes leave every file as it is: nothing to write", timeout=4
            )
            return
        title = "Save before quitting" if then_quit else "Review before saving"
        self.app.push_screen(
            ReviewScreen(
                prepared.files,
                title=title,
                notes=notes,
                # The save starts on enter, not once the screen has closed and the main
                # screen has been painted again.
                on_write=lambda: self.write(prepared, then_quit=then_quit),
            )
        )

    # enter: write, reload, verify ---------------------------------------------------------

    def write(self, prepared: PreparedSave, *, then_quit: bool = False) -> None:
        """Write the reviewed plan in a worker on the app; then reload and verify."""
        if self.saving:
            return
        self.saving = True
        source, ops = self.controller.source, self.ops

        def save_and_reload() -> Saved:
            result = save_plan(prepared.plan, ops=ops)
            try:
                return Saved(result, source.load())
            except Exception as error:  # the files are written; only the reload failed
                return Saved(result, None, error)

        self.controller.run_job(
            save_and_reload,
            lambda saved: self._saved(prepared, saved, then_quit),
            lambda error: self._save_failed(prepared, error, then_quit),
            group=SAVE,
            exclusive=True,
        )

    def _saved(self, prepared: PreparedSave, saved: Saved, then_quit: bool) -> None:
        self.saving = False
        self.controller.drop_steps(prepared.steps)
        written = tuple(saved.result.written)
        self.last = SaveOutcome(written=written, warnings=saved.result.warnings)
        names = ", ".join(
            relative(path, self.controller.workspace.cwd)  # type: ignore[union-attr]
            for path in written
        )
        for warning in saved.result.warnings:
            self.app.notify(warning, severity="warning", timeout=10)
        if saved.workspace is None:
            self.app.notify(f"Saved {names}; loading it again failed", severity="warning")
            self.controller.load_failed(saved.load_error)
            return
        workspace = saved.workspace
        self.controller.adopt(workspace, quiet=True, rebase=False)
        if prepared.expected:
            self.app.notify(f"Saved {names}; verifying the values written…", timeout=3)
        self.verifying = True

        def verify() -> VerifyReport:
            report = check_entries(workspace, prepared.nets)
            if not prepared.expected:
                return report
            resolver = self.controller.resolver_for(workspace)  # may import boto3: not on the UI
            return report + verify_values(
                prepared.expected, lambda item: decrypt_written(workspace, resolver, item)
            )

        self.controller.run_job(
            verify,
            lambda report: self._verified(names, report, then_quit),
            self._verify_failed,
            group=VERIFY,
        )

    def _verify_failed(self, error: BaseException) -> None:
        self.verifying = False
        self.app.notify(
            f"Saved, but the values written could not be checked ({type(error).__name__})",
            severity="error",
        )

    def _verified(self, names: str, report: VerifyReport, then_quit: bool) -> None:
        self.verifying = False
        self.last.report = report
        if report.ok:
            self.app.notify(f"Saved {names}: {report.summary()}", timeout=6)
        else:
            self.app.notify(
                f"Saved {names}, but {report.summary()}. Check these secrets (v) and set them "
                "again.",
                title="Verification failed",
                severity="error",
                timeout=30,
            )
        self._finish(then_quit, report)

    def _finish(self, then_quit: bool, report: VerifyReport) -> None:
        if then_quit and report.ok and not self.controller.staging:
            self.app.shut_down()

    # Failures: nothing was written, the changes stay staged --------------------------------

    def _save_failed(self, prepared: PreparedSave, error: BaseException, then_quit: bool) -> None:
        self.saving = False
        if isinstance(error, FileChangedError):
            workspace = self.controller.workspace
            cwd = workspace.cwd if workspace is not None else Path.cwd()
            shown = {path: relative(path, cwd) for path in error.paths}
            self.last = SaveOutcome(error=str(error))
            self.app.push_screen(
                conflict_dialog(error.changed, error.deleted, shown),
                lambda answer: self._conflict_answer(answer, then_quit),
            )
            return
        self._failed_before_writing(error)

    def _failed_before_writing(self, error: BaseException) -> None:
        staged = len(self.changes().net())
        kept = f"Your {_staged(staged)} kept."
        if isinstance(error, SaveError) and not error.unchanged:
            message = f"Saving failed: {error}. {kept}"
        elif isinstance(error, FnoxTuiError):
            message = f"Nothing was written: {error}. {kept}"
        else:  # our own bug: its text could hold anything
            message = f"Nothing was written (internal error: {type(error).__name__}). {kept}"
        self.last = SaveOutcome(error=message)
        self.app.notify(message, title="Not saved", severity="error", timeout=20)

    def _conflict_answer(self, answer: str | None, then_quit: bool) -> None:
        if answer == REAPPLY:
            self.reload_and_reapply(then_quit=then_quit)
        else:
            staged = len(self.changes().net())
            self.app.notify(f"Nothing was written; your {_staged(staged)} kept", timeout=5)

    def reload_and_reapply(self, *, then_quit: bool = False) -> None:
        """Load the files again; keep the staged changes that do not conflict; review again."""
        if self.busy:
            return
        self.saving = True
        self.controller.run_job(
            self.controller.source.load,
            lambda workspace: self._reloaded(workspace, then_quit),
            self._reload_failed,
            group=SAVE,
            exclusive=True,
        )

    def _reload_failed(self, error: BaseException) -> None:
        self.saving = False
        self.controller.load_failed(error)
        self.app.notify(
            "Loading the files again failed; your staged changes are kept", severity="error"
        )

    def _reloaded(self, workspace: Workspace, then_quit: bool) -> None:
        self.saving = False
        conflicts = self.controller.adopt(workspace, quiet=True)  # drops and lists conflicts
        self.last = SaveOutcome(conflicts=conflicts)
        notes = [f"Dropped, changed on disk: {conflict}" for conflict in conflicts]
        if self.controller.staging:
            self.review(then_quit=then_quit, notes=notes)
        else:
            self.app.notify("No staged change is left to save", timeout=5)


def _staged(count: int) -> str:
    """ "1 staged change is" / "3 staged changes are"."""
    return f"{plural(count, 'staged change')} {'is' if count == 1 else 'are'}"
