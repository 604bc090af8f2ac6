"""The controller: the one owner of what the UI knows and starts.

It holds the loaded workspace (the only place it lives), the value state (revealed values,
requests in flight, failures, provider checks), the staged changes, and the provider registry
and resolver. It starts every worker on the app (workers belong to the node that starts them,
and the app outlives every screen); their results come back through the app's one
``on_worker_state_changed`` handler to :meth:`Controller.worker_state_changed`.

Screens ask it to act through its methods (the main screen) or by posting request messages
(modal screens: :class:`~fnox_tui.ui.messages.StageChanges`). It never touches a widget: it
tells every subscribed node what changed with the notifications in :mod:`fnox_tui.ui.messages`,
and the nodes pull what they paint from it (``values.row_text``, ``provider_badge``,
``status()``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState, get_current_worker

from fnox_tui.core.clipboard import ClearOutcome, ClipboardError
from fnox_tui.core.durations import human_duration
from fnox_tui.core.entries import SecretKey
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.gcpause import (
    LARGE_WORKSPACE,
    no_full_collections,
    set_aside_long_lived,
    set_aside_new,
)
from fnox_tui.core.identity import EntryId
from fnox_tui.core.limiter import DEFAULT_CONCURRENCY
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import EffectiveSecret, ProviderDef, Workspace
from fnox_tui.core.plaintext import PlaintextStore
from fnox_tui.core.providers.base import CheckResult, ProviderError
from fnox_tui.core.record import FrozenRecord, Record
from fnox_tui.core.staging import Staging, Step
from fnox_tui.core.wording import plural
from fnox_tui.ui.messages import (
    ChecksChanged,
    LoadFailed,
    StagedChangesChanged,
    StatusChanged,
    ValuesChanged,
    WorkspaceLoaded,
)
from fnox_tui.ui.text import literal
from fnox_tui.ui.values import ValueStates

if TYPE_CHECKING:
    from concurrent.futures import Future

    from fnox_tui.core.changes import Change, NetChange
    from fnox_tui.core.providers.registry import ProviderRegistry
    from fnox_tui.core.reapply import Conflict
    from fnox_tui.core.resolver import SecretResolver
    from fnox_tui.core.save_verify import ExpectedValue
    from fnox_tui.ui.app import FnoxTuiApp

SPINNER_INTERVAL = 0.1
IDLE_CHECK_INTERVAL = 1.0
# Seconds after the first frame (the footer and the details follow it first) before the AWS
# clients are set up in the background.
WARM_UP_DELAY = 0.1
BATCH_SECONDS = 0.1  # reveal-all hands results to the UI at most this often
MAX_BATCH = 2000  # ... and at most this many at once, so each hand-over stays short
LOCAL_SLICE = 0.01  # seconds of local resolving between looks at the network calls
MAKE_WAY_SECONDS = 0.05  # after a key or click, local resolving pauses this long for the UI
THROTTLED_ATTEMPTS = 3  # V asks for a value throttled even after botocore's retries this often

# Worker groups (the app's worker-state handler routes on them).
LOAD, REVEAL, REVEAL_ALL, CHECK, WARM_UP = "load", "reveal", "reveal-all", "check", "warm-up"

T = TypeVar("T")
_FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


class Resolved(FrozenRecord):
    """A finished resolution: the value or the error, and what to do next."""

    __slots__ = ("error", "secret", "then", "token", "value")
    _fields = ("secret", "token", "value", "error", "then")

    def __init__(
        self,
        secret: EffectiveSecret,
        token: int,
        value: str | None,
        error: ProviderError | None,
        then: str = "show",
    ) -> None:
        self.secret = secret
        self.token = token
        self.value = value
        self.error = error
        self.then = then


class Checked(FrozenRecord):
    """A finished provider check (``epoch``: the checks' epoch when it started)."""

    __slots__ = ("epoch", "provider", "result")
    _fields = ("provider", "result", "epoch")

    def __init__(self, provider: ProviderDef, result: CheckResult, epoch: int) -> None:
        self.provider = provider
        self.result = result
        self.epoch = epoch


class BulkReveal(Record):
    """One `V` in progress: its profile, the secrets it resolves under one token, how many
    are done."""

    __slots__ = ("done", "keys", "profile", "token")
    _fields = ("profile", "token", "keys", "done")

    def __init__(
        self, profile: str, token: int, keys: list[SecretKey] | None = None, done: int = 0
    ) -> None:
        self.profile = profile
        self.token = token
        self.keys: list[SecretKey] = [] if keys is None else keys
        self.done = done

    @property
    def total(self) -> int:
        return len(self.keys)


class Controller:
    """Owns the workspace, the value state, the staged changes and the workers."""

    def __init__(
        self,
        app: FnoxTuiApp,
        source: WorkspaceSource,
        workspace: Workspace | None = None,
        *,
        idle_seconds: float = 300.0,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.app = app
        self.source = source
        self.workspace = workspace
        self.concurrency = concurrency
        self.loads = 1 if workspace is not None else 0
        self.plaintext = PlaintextStore(idle_seconds)
        self.values = ValueStates(self.plaintext)
        self.staging = Staging()
        self._staged_net: dict[EntryId, NetChange] = {}  # as last published
        self._registry: ProviderRegistry | None = None
        self._resolver: SecretResolver | None = None
        self._resolver_workspace: Workspace | None = None
        self._lock = threading.Lock()  # registry and resolvers are made on worker threads
        self._bulk: dict[Worker[None], BulkReveal] = {}
        self._listeners: list[MessagePump] = []
        self._jobs: dict[Worker[Any], _Job] = {}
        self._input_at = 0.0  # time.monotonic() of the last key or click (V makes way)

    # Subscribers ----------------------------------------------------------------------

    def subscribe(self, node: MessagePump) -> None:
        """Post every notification to ``node`` from now on (until it unsubscribes)."""
        if node not in self._listeners:
            self._listeners.append(node)

    def unsubscribe(self, node: MessagePump) -> None:
        if node in self._listeners:
            self._listeners.remove(node)

    def publish(self, make: Callable[[], Message]) -> None:
        """Post a fresh message from ``make`` to each subscriber (a message has one target)."""
        for node in list(self._listeners):
            node.post_message(make())

    def start(self) -> None:
        """Start the timers (idle expiry, spinner)."""
        self.app.set_interval(IDLE_CHECK_INTERVAL, self.expire_idle)
        self.app.set_interval(SPINNER_INTERVAL, self.spin)

    def first_frame_shown(self) -> None:
        """The first frame is out: the AWS clients are set up in the background a little
        later (importing boto3 on a thread while the first frame is made would slow it)."""
        self.app.set_timer(WARM_UP_DELAY, self.warm_up)

    # Providers: created on first use, on a worker thread (importing boto3 takes a while,
    # and must not hold up the screen) -------------------------------------------------

    @property
    def registry(self) -> ProviderRegistry:
        with self._lock:
            if self._registry is None:
                from fnox_tui.core.providers.registry import ProviderRegistry

                self._registry = ProviderRegistry(
                    environ=self.source.environ, max_workers=self.concurrency, cwd=self.source.cwd
                )
            return self._registry

    @property
    def has_registry(self) -> bool:
        return self._registry is not None

    @property
    def resolver(self) -> SecretResolver:
        """The resolver of the current workspace (a new one after each load)."""
        assert self.workspace is not None
        return self.resolver_for(self.workspace)

    @resolver.setter
    def resolver(self, resolver: SecretResolver) -> None:
        """Use this resolver for the current workspace (tests put a fake one here)."""
        with self._lock:
            self._resolver, self._resolver_workspace = resolver, self.workspace

    def resolver_for(self, workspace: Workspace) -> SecretResolver:
        """The resolver of ``workspace``: the current one's is kept, an older one's is not.

        Resolvers of two workspaces (before and after a reload) share the registry and do
        not interfere: each call binds its own reference resolution.
        """
        registry = self.registry
        with self._lock:
            if self._resolver is not None and self._resolver_workspace is workspace:
                return self._resolver
            from fnox_tui.core.resolver import SecretResolver

            resolver = SecretResolver(workspace, registry, self.source.environ)
            if workspace is self.workspace:
                self._resolver, self._resolver_workspace = resolver, workspace
            return resolver

    def warm_up(self) -> None:
        """After the first paint, set up the AWS clients so the first reveal is quick."""
        workspace = self.workspace
        if workspace is None:
            return
        aws = [p for p in workspace.providers if p.type in ("aws-kms", "aws-sm", "aws-ps")]
        if aws:
            self.app.run_worker(
                lambda: self.registry.warm_up(aws), group=WARM_UP, thread=True, exit_on_error=False
            )

    def close(self) -> None:
        """Forget every value and close every client (on quit)."""
        self.values.clear()
        if self._registry is not None:
            self._registry.close()

    # Loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the files again in a worker; the result arrives as WorkspaceLoaded."""
        self.app.run_worker(
            self.source.load, group=LOAD, thread=True, exclusive=True, exit_on_error=False
        )

    def adopt(
        self, workspace: Workspace, *, quiet: bool = False, rebase: bool = True
    ) -> tuple[Conflict, ...]:
        """Make ``workspace`` the loaded one, keeping what still holds from the last one.

        A revealed value stays when the same secret (profile and definition) is still there
        and nothing its value is derived from changed (see :mod:`fnox_tui.core.fingerprint`);
        so does a provider check. Every other value, every failure and every request in
        flight is forgotten. Staged changes stay staged, except those whose entry changed or
        vanished on disk: they are dropped, named, and returned (``rebase`` False: after our
        own save, whose writes are no conflict).
        """
        first = self.loads == 0
        self.loads += 1
        old = self.workspace
        conflicts = self._rebase_staged(old, workspace) if rebase else ()
        self.workspace = workspace
        self.app.workers.cancel_group(self.app, REVEAL_ALL)
        # What was derived from referenced secrets is never carried over: checks that used
        # them (and checks still running) go, as do the providers built from them.
        self.values.forget_checks(derived_only=True)
        self._forget_referenced_providers()
        forgotten = 0
        if old is None:
            forgotten = self.plaintext.clear()
            self.values.clear()
            self.values.checks.clear()
        else:
            _, forgotten = self.values.carry_over(*_keepers(old, workspace))
        self.publish(lambda: WorkspaceLoaded(workspace, first))
        if conflicts:
            self._staging_changed()
        self._status_changed()
        if old is not None and max(old.size, workspace.size) >= LARGE_WORKSPACE:
            # Once the screens show the new workspace nothing refers to the old one; one full
            # collection frees it (its tree's nodes hold cycles), and what lives is set aside.
            self.app.call_after_refresh(set_aside_long_lived)
        if not first and not quiet:
            hidden = f"; {plural(forgotten, 'changed value')} hidden" if forgotten else ""
            self.app.notify(f"Reloaded {plural(len(workspace.files), 'file')}{hidden}", timeout=2)
        return conflicts

    def _rebase_staged(self, old: Workspace | None, new: Workspace) -> tuple[Conflict, ...]:
        """Staged changes were made against ``old``'s files: keep those that still apply to
        ``new``'s, drop (and tell of) those whose entry changed or vanished on disk."""
        changes = self.staging.changeset
        if old is None or not changes:
            return ()
        paths = changes.files()
        before = {p: old.loaded[p].text for p in paths if p in old.loaded}
        after = {p: new.loaded[p].text for p in paths if p in new.loaded}
        if before == after:
            return ()
        from fnox_tui.core.reapply import reapply  # only a reload with staged changes needs it

        result = reapply(changes, before, after)
        if result.conflicts:
            self.staging.drop_entries(result.dropped)
            self.app.notify(
                "Dropped the staged changes that conflict with the files on disk:\n"
                + "\n".join(str(conflict) for conflict in result.conflicts),
                title="Conflicts",
                severity="warning",
                timeout=20,
            )
        return result.conflicts

    def load_failed(self, error: BaseException | None) -> None:
        self.values.clear()
        self.publish(lambda: ValuesChanged(None))
        self.publish(lambda: LoadFailed(error))
        if not isinstance(error, FnoxTuiError):
            self.app.notify(f"Reload failed: {type(error).__name__}", severity="error")

    # Worker results -------------------------------------------------------------------

    def run_job(
        self,
        work: Callable[[], T],
        done: Callable[[T], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        group: str = "job",
        exclusive: bool = False,
    ) -> Worker[T]:
        """Run ``work`` on a thread (a worker of the app); hand its result to ``done``.

        ``done`` (and ``failed``, given the exception ``work`` raised) run on the UI thread.
        What ``work`` may raise must carry no secret: without ``failed`` only its type is
        shown. For the forms' encryption and the saves: a screen asks, the app runs it, and
        the answer reaches whoever asked even if the screen went away meanwhile.
        """
        worker: Worker[T] = self.app.run_worker(
            work, group=group, thread=True, exclusive=exclusive, exit_on_error=False
        )
        self._jobs[worker] = _Job(done, failed)
        return worker

    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Where the app hands every worker's end: results, and failures."""
        worker = event.worker
        # The event's state, not the worker's: a quick job may be finished already when its
        # RUNNING event arrives, and its answer comes with the SUCCESS (or ERROR) event.
        job = self._jobs.pop(worker, None) if event.state in _FINISHED else None
        if job is not None:
            job.finish(self.app, worker, event.state)
            return
        if event.state is WorkerState.SUCCESS:
            result = worker.result
            if worker.group == LOAD:
                self.adopt(result)
            elif isinstance(result, Resolved):
                self._apply(result)
            elif isinstance(result, Checked):
                self._checked(result)
        if worker in self._bulk and event.state in _FINISHED:
            self._settle_bulk(worker)
        if event.state is WorkerState.ERROR:
            if worker.group == LOAD:
                self.load_failed(worker.error)
            else:
                # Only our own bugs get here; their text could hold anything, so not shown.
                self.app.notify(f"Internal error: {type(worker.error).__name__}", severity="error")

    # Revealing ------------------------------------------------------------------------

    def toggle_reveal(self, secret: EffectiveSecret) -> None:
        """`v`: hide a shown (or resolving) value, else resolve it in a worker."""
        if self.values.is_shown(secret.key):
            self.values.hide(secret.key)
            self._values_changed({secret.key})
            self._status_changed()
        else:
            self.request(secret, then="show")

    def request(self, secret: EffectiveSecret, then: str) -> None:
        """Resolve ``secret`` in a worker; ``then`` "show" or "copy" when it arrives."""
        token = self.values.start(secret.key)
        self._values_changed({secret.key})
        workspace = self.workspace
        assert workspace is not None

        def resolve() -> Resolved:
            resolver = self.resolver_for(workspace)
            return Resolved(secret, token, *_resolve_safely(resolver, secret), then=then)

        self.app.run_worker(
            resolve,
            group=REVEAL,
            thread=True,
            exit_on_error=False,
        )

    def _apply(self, result: Resolved) -> None:
        if self._record(result):
            self._values_changed({result.secret.key})
            self._status_changed()

    def _record(self, result: Resolved) -> bool:
        """Keep a finished resolution; False when it is stale and was dropped."""
        key = result.secret.key
        if not self.values.finish(key, result.token):
            return False  # hidden, reloaded or asked again meanwhile: this answer is stale
        if result.error is not None:
            self.values.failures[key] = result.error
        elif result.value is not None:
            self.plaintext.put(key, result.value)
            if result.then == "copy":
                self.copy_value(result.secret, result.value)
        return True

    def toggle_reveal_all(self, profile: str, secrets: list[EffectiveSecret]) -> None:
        """`V`: reveal ``secrets`` (those shown under ``profile``), or hide them if all are.

        A profile may hold hundreds of thousands of secrets: this works on them in bulk (one
        token for all, one snapshot of what is shown) and repaints only the visible rows.
        """
        if not secrets:
            return
        keys = [secret.key for secret in secrets]
        shown = self.values.shown_keys()
        if shown.issuperset(keys):
            for worker, bulk in self._bulk.items():
                if bulk.profile == profile:
                    worker.cancel()  # only this profile's: another profile's V runs on
            self.values.hide_many(keys)
            self._values_changed(keys)
            self._status_changed()
            return
        if shown:
            todo = [secret for secret, key in zip(secrets, keys, strict=True) if key not in shown]
            keys = [secret.key for secret in todo]
        else:
            todo = list(secrets)
        token = self.values.start_many(keys)
        self._values_changed(keys)
        workspace = self.workspace
        assert workspace is not None
        # Not exclusive: a V on another profile meanwhile runs beside this one. Whatever
        # ends a worker, _settle_bulk leaves none of its rows resolving. A description of
        # its own: Textual would otherwise build one from the repr of what the work holds.
        worker: Worker[None] = self.app.run_worker(
            lambda: self._resolve_many(workspace, todo, token),
            group=REVEAL_ALL,
            description="V",
            thread=True,
            exit_on_error=False,
        )
        self._bulk[worker] = BulkReveal(profile, token, keys)
        self._status_changed()

    def _settle_bulk(self, worker: Worker[None]) -> None:
        """A `V` worker ended (done, cancelled or failed): every row it still owes is hidden."""
        bulk = self._bulk.pop(worker)
        pending, token = self.values.pending, bulk.token
        unresolved = [key for key in bulk.keys if pending.get(key) == token]
        self.values.hide_many(unresolved)
        self._values_changed(unresolved)
        self._status_changed()

    def _resolve_many(
        self, workspace: Workspace, secrets: list[EffectiveSecret], token: int
    ) -> None:
        """Resolve many secrets; results reach the UI in batches, not one by one.

        No full garbage collections meanwhile (the values are many objects that live on),
        and those of a large profile are set aside from later ones; threads switch more often
        meanwhile, so that keys wait less behind the resolving threads.
        """
        from fnox_tui.core.switching import quick_switching

        with no_full_collections(), quick_switching():
            self._resolve_batched(workspace, secrets, token)
        if len(secrets) >= LARGE_WORKSPACE:
            set_aside_new()  # the values and their keys: no full collection walks them

    def _resolve_batched(
        self, workspace: Workspace, secrets: list[EffectiveSecret], token: int
    ) -> None:
        """Secrets that may wait (on KMS, a key file, another secret) go to a pool of threads,
        at most ``concurrency`` at once: fewer while AWS throttles (the limit is halved once
        per round of throttled answers, retried ones included, and grows back by one after as
        many answers in a row; see RoundLimiter), and a value throttled even after botocore's
        retries is
        asked again, up to THROTTLED_ATTEMPTS times. Those that surely need only the CPU (plain
        values, defaults) are resolved on this thread: more threads would only take the
        interpreter from the UI, which must keep answering keys; for the same reason they
        pause for MAKE_WAY_SECONDS after each key or click. Results are handed to the UI every
        BATCH_SECONDS, at most MAX_BATCH at a time, each waiting until the UI has taken it.
        """
        from collections import Counter, deque
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        from fnox_tui.core.limiter import RoundLimiter
        from fnox_tui.core.providers.base import ErrorCode
        from fnox_tui.core.providers.registry import resolves_on_cpu

        worker = get_current_worker()
        resolver = self.resolver_for(workspace)
        local = [secret for secret in secrets if resolves_on_cpu(secret)]
        remote = deque(secret for secret in secrets if not resolves_on_cpu(secret))
        limiter = RoundLimiter(self.concurrency)
        stats = self.registry.stats
        throttles_seen = stats.throttles
        attempts: Counter[SecretKey] = Counter()
        batch: list[Resolved] = []
        done = 0
        flush_at = time.monotonic() + BATCH_SECONDS

        def flush() -> None:
            nonlocal batch, done, flush_at
            for start in range(0, len(batch), MAX_BATCH):
                chunk = batch[start : start + MAX_BATCH]
                done += len(chunk)
                self.app.call_from_thread(self._apply_batch, worker, chunk, done)
            batch = []
            flush_at = time.monotonic() + BATCH_SECONDS

        with ThreadPoolExecutor(
            max_workers=limiter.maximum, thread_name_prefix="fnox-reveal"
        ) as pool:
            running: dict[Future[tuple[str | None, ProviderError | None]], EffectiveSecret] = {}
            next_local = 0
            while True:
                if worker.is_cancelled:
                    pool.shutdown(wait=False, cancel_futures=True)
                    return
                if stats.throttles != throttles_seen:
                    throttles_seen = stats.throttles
                    limiter.throttled(len(running))
                while remote and len(running) < limiter.limit:
                    secret = remote.popleft()
                    running[pool.submit(_resolve_safely, resolver, secret)] = secret
                if not running and next_local == len(local):
                    flush()
                    return
                now = time.monotonic()
                # The user comes first: right after a key, the interpreter is the UI's.
                make_way = self._input_at + MAKE_WAY_SECONDS - now
                idle = 0.0
                if make_way <= 0 and next_local < len(local):
                    # With network calls in flight, look at them often to keep the pool busy.
                    until = min(flush_at, now + (LOCAL_SLICE if running else BATCH_SECONDS))
                    while next_local < len(local) and time.monotonic() < until:
                        secret = local[next_local]
                        next_local += 1
                        batch.append(Resolved(secret, token, *_resolve_safely(resolver, secret)))
                        if next_local % 64 == 0 and self._input_at + MAKE_WAY_SECONDS > now:
                            break  # a key came: make way
                elif make_way > 0:
                    idle = max(0.0, min(flush_at - now, make_way))
                else:
                    idle = max(0.0, flush_at - now)  # only network calls left: wait for them
                if running:
                    finished, _ = wait(running, idle, FIRST_COMPLETED)
                    for future in finished:
                        secret = running.pop(future)
                        value, error = future.result()
                        throttled = error is not None and error.code == ErrorCode.THROTTLED
                        limiter.completed(ok=not throttled)
                        if throttled:
                            limiter.throttled(len(running))
                            attempts[secret.key] += 1
                            if attempts[secret.key] < THROTTLED_ATTEMPTS:
                                remote.append(secret)  # asked again once the others are
                                continue
                        batch.append(Resolved(secret, token, value, error))
                elif idle:
                    time.sleep(idle)
                if time.monotonic() >= flush_at:
                    flush()

    def _apply_batch(self, worker: Worker[None], batch: list[Resolved], done: int) -> None:
        bulk = self._bulk.get(worker)
        if bulk is not None:
            bulk.done = done
        results = [(r.secret.key, r.token, r.value, r.error) for r in batch]
        self._values_changed(self.values.finish_many(results))
        self._status_changed()

    def spin(self) -> None:
        """Advance the spinner of the rows still resolving."""
        if not self.values.pending:
            return
        self.values.spinner_frame += 1
        self._values_changed(self.values.pending.keys())

    def expire_idle(self) -> None:
        """After the idle time, forget the values and everything derived from them."""
        if not self.plaintext.is_idle():
            return
        shown = len(self.plaintext) + self.values.derived_checks
        registry = self._registry
        if not shown and not (registry is not None and registry.holds_referenced):
            return
        self.hide_all()
        if shown:
            idle = human_duration(self.plaintext.idle_seconds)
            self.app.notify(f"Revealed values hidden after {idle} without a key press")

    def touch(self) -> None:
        """The user did something: the idle clock starts again, and V's local resolving
        makes way for the UI for a moment."""
        self.plaintext.touch()
        self._input_at = time.monotonic()

    def hide_all(self) -> int:
        """Forget every value and failure, stop every reveal; returns how many were shown."""
        count = len(self.plaintext) + len(self.values.failures) + self.values.derived_checks
        self.app.workers.cancel_group(self.app, REVEAL_ALL)
        self.app.workers.cancel_group(self.app, REVEAL)
        self.values.clear()
        derived = self._forget_derived()
        self.publish(lambda: ValuesChanged(None))
        if derived:
            self.publish(lambda: ChecksChanged(None))
        self._status_changed()
        return count

    def _forget_derived(self) -> int:
        """Forget what was computed from referenced secrets' plaintexts along with the values:
        check results that used them, and the providers (settings, clients) built from them.
        Returns how many check results went."""
        gone = self.values.forget_checks(derived_only=True)
        self._forget_referenced_providers()
        return gone

    def _forget_referenced_providers(self) -> None:
        if self._registry is not None:
            self._registry.forget_referenced()

    def _values_changed(self, keys: Collection[SecretKey]) -> None:
        """Tell the screens these secrets' values changed (so many: "any of them", cheaper
        for a profile of hundreds of thousands than the set of their keys)."""
        if not keys:
            return
        changed = frozenset(keys) if len(keys) <= MAX_BATCH else None
        self.publish(lambda: ValuesChanged(changed))

    # Copying --------------------------------------------------------------------------

    def copy_secret(self, secret: EffectiveSecret) -> None:
        """`c`: copy the value, resolving it first when it is not revealed yet."""
        value = self.plaintext.get(secret.key)
        if value is not None:
            self.copy_value(secret, value)
        else:
            self.request(secret, then="copy")

    def copy_value(self, secret: EffectiveSecret, value: str) -> None:
        self.copy_secret_text(secret.name, value)

    def copy_secret_text(self, what: str, text: str) -> None:
        """Copy a secret (a value, a new identity): cleared after the clipboard timeout."""
        try:
            result = self.app.clip.copy(text)
        except ClipboardError as error:
            self.app.notify(f"Could not copy {what}: {error}", severity="error")
            return
        self.app.notify(f"{what}: {result.message}", title="Clipboard")
        if result.timeout is not None:
            self.app.set_timer(result.timeout, self._clear_clipboard_if_due)

    def copy_text(self, what: str, text: str) -> None:
        """Copy text that is not a secret (an IAM policy): never cleared automatically."""
        try:
            result = self.app.plain_clip.copy(text)
        except ClipboardError as error:
            self.app.notify(f"Could not copy {what}: {error}", severity="error")
            return
        method = "system clipboard" if result.method == "system" else "OSC 52"
        self.app.notify(f"Copied {what} ({method})")

    def _clear_clipboard_if_due(self) -> None:
        if self.app.clip.clear_if_due() is ClearOutcome.CLEARED:
            self.app.notify("Clipboard cleared", timeout=3)

    # Provider checks ------------------------------------------------------------------

    def check_provider(self, provider: ProviderDef, profile: str | None = None) -> None:
        """`t`: check ``provider`` in a worker, as seen from ``profile`` (default: its own,
        else the active profile); the result arrives as ChecksChanged."""
        self.values.checks.pop(provider.id, None)
        self.app.notify(f"Checking provider {provider.name}…", timeout=2)
        workspace = self.workspace
        assert workspace is not None
        epoch = self.values.check_epoch

        def check() -> Checked:
            return Checked(provider, self.resolver_for(workspace).check(provider, profile), epoch)

        self.app.run_worker(check, group=CHECK, thread=True, exit_on_error=False)

    def _checked(self, checked: Checked) -> None:
        if checked.epoch != self.values.check_epoch:
            return  # values were hidden or the files reloaded meanwhile: this answer is stale
        self.values.checks[checked.provider.id] = checked.result
        self.publish(lambda: ChecksChanged(frozenset({checked.provider.id})))
        self._status_changed()

    def check_of(self, provider: ProviderDef) -> CheckResult | None:
        return self.values.checks.get(provider.id)

    def provider_badge(self, provider: ProviderDef) -> Text | None:
        result = self.check_of(provider)
        if result is None:
            return None
        return literal(result.badge, style="green" if result.ok else "red")

    # Staged changes -------------------------------------------------------------------

    def stage(
        self,
        changes: Iterable[Change],
        description: str = "",
        expected: Iterable[ExpectedValue] = (),
    ) -> bool:
        """Stage ``changes`` as one undoable step; False when nothing was staged (there was
        nothing to stage, or the step contradicts what is staged: the user is told why).

        ``expected``: for each value the user entered, a digest of it (taken when it was
        encrypted) that the value read back after the save is checked against.
        """
        from fnox_tui.core.changes import StagingError  # the forms imported it already

        try:
            step = self.staging.stage(changes, description, expected)
        except StagingError as error:
            self.app.notify(f"Not staged: {error}", severity="error")
            return False
        if step is None:
            return False
        self._staging_changed()
        return True

    def undo(self) -> Step | None:
        """`u`: take back the last staged step; None when nothing is staged."""
        step = self.staging.undo()
        if step is not None:
            self._staging_changed()
        return step

    def discard(self) -> int:
        """Drop every staged change; returns how many there were."""
        count = self.staging.clear()
        if count:
            self._staging_changed()
        return count

    def drop_steps(self, steps: Iterable[Step]) -> None:
        """Forget these steps (they were saved); steps staged since stay."""
        if self.staging.drop_steps(tuple(steps)):
            self._staging_changed()

    def drop_entries(self, entries: Iterable[EntryId]) -> None:
        """Forget every staged change to ``entries`` (they conflict with the files on disk)."""
        if self.staging.drop_entries(frozenset(entries)):
            self._staging_changed()

    def _staging_changed(self) -> None:
        count = len(self.staging)
        self._hide_staged_values()
        self.publish(lambda: StagedChangesChanged(count))
        self._status_changed()

    def _hide_staged_values(self) -> None:
        """A row whose entry gets (or loses) a staged change shows another definition now:
        a value revealed before is hidden, so a row never shows a value it does not hold."""
        net = self.staging.net()
        old, self._staged_net = self._staged_net, net
        touched = {entry for entry in old.keys() | net.keys() if old.get(entry) != net.get(entry)}
        if not touched:
            return
        keys = {
            key
            for key in self.plaintext.keys()  # noqa: SIM118 - a copy, taken under its lock
            if isinstance(key, SecretKey) and key.entry in touched
        }
        for key in keys:
            self.values.hide(key)
        self._values_changed(keys)

    # Status ---------------------------------------------------------------------------

    def status(self) -> tuple[str, str]:
        """The status line: a progress message (or "") and the session counters."""
        progress = ""
        running = [bulk for bulk in self._bulk.values() if bulk.done < bulk.total]
        if running:
            progress = "Revealing " + ", ".join(
                f"{bulk.profile}: {bulk.done}/{bulk.total}" for bulk in running
            )
        parts = []
        staged = len(self.staging)
        if staged:
            noun = "change" if staged == 1 else "changes"
            parts.append(f"{staged} staged {noun} · ctrl+s to review")
        if len(self.plaintext):
            parts.append(f"{len(self.plaintext)} revealed")
        if self._uses_kms():
            registry = self._registry
            requests = registry.stats.kms_requests if registry is not None else 0
            cost = registry.stats.kms_cost_usd if registry is not None else 0.0
            parts.append(f"KMS requests {requests} (~${cost:.4f})")
        return progress, " · ".join(parts)

    def _uses_kms(self) -> bool:
        """Whether the workspace has an aws-kms provider (else the KMS counter is left out)."""
        workspace = self.workspace
        return workspace is not None and any(p.type == "aws-kms" for p in workspace.providers)

    def _status_changed(self) -> None:
        progress, counters = self.status()
        self.publish(lambda: StatusChanged(progress, counters))


class _Job(FrozenRecord):
    __slots__ = ("done", "failed")
    _fields = ("done", "failed")

    def __init__(
        self, done: Callable[[Any], None], failed: Callable[[BaseException], None] | None
    ) -> None:
        self.done = done
        self.failed = failed

    def finish(self, app: FnoxTuiApp, worker: Worker[Any], state: WorkerState) -> None:
        if state is WorkerState.SUCCESS:
            self.done(worker.result)
        elif state is WorkerState.ERROR:
            error = worker.error or RuntimeError("the job failed")
            if self.failed is not None:
                self.failed(error)
            else:
                app.notify(f"Internal error: {type(error).__name__}", severity="error")


def _resolve_safely(
    resolver: SecretResolver, secret: EffectiveSecret
) -> tuple[str | None, ProviderError | None]:
    try:
        return resolver.resolve(secret), None
    except ProviderError as error:
        return None, error
    except Exception as error:  # a bug must not show a value or a traceback
        return None, ProviderError(
            f"fnox-tui failed unexpectedly ({type(error).__name__}).",
            hint="Please report this; the value was not shown.",
        )


def _keepers(
    old: Workspace, new: Workspace
) -> tuple[Callable[[SecretKey], bool], Callable[[EntryId], bool]]:
    """Tests for what survives a reload: the same key, and the same inputs before and after."""
    from fnox_tui.core.fingerprint import Fingerprints  # only a reload needs it

    before, after = Fingerprints(old), Fingerprints(new)

    def keep_value(key: SecretKey) -> bool:
        previous, current = old.effective(key), new.effective(key)
        if previous is None or current is None:
            return False
        return before.secret(previous) == after.secret(current)

    def keep_check(entry: EntryId) -> bool:
        previous, current = old.provider_def(entry), new.provider_def(entry)
        if previous is None or current is None:
            return False
        return before.provider(previous) == after.provider(current)

    return keep_value, keep_check
