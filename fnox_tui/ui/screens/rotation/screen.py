"""The rotation walkthrough: seven steps from the current key to a verified, atomic commit.

1 Current key (or recipients) · 2 New key (or recipients) · 3 Plan · 4 Re-encrypt · 5 Verify ·
6 Commit · 7 Done. ``n`` goes on, ``esc`` goes back (or leaves: before the commit nothing is
written, and the journal of a rotation you leave is deleted). Every network and file call runs
in a worker of the app (group ``rotation``); re-encrypting reports its rows through a feed the
screen drains ten times a second, so the screen answers keys all along.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    ProgressBar,
    SelectionList,
    Static,
)

from fnox_tui.core.identity import EntryId
from fnox_tui.core.rotation.age import identity_locations
from fnox_tui.core.rotation.journal import Journal
from fnox_tui.core.rotation.keyinfo import KeyValidation
from fnox_tui.core.rotation.plan import PlanError, RowKey
from fnox_tui.core.rotation.results import RowResult, RunSummary
from fnox_tui.core.wording import plural
from fnox_tui.ui.messages import CopyText
from fnox_tui.ui.screens.confirm import CANCEL, Choice, ConfirmScreen
from fnox_tui.ui.screens.rotation import texts
from fnox_tui.ui.screens.rotation.host import Host
from fnox_tui.ui.screens.rotation.jobs import explain, run_job
from fnox_tui.ui.screens.rotation.session import Loaded, Options, RotationSession
from fnox_tui.ui.screens.rotation.steps import Step, StepIndicator
from fnox_tui.ui.text import literal, literal_content, visible
from fnox_tui.ui.widgets.row_table import RowTable
from fnox_tui.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from fnox_tui.core.atomic_save import SaveResult
    from fnox_tui.core.rotation.commit import PreparedCommit

DRAIN_SECONDS = 0.1  # row results reach the table at most this often
IDLE_CHECK_SECONDS = 1.0

# (label, width): None sizes a column by its cells; the last takes the width left.
AGE_COLUMNS = (("Name", None), ("Profiles", None), ("File", None), ("Line", 5), ("Last changed", 0))
PLAN_COLUMNS = (
    ("Profiles", None),
    ("Name", None),
    ("File", None),
    ("Line", 5),
    ("Field", 12),
    ("Note", 0),
)
RUN_COLUMNS = (
    ("Name", None),
    ("Profiles", None),
    ("File", None),
    ("Line", 5),
    ("Status", 7),
    ("Detail", 0),
)
STATUS, DETAIL = 4, 5  # the run table's changing columns


def columns(spec: tuple[tuple[str, int | None], ...]) -> list[tuple[Text, int | None]]:
    return [(literal(label), width) for label, width in spec]


class TextLine(Widget):
    """A line of text that repaints without a new layout (Static.update lays out the screen
    again, which costs a lot while rows stream in)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("")

    def show(self, text: Text) -> None:
        if text != self._text:
            self._text = text
            self.refresh()

    def render(self) -> Text:
        return self._text


class RotationScreen(Screen[None]):
    """The walkthrough for one provider definition (an aws-kms key or age recipients)."""

    DEFAULT_CSS = """
    RotationScreen #rotation-steps { height: 1; padding: 0 1; background: $panel; }
    RotationScreen #rotation-panes { height: 1fr; padding: 0 1; }
    RotationScreen #rotation-panes > * { height: 1fr; }
    RotationScreen #rotation-message { height: auto; max-height: 4; padding: 0 1; }
    RotationScreen RowTable { height: 1fr; min-height: 5; }
    RotationScreen #run-status { height: 2; }
    RotationScreen Input { width: 1fr; }
    RotationScreen .row { height: auto; }
    RotationScreen .row Button { margin-left: 1; }
    RotationScreen #progress { margin: 1 0 0 0; }
    RotationScreen #recipients { height: auto; max-height: 10; }
    RotationScreen .gap { margin-top: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next", "Next"),
        Binding("escape", "back", "Back"),
        Binding("c", "cancel_run", "Cancel"),
        Binding("r", "retry", "Retry failed"),
        Binding("w", "write", "Write"),
        Binding("g", "generate", "New identity"),
        Binding("s", "show_identity", "Show identity"),
        Binding("y", "copy", "Copy"),
    ]

    app: Host  # type: ignore[assignment]

    def __init__(
        self,
        provider: EntryId,
        provider_type: str,
        *,
        resume: Journal | None = None,
        options: Options | None = None,
    ) -> None:
        super().__init__()
        self.provider = provider
        self.provider_type = provider_type
        self.kms = provider_type == "aws-kms"
        self.resume = resume
        self.options = options or Options()
        self.step = Step.CURRENT
        self.session: RotationSession | None = None
        self.busy = ""  # what a worker is doing for this screen ("" when idle)
        self.identity_shown = False
        self._done_copy = ""  # what `y` copies on the done step
        self._filled: set[Step] = set()
        self._rows: dict[RowKey, int] = {}  # each plan row's index in the run table
        self._ticker: Timer | None = None
        self._idle_timer: Timer | None = None
        self._leaving = False

    # Layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield StepIndicator(self.kms, id="rotation-steps")
        with ContentSwitcher(initial=Step.CURRENT.pane, id="rotation-panes"):
            with Vertical(id=Step.CURRENT.pane):
                yield Static(texts.checking("Reading the files and the current key"), id="current")
                yield RowTable(columns(AGE_COLUMNS), id="ages")
            with VerticalScroll(id=Step.NEW.pane):
                yield from self._compose_new()
            with Vertical(id=Step.PLAN.pane):
                yield Static(id="plan-summary")
                if self.kms:
                    yield Checkbox(
                        literal_content(
                            "If AWS denies ReEncrypt, decrypt and encrypt on this machine instead"
                        ),
                        id="consent",
                        compact=True,
                    )
                yield Checkbox(
                    literal_content("Dry run: re-encrypt and verify, then stop; write nothing"),
                    id="dry-run",
                    compact=True,
                )
                yield RowTable(columns(PLAN_COLUMNS), id="plan-rows")
            with Vertical(id=Step.RUN.pane):
                # No percentage label: a Label that changes lays the whole screen out again
                # (the status line below says how far it is).
                yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="progress")
                yield TextLine(id="run-status")
                yield RowTable(columns(RUN_COLUMNS), id="run-rows")
            with VerticalScroll(id=Step.VERIFY.pane):
                yield Static(id="verify")
            with VerticalScroll(id=Step.COMMIT.pane):
                yield Static(id="commit")
            with VerticalScroll(id=Step.DONE.pane):
                yield Static(id="done")
        yield Static(id="rotation-message")
        yield Footer()

    def _compose_new(self) -> ComposeResult:
        if self.kms:
            yield Static(
                literal(
                    "Paste the new key's id, alias (alias/NAME) or ARN and press enter; or "
                    'create a new key (CreateKey, described "fnox secrets encryption").'
                )
            )
            yield Input(
                placeholder="key id, alias/NAME or key ARN",
                id="key-input",
                compact=True,
                classes="gap",
            )
            with Horizontal(classes="row gap"):
                yield Input(
                    placeholder="alias for a new key (optional)", id="alias-input", compact=True
                )
                yield Button(literal_content("Create a new key"), id="create-key", compact=True)
            yield Static(id="key-checks", classes="gap")
        else:
            yield Static(
                literal(
                    "The recipients after the rotation (you: your identity's): space keeps or "
                    "removes one; paste a public key to add it; g generates a new identity."
                )
            )
            yield SelectionList[str](id="recipients")
            with Horizontal(classes="row gap"):
                yield Input(
                    placeholder="a public key to add (age1… or ssh-ed25519 …), then enter",
                    id="recipient-input",
                    compact=True,
                )
                yield Button(
                    literal_content("Generate a new identity"), id="generate", compact=True
                )
            # What the choice means comes right below the list (on 24 lines the identity's
            # text would push it out of sight).
            yield Static(id="recipient-checks", classes="gap")
            yield Static(id="identity", classes="gap")

    def on_mount(self) -> None:
        self.sub_title = visible(f"Rotate {self.provider.name}")
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless
        workspace = self.app.workspace
        if workspace is None:
            self.message("No configuration is loaded.", error=True)
            return
        registry = self.app.registry
        self.session = RotationSession(
            workspace,
            self.provider,
            self.provider_type,
            lambda: registry.context,
            registry,
            resume=self.resume,
            options=self.options,
            staged=self.app.staged_edits,
        )
        self.busy = "load"
        run_job(self.app, self.session.load, self._loaded, self._load_failed, name="load")

    def on_unmount(self) -> None:
        """A generated identity lives only as long as the screen that showed it."""
        self._stop_ticker()
        if self.session is not None:
            self.session.forget_generated()

    # Messages and state -------------------------------------------------------------------------

    def message(self, text: str | Text, *, error: bool = False) -> None:
        line = literal(text, style="red" if error else "") if isinstance(text, str) else text
        self.query_one("#rotation-message", Static).update(line)

    def _alive(self) -> bool:
        return not self._leaving and self.is_mounted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        session = self.session
        step = self.step
        if action == "next":
            return step is not Step.COMMIT
        if action == "cancel_run":
            return step is Step.RUN and session is not None and session.running
        if action == "retry":
            return step is Step.RUN and session is not None and bool(session.failed())
        if action == "write":
            return step is Step.COMMIT
        generated = session is not None and session.generated is not None
        if action == "generate":
            return not self.kms and step is Step.NEW
        if action == "show_identity":
            return generated and step in (Step.NEW, Step.DONE)
        if action == "copy":
            if step is Step.NEW:
                return generated
            if step is Step.RUN:  # the IAM policy a denied row needs, once there is one
                return session is not None and any(
                    r.error is not None and r.error.detail for r in session.failed()
                )
            return step is Step.DONE
        return True

    def go(self, step: Step) -> None:
        self.step = step
        self.query_one(ContentSwitcher).current = step.pane
        self.query_one(StepIndicator).step = step
        self.message("")
        self.refresh_bindings()
        enter = getattr(self, f"_enter_{step.name.lower()}", None)
        if enter is not None:
            enter()

    # Step 1 ------------------------------------------------------------------------------------

    def _loaded(self, loaded: Loaded) -> None:
        if not self._alive():
            return
        self.busy = ""
        session = self.session
        assert session is not None
        show = texts.current_kms if self.kms else texts.current_age
        self.query_one("#current", Static).update(show(session, loaded))
        cwd = session.workspace.cwd
        self.query_one("#ages", RowTable).set_rows(
            [
                [
                    literal(row.name),
                    literal(", ".join(row.profiles)),
                    literal(texts.relative(row.file, cwd)),
                    literal(str(row.line or "")),
                    literal(session.age_of(row.file, row.line)),
                ]
                for row in loaded.plan.rows
            ]
        )
        if self.resume is not None:
            self.message("Continuing the interrupted rotation: check the plan, then n.")
            self.go(Step.PLAN)
        else:
            self.message(literal("n: choose the new " + ("key" if self.kms else "recipients")))
        blocker = session.staged_blocker()
        if blocker is not None:
            self.message(blocker, error=True)

    def _load_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self.busy = ""
        if isinstance(error, PlanError):
            self.query_one("#current", Static).update(literal(str(error), style="red"))
            self.message("This provider cannot be rotated here. esc goes back.", error=True)
        else:
            self.query_one("#current", Static).update(literal(explain(error), style="red"))
            self.message("esc goes back.", error=True)

    # Step 2 ------------------------------------------------------------------------------------

    def _enter_new(self) -> None:
        if self.kms:
            if self.session is not None and self.session.validation is None:
                self.query_one("#key-input", Input).focus()
            return
        if Step.NEW not in self._filled:
            self._filled.add(Step.NEW)
            self._fill_recipients()
        self.query_one("#recipients", SelectionList).focus()

    @on(Input.Submitted, "#key-input")
    def _check_key(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.session is None or self.busy:
            return
        self._start_key_job(lambda: self.session.validate(text), "Checking the key")  # type: ignore[union-attr]

    @on(Input.Submitted, "#alias-input")
    @on(Button.Pressed, "#create-key")
    def _create_key(self) -> None:
        if self.session is None or self.busy:
            return
        alias = self.query_one("#alias-input", Input).value
        session = self.session
        self._start_key_job(lambda: session.create(alias), "Creating a key")

    def _start_key_job(self, work: Any, what: str) -> None:
        assert self.session is not None
        self.session.accept_key(KeyValidation(""))  # no target until this answer is in
        self.query_one("#key-checks", Static).update(texts.checking(what))
        self.busy = "key"
        self.refresh_bindings()
        run_job(self.app, work, self._key_checked, self._key_failed, name="key")

    def _key_checked(self, validation: KeyValidation) -> None:
        if not self._alive() or self.session is None:
            return
        self.busy = ""
        self.session.accept_key(validation)
        note = self.session.created_note
        self.session.created_note = ""
        self.query_one("#key-checks", Static).update(texts.key_checks(validation, note))
        self.query_one("#key-checks", Static).scroll_visible(animate=False)
        if validation.ok:
            self.set_focus(None)  # n and esc reach the screen again
        self.refresh_bindings()

    def _key_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self.busy = ""
        self.query_one("#key-checks", Static).update(literal(explain(error), style="red"))

    def _fill_recipients(self) -> None:
        session = self.session
        assert session is not None
        listing = self.query_one("#recipients", SelectionList)
        listing.clear_options()
        current = [str(r) for r in session.plan.definition.fields.get("recipients") or []]
        wanted = session.recipients
        for recipient in dict.fromkeys([*current, *wanted]):
            label = literal_content(f"{self._whose(recipient):<5}{recipient}")
            listing.add_option((label, recipient, recipient in wanted))
        self._recheck_recipients()

    def _whose(self, recipient: str) -> str:
        """Which recipient is the user's ("you") or was generated now ("new"), so that
        removing one is never a surprise."""
        session = self.session
        assert session is not None
        if session.generated is not None and recipient == session.generated.public_key:
            return "new"
        identities = session.loaded.identities if session.loaded is not None else None
        if identities is not None and recipient in identities.public_keys:
            return "you"
        return ""

    @on(SelectionList.SelectedChanged, "#recipients")
    def _recipients_changed(self) -> None:
        if self.session is None or self.session.loaded is None:
            return
        listing: SelectionList[str] = self.query_one("#recipients", SelectionList)
        chosen = set(listing.selected)
        order = [listing.get_option_at_index(i).value for i in range(listing.option_count)]
        self.session.recipients = [value for value in order if value in chosen]
        self._recheck_recipients()

    @on(Input.Submitted, "#recipient-input")
    def _add_recipient(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text or self.session is None:
            return
        event.input.value = ""
        if text.upper().startswith("AGE-SECRET-KEY-"):
            self.message("That is a secret key: paste its public key (age1…) instead.", error=True)
            return
        if text not in self.session.recipients:
            self.session.recipients.append(text)
        self._fill_recipients()
        self.query_one("#recipients", SelectionList).focus()  # n and esc reach the screen

    def _recheck_recipients(self) -> None:
        session = self.session
        assert session is not None
        check = session.check_recipients(session.recipients)
        self.query_one("#recipient-checks", Static).update(texts.recipient_checks(check))
        self.refresh_bindings()

    @on(Button.Pressed, "#generate")
    def action_generate(self) -> None:
        session = self.session
        if session is None or session.loaded is None or self.kms:
            return
        identity = session.generate()
        self.identity_shown = False
        if identity.public_key not in session.recipients:
            session.recipients.append(identity.public_key)
        self._fill_recipients()
        self._show_identity()
        self.refresh_bindings()

    def action_show_identity(self) -> None:
        if self.session is None or self.session.generated is None:
            return
        self.identity_shown = not self.identity_shown
        self._show_identity()
        if self.identity_shown and self._idle_timer is None:
            self._idle_timer = self.set_interval(IDLE_CHECK_SECONDS, self._mask_when_idle)

    def _mask_when_idle(self) -> None:
        """A shown identity is masked after the idle time, like revealed values."""
        if self.identity_shown and self.app.plaintext.is_idle():
            self.conceal()
        if not self.identity_shown and self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None

    def _show_identity(self) -> None:
        session = self.session
        if self.step is Step.DONE:
            self._show_done()
            return
        box = self.query_one("#identity", Static)
        if session is None or session.generated is None:
            box.update("")
            return
        box.update(self._identity_text())

    def _identity_text(self) -> Any:
        session = self.session
        assert session is not None and session.generated is not None
        places = identity_locations(session.plan.definition, self.app.registry.context)
        return texts.generated_identity(session.generated, self.identity_shown, places)

    def conceal(self) -> int:
        """Mask the generated identity again (idle timeout, screenshots); returns 1 if shown."""
        if not self.identity_shown:
            return 0
        self.identity_shown = False
        if self.is_mounted:
            self._show_identity()
        return 1

    # Step 3 ------------------------------------------------------------------------------------

    def _enter_plan(self) -> None:
        session = self.session
        assert session is not None
        self._plan_summary()
        if session.target is not None:  # the engine and its client, made while you read
            run_job(self.app, session.warm_up, lambda _: None, lambda _: None, name="warm-up")
        if Step.PLAN in self._filled:
            return
        self._filled.add(Step.PLAN)
        cwd = session.workspace.cwd
        self.query_one("#plan-rows", RowTable).set_rows(
            [
                [
                    literal(", ".join(row.profiles)),
                    literal(row.name),
                    literal(texts.relative(row.file, cwd)),
                    literal(str(row.line or "")),
                    literal(texts.slot_name(row.key.slot)),
                    literal("shadowed by a later file" if row.shadowed else "", style="dim"),
                ]
                for row in session.plan.rows
            ]
        )
        self.query_one("#dry-run", Checkbox).focus()

    def _plan_summary(self) -> None:
        assert self.session is not None
        self.query_one("#plan-summary", Static).update(texts.plan_summary(self.session))
        dry_run = self.session.dry_run
        blocker = None if dry_run else self.session.staged_blocker()
        if blocker is not None:
            self.message(blocker, error=True)
        elif dry_run:
            self.message("n starts the dry run: re-encrypt and verify, then stop; nothing written.")
        else:
            self.message(
                "n starts re-encrypting (nothing is written until you confirm the commit)."
            )

    @on(Checkbox.Changed, "#consent")
    def _consent(self, event: Checkbox.Changed) -> None:
        if self.session is not None and self.session.loaded is not None:
            self.session.plan.consent_decrypt = event.value
            self._plan_summary()

    @on(Checkbox.Changed, "#dry-run")
    def _dry_run(self, event: Checkbox.Changed) -> None:
        if self.session is not None:
            self.session.dry_run = event.value
            if self.session.loaded is not None and self.step is Step.PLAN:
                self._plan_summary()

    # Step 4 ------------------------------------------------------------------------------------

    def _enter_run(self) -> None:
        session = self.session
        assert session is not None
        for option in self.query_one(f"#{Step.PLAN.pane}").query(Checkbox):
            option.disabled = True  # the run has the plan's options now
        if Step.RUN not in self._filled:
            self._filled.add(Step.RUN)
            cwd = session.workspace.cwd
            self._rows = {row.key: index for index, row in enumerate(session.plan.rows)}
            self.query_one("#run-rows", RowTable).set_rows(
                [
                    [
                        literal(row.name),
                        literal(", ".join(row.profiles)),
                        literal(texts.relative(row.file, cwd)),
                        literal(str(row.line or "")),
                        literal("pending", style="dim"),
                        Text(""),
                    ]
                    for row in session.plan.rows
                ]
            )
            self.query_one("#progress", ProgressBar).update(total=max(1, session.plan.entries))
            # Start once this step is on screen: the threads then compete with keys only.
            self.call_after_refresh(self._start_run, begin=True)
        self.query_one("#run-rows", RowTable).focus()

    def _start_run(self, *, begin: bool = False, retry_failed: bool = False) -> None:
        session = self.session
        assert session is not None
        if session.running or self.busy:
            return

        def work() -> RunSummary:
            if begin:
                session.begin()
            return session.run(retry_failed=retry_failed)

        self.busy = "run"
        session.running = True  # at once: the bindings and the status say so
        session.summary = None
        session.started_at = session.options.clock()
        self._ticker = self.set_interval(DRAIN_SECONDS, self._drain)
        self._drain()
        run_job(self.app, work, self._run_ended, self._run_failed, name="re-encrypt")

    def _drain(self) -> None:
        """Show what the engine finished since the last tick (about ten times a second)."""
        session = self.session
        if session is None or not self.is_mounted:
            return
        rows = session.feed.take()
        if rows:
            table = self.query_one("#run-rows", RowTable)
            for key, result in rows.items():
                self._show_row(table, key, result)
        done, _failed, total = session.progress()
        progress = self.query_one("#progress", ProgressBar)
        shown = done if total else 1
        if progress.progress != shown:
            progress.update(total=max(1, total), progress=shown)
        self.query_one("#run-status", TextLine).show(texts.run_status(session))

    def _show_row(self, table: RowTable, key: RowKey, result: RowResult) -> None:
        index = self._rows.get(key)
        if index is not None:
            table.update_row(
                index, {STATUS: texts.status_cell(result), DETAIL: texts.detail_cell(result)}
            )

    @on(RowTable.Highlighted, "#run-rows")
    def _row_highlighted(self, event: RowTable.Highlighted) -> None:
        """A failed row under the cursor: its whole sentence below the table."""
        session = self.session
        if session is None or session.rotation is None or self.step is not Step.RUN:
            return
        result = session.result(event.index)
        if result is not None and result.error is not None:
            self.message(texts.error_text(result.error))

    def _run_ended(self, summary: RunSummary) -> None:
        if not self._alive():
            return
        self._stop_ticker()
        self.busy = ""
        session = self.session
        assert session is not None
        table = self.query_one("#run-rows", RowTable)
        for result in session.results():  # every row as it ended (restored ones included)
            self._show_row(table, result.key, result)
        self._drain()
        self.refresh_bindings()

    def _run_failed(self, error: BaseException) -> None:
        if not self._alive():
            return
        self._stop_ticker()
        self.busy = ""
        if self.session is not None:
            self.session.running = False
            if self.session.rotation is not None:
                self._drain()
        self.message(explain(error), error=True)
        self.refresh_bindings()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def action_cancel_run(self) -> None:
        session = self.session
        if session is not None and session.running:
            session.cancel.set()
            self._drain()

    def action_retry(self) -> None:
        session = self.session
        if self.step is Step.RUN and session is not None and session.failed():
            self._start_run(retry_failed=True)

    # Step 5 ------------------------------------------------------------------------------------

    def _enter_verify(self) -> None:
        assert self.session is not None
        self.query_one("#verify", Static).update(texts.verify_summary(self.session))

    # Step 6 ------------------------------------------------------------------------------------

    def _enter_commit(self) -> None:
        session = self.session
        assert session is not None
        self.query_one("#commit", Static).update(texts.checking("Preparing the commit"))
        self.busy = "prepare"
        run_job(self.app, session.prepare, self._prepared, self._commit_failed, name="prepare")

    def _prepared(self, prepared: PreparedCommit) -> None:
        if not self._alive() or self.session is None:
            return
        self.busy = ""
        self.query_one("#commit", Static).update(texts.commit_summary(self.session, prepared))
        blocker = self.session.staged_blocker()
        if blocker is not None:
            self.message(blocker, error=True)

    def action_write(self) -> None:
        session = self.session
        if self.step is not Step.COMMIT or session is None or session.prepared is None:
            return
        if self.busy:
            return
        blocker = session.staged_blocker()
        if blocker is not None:
            self.message(blocker, error=True)
            return
        count = len(session.prepared.files)
        label, change = texts.change_line(session)
        question = f"Write the rotation into {texts.plural(count, 'file')}?"
        body = [
            f"{label}: {change}",
            f"{session.prepared.output.value_count} new values; every file or none.",
        ]
        choices = (Choice("yes", "Write", "primary"), CANCEL)
        self.app.push_screen(ConfirmScreen(question, body, choices), self._write_confirmed)

    def _write_confirmed(self, answer: str | None) -> None:
        session = self.session
        if answer != "yes" or session is None or not self._alive():
            return
        self.busy = "write"
        self.message(texts.checking("Writing"))
        run_job(self.app, session.write, self._written, self._commit_failed, name="write")

    def _written(self, result: SaveResult) -> None:
        self.busy = ""
        for warning in result.warnings:
            self.app.notify(warning, severity="warning")
        self.app.notify(
            f"Rotation of {self.provider.name} written to {plural(len(result.written), 'file')}"
        )
        self.app.action_reload()
        if self._alive():
            self.go(Step.DONE)

    def _commit_failed(self, error: BaseException) -> None:
        self.busy = ""
        if not self._alive():
            self.app.notify(explain(error), severity="error")
            return
        self.message(literal(explain(error), style="red"))
        if self.session is not None and self.session.prepared is None:
            self.query_one("#commit", Static).update(literal(explain(error), style="red"))

    # Step 7 ------------------------------------------------------------------------------------

    def _enter_done(self) -> None:
        session = self.session
        assert session is not None
        if session.dry_run:
            session.abandon()  # nothing to keep: no journal, no file touched
        self._show_done()
        self.query_one("#done", Static).parent.focus()  # type: ignore[union-attr]

    def _show_done(self) -> None:
        session = self.session
        assert session is not None
        show = texts.done_kms if self.kms else texts.done_age
        renderable, self._done_copy = show(session)
        if session.generated is not None:  # one more chance to store it before leaving
            renderable = Group(renderable, Text(""), self._identity_text())
        self.query_one("#done", Static).update(renderable)

    # Navigation --------------------------------------------------------------------------------

    def action_next(self) -> None:
        session = self.session
        if session is None or session.loaded is None or self.busy in ("load", "key"):
            return
        step = self.step
        if step is Step.CURRENT:
            self.go(Step.NEW)
        elif step is Step.NEW:
            if session.target is None:
                what = "Check a key" if self.kms else "Choose recipients that can be used"
                self.message(f"{what} first.", error=True)
            else:
                self.go(Step.PLAN)
        elif step is Step.PLAN:
            blocker = None if session.dry_run else session.staged_blocker()
            if blocker is not None:
                self.message(blocker, error=True)
            else:
                self.go(Step.RUN)
        elif step is Step.RUN:
            if session.complete:
                self.go(Step.VERIFY)
            elif not session.running:
                self._start_run()
        elif step is Step.VERIFY:
            self.go(Step.DONE if session.dry_run else Step.COMMIT)
        elif step is Step.DONE:
            self.close()

    def action_back(self) -> None:
        step = self.step
        if step in (Step.CURRENT, Step.DONE):
            self.close()
        elif step in (Step.NEW, Step.PLAN) and not self._begun():
            self.go(Step(step - 1))
        elif self.busy == "write":
            self.message("Writing: wait for it to finish.")
        else:
            self.app.push_screen(
                ConfirmScreen(
                    "Leave the rotation?",
                    ["Nothing was written; the values re-encrypted so far are dropped."],
                    (Choice("yes", "Leave", "error"), Choice("cancel", "Stay")),
                ),
                self._leave_confirmed,
            )

    def _begun(self) -> bool:
        return self.session is not None and self.session.rotation is not None

    def _leave_confirmed(self, answer: str | None) -> None:
        if answer == "yes" and self.session is not None:
            self.session.abandon()
            self.close()

    def close(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self._stop_ticker()
        if self.session is not None:
            self.session.forget_generated()
        self.dismiss()

    def action_copy(self) -> None:
        session = self.session
        if session is None:
            return
        if self.step in (Step.NEW, Step.DONE) and session.generated is not None:
            self.post_message(
                CopyText("The new identity", session.generated.secret_key, secret=True)
            )
        elif self.step is Step.RUN:
            failed = session.failed()
            detail = next((r.error.detail for r in failed if r.error and r.error.detail), "")
            if detail:
                self.post_message(CopyText("the IAM policy", detail))
            else:
                self.message("y copies the details of a failed row (an IAM policy).")
        elif self.step is Step.DONE and self._done_copy:
            what = "the IAM policy" if self.kms else "the recipients"
            self.post_message(CopyText(what, self._done_copy))
