"""On start: a rotation journal left by an interrupted rotation is offered for recovery.

In its rotating phase no file was touched: continue the rotation (the rows done are reused),
or discard it. In its commit phase some renames may be missing: ``recovery.recover`` completes
the commit when every temporary file is intact, else undoes it; never a mix.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from fnox_tui.core.wording import plural
from fnox_tui.ui.screens.rotation.jobs import explain, run_job
from fnox_tui.ui.text import literal, literal_content

if TYPE_CHECKING:
    from fnox_tui.core.model import Workspace
    from fnox_tui.core.rotation.journal import Journal
    from fnox_tui.core.rotation.recovery import Recovery
    from fnox_tui.ui.screens.rotation.host import Host

# The rotation engine (and boto3 with it) is imported in the worker that looks for a journal,
# never on the UI thread at start-up.

CONTINUE, DISCARD, RECOVER, LATER = "continue", "discard", "recover", "later"


class RecoveryOffer(ModalScreen[str]):
    """What to do with an interrupted rotation; dismissed with the choice."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "choose('later')", "Not now")]
    DEFAULT_CSS = """
    RecoveryOffer #recovery-buttons { height: auto; margin-top: 1; }
    RecoveryOffer #recovery-buttons Button { margin-right: 2; }
    """

    def __init__(
        self, path: Path, journal: Journal | None, problem: str = "", cwd: Path | None = None
    ) -> None:
        super().__init__()
        self.path = path
        self.journal = journal
        self.problem = problem
        self.cwd = cwd

    def _shown(self, path: Path) -> str:
        """``path`` relative to the working directory where it is below it."""
        if self.cwd is not None:
            try:
                return str(path.relative_to(self.cwd))
            except ValueError:
                pass
        return str(path)

    def compose(self) -> ComposeResult:
        journal = self.journal
        with Vertical(classes="dialog", id="recovery-dialog"):
            title = literal("An interrupted key rotation", style="bold")
            yield Static(title, classes="dialog-title")
            if journal is None:
                yield Static(literal(self.problem, style="red"))
                yield Static(
                    literal(
                        f"The journal {self._shown(self.path)} is kept as it is; look at it, then "
                        "delete it "
                        "yourself.",
                    ),
                    classes="dialog-hint",
                )
                buttons = [(LATER, "Close")]
            elif journal.phase.value == "rotating":
                yield Static(
                    literal(
                        f"A rotation of provider {journal.provider.name} ({journal.provider_type}, "
                        f"{self._shown(journal.provider.path)}) stopped before anything was "
                        "written; "
                        f"{plural(len(journal.rows), 'value')} "
                        f"{'was' if len(journal.rows) == 1 else 'were'} re-encrypted so far."
                    )
                )
                yield Static(
                    literal(
                        "Continue it (the values already re-encrypted are reused where their file "
                        "did not change), or discard it: the files were never changed."
                    ),
                    classes="dialog-hint",
                )
                buttons = [
                    (CONTINUE, "Continue the rotation"),
                    (DISCARD, "Discard it"),
                    (LATER, "Not now"),
                ]
            else:
                yield Static(
                    literal(
                        f"The commit of a rotation of provider {journal.provider.name} was "
                        f"interrupted ({plural(len(journal.commit), 'file')}): some files may "
                        "hold the new values and others the old ones."
                    )
                )
                yield Static(
                    literal(
                        "fnox-tui completes it when every temporary file is intact (every file "
                        "gets the new values), else undoes it (every file keeps the old values); "
                        "never a mix."
                    ),
                    classes="dialog-hint",
                )
                buttons = [(RECOVER, "Recover now"), (LATER, "Not now")]
            with Horizontal(id="recovery-buttons"):
                for choice, label in buttons:
                    yield Button(literal_content(label), id=f"recovery-{choice}")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("recovery-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


Found = tuple[Path, "Journal | None", str]  # the journal's path, the journal, why unreadable


def find_interrupted(workspace: Workspace) -> Found | None:
    """The journal of an interrupted rotation beside the workspace's files, if any."""
    from fnox_tui.core.journal_files import find_journal, workspace_directories

    path = find_journal(workspace_directories(workspace))
    if path is None:
        return None  # the usual case, without importing the engine (and boto3)
    from fnox_tui.core.rotation.journal import Journal, JournalError

    try:
        return path, Journal.load(path), ""
    except JournalError as error:
        return path, None, str(error)


def offer_recovery(app: Host) -> None:
    """Look (in a worker) for the journal of an interrupted rotation and offer it."""
    workspace = app.workspace
    if workspace is None:
        return

    def offer(found: Found | None) -> None:
        if found is None:
            return
        path, journal, problem = found

        def chosen(choice: str | None) -> None:
            _act(app, path, journal, choice or LATER)

        app.push_screen(RecoveryOffer(path, journal, problem, workspace.cwd), chosen)

    run_job(app, lambda: find_interrupted(workspace), offer, _failed(app), name="find-journal")


def _act(app: Host, path: Path, journal: Journal | None, choice: str) -> None:
    if journal is None or choice == LATER:
        return
    if choice == DISCARD:
        from fnox_tui.core.rotation.journal import discard_journal

        try:
            discard_journal(path)
        except OSError as error:
            app.notify(f"Could not delete {path}: {error.strerror}", severity="error")
            return
        app.notify("The interrupted rotation was discarded; no file had been changed")
    elif choice == CONTINUE:
        from fnox_tui.ui.screens.rotation.screen import RotationScreen

        app.push_screen(RotationScreen(journal.provider, journal.provider_type, resume=journal))
    elif choice == RECOVER:
        from fnox_tui.core.rotation.recovery import recover

        run_job(app, lambda: recover(path), lambda result: _recovered(app, result), _failed(app))


def _recovered(app: Host, result: Recovery) -> None:
    bad = result.outcome.value == "needs-attention"
    app.notify(result.message, severity="error" if bad else "information", timeout=12)
    if not bad:
        app.action_reload()


def _failed(app: Host) -> Any:
    def failed(error: BaseException) -> None:
        app.notify(f"Recovery failed: {explain(error)}", severity="error", timeout=12)

    return failed
