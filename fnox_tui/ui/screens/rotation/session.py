"""One rotation walkthrough's state, and the work its steps hand to worker threads.

Nothing here touches a widget: the screen calls the ``load_*``/``validate``/``run``/...
methods from workers it starts on the app (group ``rotation``) and shows what they return.
Row results reach the screen through :class:`RowFeed`, which the engine's threads fill and the
screen drains about ten times a second.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fnox_tui.core.atomic_save import SaveResult
from fnox_tui.core.identity import EntryId
from fnox_tui.core.model import Workspace
from fnox_tui.core.providers.base import ProviderError
from fnox_tui.core.providers.context import ProviderContext
from fnox_tui.core.rotation import gitage, process_runner
from fnox_tui.core.rotation.age import (
    GeneratedIdentity,
    RecipientCheck,
    check_recipients,
    generate_identity,
)
from fnox_tui.core.rotation.commit import PreparedCommit, commit, prepare_commit
from fnox_tui.core.rotation.execute import DEFAULT_CONCURRENCY, Rotation
from fnox_tui.core.rotation.journal import (
    Journal,
    JournalError,
    Phase,
    journal_directory,
    journal_path,
)
from fnox_tui.core.rotation.keyinfo import KeyInfo, KeyValidation, create_key, validate_new_key
from fnox_tui.core.rotation.plan import RotationPlan, RowKey, plan_rotation
from fnox_tui.core.rotation.process_runner import ProcessRunner
from fnox_tui.core.rotation.results import RowResult, RowStatus, RunSummary
from fnox_tui.core.rotation.staged import StagedEdits, check_no_staged, staged_blocker
from fnox_tui.core.rotation.targets import AgeTarget, KmsTarget, Target

Clock = Callable[[], float]
Now = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Options:
    """What tests and benchmarks replace: clocks, git, the identity generator."""

    clock: Clock = time.monotonic
    now: Now = _utc_now
    git_runner: Any = None  # gitage's subprocess runner (None: subprocess.run)
    generate: Callable[[], GeneratedIdentity] = generate_identity
    concurrency: int | None = None  # the engine's default when None
    # KMS values re-encrypted in a worker process (core.rotation.process_runner), so that
    # botocore's CPU is not under the app's GIL; None: process_runner.WALKTHROUGH_ISOLATES.
    isolate: bool | None = None


@dataclass(slots=True)
class Loaded:
    """What step 1 shows: the plan, the current key (or why not), when values changed."""

    plan: RotationPlan
    key: KeyInfo | None = None
    key_error: ProviderError | None = None
    ages: dict[Path, dict[int, gitage.LineAge]] = field(default_factory=dict)
    identities: Any = None  # age: the user's identities (core.providers.age_identity)
    identity_error: ProviderError | None = None


class RowFeed:
    """Row results from the engine's threads, kept until the screen takes them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[RowKey, RowResult] = {}

    def put(self, result: RowResult) -> None:
        with self._lock:
            self._rows[result.key] = result

    def take(self) -> dict[RowKey, RowResult]:
        with self._lock:
            rows, self._rows = self._rows, {}
        return rows


class RotationSession:
    """The walkthrough's state. Methods named ``load``, ``validate``, ``create``, ``begin``,
    ``run``, ``prepare`` and ``write`` block (network, files): call them from a worker."""

    def __init__(
        self,
        workspace: Workspace,
        provider: EntryId,
        provider_type: str,
        context: Callable[[], ProviderContext],
        registry: Any,
        *,
        resume: Journal | None = None,
        options: Options | None = None,
        staged: Callable[[], StagedEdits] | None = None,
    ) -> None:
        self.workspace = workspace
        self._staged = staged or StagedEdits
        self.provider = provider
        self.provider_type = provider_type
        self._context = context
        self._registry = registry
        self.options = options or Options()
        self.resume = resume
        self.loaded: Loaded | None = None
        self.target: Target | None = resume.target if resume is not None else None
        self.validation: KeyValidation | None = None
        self.created_note = ""
        self.generated: GeneratedIdentity | None = None
        self.recipients: list[str] = []
        self.recipient_check: RecipientCheck | None = None
        self.dry_run = False
        self.journal: Journal | None = None
        self.rotation: Rotation | None = None
        self.reused = 0
        self.feed = RowFeed()
        self.cancel = threading.Event()
        self.running = False
        self.abandoned = False
        self.summary: RunSummary | None = None
        self.started_at: float | None = None
        self.done_at_start = 0
        self.prepared: PreparedCommit | None = None
        self.written: SaveResult | None = None
        self._engine: Rotation | None = None
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    @property
    def is_kms(self) -> bool:
        return self.provider_type == "aws-kms"

    @property
    def plan(self) -> RotationPlan:
        assert self.loaded is not None
        return self.loaded.plan

    # Staged edits ---------------------------------------------------------------------------

    def staged_blocker(self) -> str | None:
        """Why this rotation may not write now (edits staged in the app), else None."""
        involved = self.plan.files_involved() if self.loaded is not None else ()
        return staged_blocker(self._staged(), involved, self.workspace.cwd)

    def check_staged(self) -> None:
        """Raise StagedChangesError while edits are staged (see core.rotation.staged)."""
        involved = self.plan.files_involved() if self.loaded is not None else ()
        check_no_staged(self._staged(), involved, self.workspace.cwd)

    # Step 1 -------------------------------------------------------------------------------

    def load(self) -> Loaded:
        """Plan the rotation (reading every file), describe the key or find the identity,
        and ask git when each value last changed (one call per file)."""
        plan = plan_rotation(self.workspace, self.provider)
        loaded = Loaded(plan)
        if plan.is_kms:
            try:
                from fnox_tui.core.rotation.keyinfo import describe_key

                loaded.key = describe_key(self.kms_provider(plan))
            except ProviderError as error:
                loaded.key_error = error
        else:
            self.recipients = [str(r) for r in plan.definition.fields.get("recipients") or []]
            try:
                from fnox_tui.core.providers.age_identity import find_identity

                loaded.identities = find_identity(plan.definition, self._context())
            except ProviderError as error:
                loaded.identity_error = error
        lines: dict[Path, list[int]] = {}
        for row in plan.rows:
            lines.setdefault(row.file, []).append(row.line)
        runner = self.options.git_runner
        loaded.ages = (
            gitage.line_ages(lines) if runner is None else gitage.line_ages(lines, runner=runner)
        )
        self.loaded = loaded
        return loaded

    def kms_provider(self, plan: RotationPlan | None = None) -> Any:
        return self._registry.get((plan or self.plan).definition)

    def age_of(self, path: Path, line: int) -> str:
        ages = self.loaded.ages if self.loaded is not None else {}
        return gitage.describe_age(ages.get(path, {}).get(line), self.options.now())

    # Step 2: a KMS key ------------------------------------------------------------------------

    def validate(self, text: str) -> KeyValidation:
        current = self.loaded.key if self.loaded is not None else None
        return validate_new_key(self.kms_provider(), text, current)

    def create(self, alias: str) -> KeyValidation:
        """CreateKey (and the alias), then the same checks as a pasted key."""
        key, note = create_key(self.kms_provider(), alias.strip() or None)
        self.created_note = note
        return self.validate(key.arn)

    def accept_key(self, validation: KeyValidation) -> None:
        self.validation = validation
        if validation.ok and validation.key is not None:
            self.target = KmsTarget(validation.key.arn, validation.key.arn)
        else:
            self.target = None

    # Step 2: age recipients -----------------------------------------------------------------

    def check_recipients(self, recipients: list[str]) -> RecipientCheck:
        loaded = self.loaded
        identities = loaded.identities if loaded is not None else None
        check = check_recipients(self.plan.definition, recipients, identities)
        self.recipient_check = check
        self.target = AgeTarget(check.recipients) if check.ok else None
        return check

    def generate(self) -> GeneratedIdentity:
        self.generated = self.options.generate()
        return self.generated

    def forget_generated(self) -> None:
        self.generated = None

    # Step 4 ---------------------------------------------------------------------------------

    def begin(self) -> int:
        """Open the journal (reusing what an earlier run of the same rotation finished) and
        build the engine; returns how many rows were taken from the earlier run. A dry run
        keeps no journal: it writes nothing at all."""
        plan, target = self.plan, self.target
        assert target is not None
        reused: Mapping[RowKey, RowResult] = {}
        journal = None
        if not self.dry_run:
            self.check_staged()
            path = journal_path(journal_directory(plan))
            if path.exists():
                earlier = Journal.load(path)
                if earlier.phase is Phase.COMMITTING:
                    raise JournalError(
                        f"{path} records a commit that was interrupted: restart fnox-tui to "
                        "recover it first."
                    )
                if earlier.provider != plan.provider:
                    raise JournalError(
                        f"{path} records an unfinished rotation of provider "
                        f"{earlier.provider.name}: restart fnox-tui to continue or discard it."
                    )
                if earlier.target == target:
                    reused = earlier.reusable(plan)
            journal = Journal.start(plan, target, replace=True)
            for key, result in reused.items():
                journal.record(plan.row(key), result)
            journal.flush()
        rotation = self.engine()
        rotation.journal = journal
        self.reused = rotation.restore(reused)
        self.journal, self.rotation = journal, rotation
        return self.reused

    def engine(self) -> Rotation:
        """The engine for the current target, built once (see :meth:`warm_up`)."""
        target = self.target
        assert target is not None
        with self._build_lock:
            built = self._engine
            if built is None or built.target != target:
                if built is not None:
                    built.close()
                key = self.loaded.key if self.loaded is not None else None
                old_arn = key.arn if key is not None and key.arn else None
                width = self.options.concurrency or DEFAULT_CONCURRENCY
                context = self._context()
                runner = None
                if isinstance(target, KmsTarget) and self._isolated():
                    runner = ProcessRunner(
                        self.plan.definition,
                        target,
                        context,
                        concurrency=width,
                        consent_decrypt=self.plan.consent_decrypt,
                        old_arn=old_arn,
                    )
                built = self._engine = Rotation(
                    self.plan,
                    target,
                    context,
                    old_arn=old_arn,
                    clock=self.options.clock,
                    concurrency=width,
                    runner=runner,
                )
            built.runner.consent_decrypt = self.plan.consent_decrypt
            return built

    def _isolated(self) -> bool:
        """Whether KMS values are re-encrypted in a worker process (see Options.isolate)."""
        isolate = self.options.isolate
        return process_runner.WALKTHROUGH_ISOLATES if isolate is None else isolate

    def warm_up(self) -> None:
        """Build the engine and start its work while the plan is read: the worker process
        (or, in process, the AWS client, a tenth of a second of CPU and of the GIL) is made
        before the run rather than in its first moment, when the screen should answer keys."""
        self.engine().runner.warm_up()

    def run(self, *, retry_failed: bool = False) -> RunSummary:
        """Run the rows not done yet (or only the failed ones) until done or cancelled."""
        rotation = self.rotation
        assert rotation is not None
        self.cancel.clear()
        with self._lock:
            self.running = True
            self.started_at = self.options.clock()
            self.done_at_start = rotation.counts()[0]
        try:
            if retry_failed:
                summary = rotation.retry_failed(cancel=self.cancel, on_row=self.feed.put)
            else:
                summary = rotation.run(cancel=self.cancel, on_row=self.feed.put)
        finally:
            with self._lock:
                self.running = False
            if self.abandoned:
                self._drop_journal()
        self.summary = summary
        return summary

    def progress(self) -> tuple[int, int, int]:
        """(done, failed, total)."""
        if self.rotation is None:
            return (0, 0, len(self.plan.rows) if self.loaded else 0)
        return self.rotation.counts()

    def timing(self) -> tuple[float, float | None]:
        """Seconds since this run started, and the estimated seconds left (None: unknown)."""
        if self.started_at is None:
            return 0.0, None
        if not self.running and self.summary is not None:
            return self.summary.seconds, 0.0
        elapsed = self.options.clock() - self.started_at
        done, failed, total = self.progress()
        finished_now = done - self.done_at_start
        left = total - done - failed
        if finished_now <= 0 or elapsed <= 0:
            return elapsed, None
        return elapsed, left * elapsed / finished_now

    def failed(self) -> list[RowResult]:
        return self.rotation.failed() if self.rotation is not None else []

    def results(self) -> list[RowResult]:
        if self.rotation is None:
            return []
        return [self.rotation.results[row.key] for row in self.plan.rows]

    def result(self, index: int) -> RowResult | None:
        """The result of the plan's row ``index`` (without listing them all: the cursor asks
        on every move)."""
        if self.rotation is None or not 0 <= index < len(self.plan.rows):
            return None
        return self.rotation.results[self.plan.rows[index].key]

    @property
    def complete(self) -> bool:
        return self.rotation is not None and self.rotation.complete

    # Step 6 ---------------------------------------------------------------------------------

    def prepare(self) -> PreparedCommit:
        assert self.rotation is not None
        self.prepared = prepare_commit(self.rotation.output())
        return self.prepared

    def write(self) -> SaveResult:
        assert self.prepared is not None and self.journal is not None
        self.check_staged()
        self.written = commit(self.prepared, self.journal)
        self.journal = None
        self.close()
        return self.written

    # Leaving --------------------------------------------------------------------------------

    def abandon(self) -> None:
        """Leave without writing: stop the run and forget the journal (no file was touched).
        A run still going drops the journal when it has stopped."""
        self.abandoned = True
        self.cancel.set()
        self.forget_generated()
        with self._lock:
            running = self.running
        if not running:
            self._drop_journal()

    def _drop_journal(self) -> None:
        journal, self.journal = self.journal, None
        if journal is not None and journal.phase is Phase.ROTATING:
            with contextlib.suppress(OSError):
                journal.discard()
        self.close()

    def close(self) -> None:
        for rotation in {id(r): r for r in (self.rotation, self._engine) if r is not None}.values():
            rotation.close()

    def rows_by_status(self) -> dict[RowStatus, int]:
        counts = dict.fromkeys(RowStatus, 0)
        for result in self.results():
            counts[result.status] += 1
        return counts
