"""The fnox-tui application: loads the workspace, owns the screens and every worker.

Workers belong to the node that starts them, so everything that outlives a screen (loading,
resolving, checking providers) starts here, on the app, and lands in one handler,
:meth:`FnoxTuiApp.on_worker_state_changed`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual._files import generate_datetime_filename
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState, get_current_worker

from fnox_tui import __version__
from fnox_tui.core.clipboard import ClearOutcome, Clipboard, ClipboardError
from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import EffectiveSecret, ProviderDef, Workspace
from fnox_tui.core.plaintext import PlaintextStore
from fnox_tui.core.providers.base import CheckResult, ProviderError
from fnox_tui.ui.commands import FnoxCommands
from fnox_tui.ui.screens.error import ErrorScreen
from fnox_tui.ui.screens.help import HelpScreen
from fnox_tui.ui.screens.main import MainScreen
from fnox_tui.ui.terminal_restore import write_to_terminal
from fnox_tui.ui.text import literal, visible
from fnox_tui.ui.values import SecretKey, ValueStates

if TYPE_CHECKING:
    from fnox_tui.core.providers.registry import ProviderRegistry
    from fnox_tui.core.resolver import SecretResolver

SPINNER_INTERVAL = 0.1
WARM_UP_DELAY = 0.5  # seconds after start before AWS clients are set up in the background
BATCH_SECONDS = 0.1  # reveal-all hands results to the UI at most this often
_FINISHED = (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED)


@dataclass(frozen=True, slots=True)
class AppSettings:
    """Options from the command line and environment."""

    idle_seconds: float = 300.0
    clipboard_timeout: float | None = None  # None: $FNOX_TUI_CLIPBOARD_TIMEOUT, else 45 s
    clipboard_mode: str = "auto"  # "auto" (system clipboard, else OSC 52), "system", "osc52"
    concurrency: int = 8
    welcome: str = ""  # a notification shown at start (the demo says what it set up)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A finished resolution: the value or the error, and what to do next."""

    secret: EffectiveSecret
    token: int
    value: str | None
    error: ProviderError | None
    then: str = "show"


@dataclass(slots=True)
class BulkReveal:
    """One `V` in progress: its profile, its requests (key and token) and how many are done."""

    profile: str
    jobs: list[tuple[SecretKey, int]] = field(default_factory=list)
    done: int = 0

    @property
    def total(self) -> int:
        return len(self.jobs)


class FnoxTuiApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "fnox-tui"
    COMMANDS = App.COMMANDS | {FnoxCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        source: WorkspaceSource,
        workspace: Workspace | None = None,
        error: FnoxTuiError | None = None,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.workspace = workspace
        self.initial_error = error
        self.settings = settings or AppSettings()
        self.loads = 0
        self.plaintext = PlaintextStore(self.settings.idle_seconds)
        self.values = ValueStates(self.plaintext)
        self._provider_registry: ProviderRegistry | None = None
        self._resolver: SecretResolver | None = None
        self._bulk: dict[Worker[None], BulkReveal] = {}
        self._drawing = False  # between mount and unmount: the driver still writes
        self._on_terminal = False  # a real terminal, not a test's headless driver
        self.clip = Clipboard(
            osc52_writer=self._write_osc52,
            timeout=self.settings.clipboard_timeout,
            mode=self.settings.clipboard_mode,  # type: ignore[arg-type]
            environ=source.environ,
        )
        self.plain_clip = Clipboard(
            osc52_writer=self._write_osc52,
            timeout=0,  # never cleared: for error details, which hold no secret
            mode=self.settings.clipboard_mode,  # type: ignore[arg-type]
        )

    @property
    def main(self) -> MainScreen:
        return self.get_screen("main")  # type: ignore[return-value]

    def on_mount(self) -> None:
        self._drawing = True
        self._on_terminal = not self.is_headless
        self.install_screen(MainScreen(), "main")
        self.push_screen("main")
        if self.workspace is not None:
            self.loads = 1  # MainScreen shows it when it mounts
        elif self.initial_error is not None:
            self.push_screen(ErrorScreen(self.initial_error, self.source.cwd))
        else:
            self.action_reload()
        self.set_interval(1.0, self._expire_idle)
        self.set_interval(SPINNER_INTERVAL, self._spin)
        self.set_timer(WARM_UP_DELAY, self._warm_up)
        self.call_after_refresh(self._update_counters)
        if self.workspace is not None:
            self.call_after_refresh(self._offer_recovery)
        if self.settings.welcome:
            self.notify(self.settings.welcome, timeout=8)
        if self.clip.warning:
            self.notify(self.clip.warning, severity="warning")

    def on_unmount(self) -> None:
        self._drawing = False

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.plaintext.touch()
        await super().on_event(event)

    # Providers (created on first use: boto3 stays off the start-up path) ----------------

    @property
    def registry(self) -> ProviderRegistry:
        if self._provider_registry is None:
            from fnox_tui.core.providers.registry import ProviderRegistry

            self._provider_registry = ProviderRegistry(
                environ=self.source.environ,
                max_workers=self.settings.concurrency,
                cwd=self.source.cwd,
            )
        return self._provider_registry

    @property
    def resolver(self) -> SecretResolver:
        if self._resolver is None:
            from fnox_tui.core.resolver import SecretResolver

            assert self.workspace is not None
            self._resolver = SecretResolver(self.workspace, self.registry, self.source.environ)
        return self._resolver

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """After the first paint, set up the AWS clients so the first reveal is quick."""
        workspace = self.workspace
        if workspace is not None:
            aws = [p for p in workspace.providers if p.type in ("aws-kms", "aws-sm", "aws-ps")]
            if aws:
                self.registry.warm_up(aws)

    # Loading --------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> Workspace:
        return self.source.load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place where worker results and failures land."""
        worker = event.worker
        if event.state is WorkerState.SUCCESS:
            result = worker.result
            if worker.group == "load":
                self._show(result, first=self.loads == 0)
            elif isinstance(result, Resolved):
                self._apply(result)
            elif worker.group == "check":
                self._checked(*result)
        if worker in self._bulk and event.state in _FINISHED:
            self._settle_bulk(worker)
        if event.state is WorkerState.ERROR:
            if worker.group == "load":
                self._load_failed(worker.error)
            else:
                # Only our own bugs get here; their text could hold anything, so not shown.
                self.notify(f"Internal error: {type(worker.error).__name__}", severity="error")

    def _show(self, workspace: Workspace, *, first: bool) -> None:
        self.loads += 1
        self.workspace = workspace
        self._resolver = None
        self.values.clear()
        self.values.forget_checks()
        self._forget_referenced_providers()
        self.workers.cancel_group(self, "reveal-all")
        while isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self.main.show_workspace(workspace, first=first)
        if not first:
            self.notify(f"Reloaded {len(workspace.files)} file(s); values hidden", timeout=2)

    def _load_failed(self, error: BaseException | None) -> None:
        self.values.clear()
        if not isinstance(error, FnoxTuiError):
            self.notify(f"Reload failed: {type(error).__name__}", severity="error")
            return
        if isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        self.push_screen(ErrorScreen(error, self.source.cwd))

    # Revealing ------------------------------------------------------------------------

    def toggle_reveal(self, secret: EffectiveSecret) -> None:
        """`v`: hide a shown (or resolving) value, else resolve it in a thread."""
        if self.values.is_shown(secret.key):
            self.values.hide(secret.key)
            self._secrets_changed({secret.key})
        else:
            self.request(secret, then="show")

    def request(self, secret: EffectiveSecret, then: str) -> None:
        token = self.values.start(secret.key)
        self._secrets_changed({secret.key})
        self._resolve_one(secret, token, then)

    @work(thread=True, group="reveal", exit_on_error=False)
    def _resolve_one(self, secret: EffectiveSecret, token: int, then: str) -> Resolved:
        value, error = self._resolve_safely(secret)
        return Resolved(secret, token, value, error, then)

    def _resolve_safely(self, secret: EffectiveSecret) -> tuple[str | None, ProviderError | None]:
        try:
            return self.resolver.resolve(secret), None
        except ProviderError as error:
            return None, error
        except Exception as error:  # a bug must not show a value or a traceback
            return None, ProviderError(
                f"fnox-tui failed unexpectedly ({type(error).__name__}).",
                hint="Please report this; the value was not shown.",
            )

    def _apply(self, result: Resolved) -> None:
        if self._record(result):
            self._secrets_changed({result.secret.key})
            self._update_counters()

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

    def toggle_reveal_all(self, profile: str) -> None:
        """`V`: reveal every secret shown under ``profile``, or hide them if all are shown."""
        secrets = self.main.tree.secret_nodes(profile)
        if not secrets:
            return
        if all(self.values.is_shown(secret.key) for secret in secrets):
            for worker, bulk in self._bulk.items():
                if bulk.profile == profile:
                    worker.cancel()  # only this profile's: another profile's V runs on
            for secret in secrets:
                self.values.hide(secret.key)
            self._secrets_changed({secret.key for secret in secrets})
            self._update_counters()
            return
        todo = [secret for secret in secrets if not self.values.is_shown(secret.key)]
        jobs = [(secret, self.values.start(secret.key)) for secret in todo]
        self._secrets_changed({secret.key for secret in todo})
        # Not exclusive: a V on another profile meanwhile runs beside this one. Whatever
        # ends a worker, _settle_bulk leaves none of its rows resolving.
        worker = self._resolve_many(jobs)
        self._bulk[worker] = BulkReveal(profile, [(secret.key, token) for secret, token in jobs])
        self._update_counters()

    def _settle_bulk(self, worker: Worker[None]) -> None:
        """A `V` worker ended (done, cancelled or failed): every row it still owes is hidden."""
        bulk = self._bulk.pop(worker)
        unresolved = {key for key, token in bulk.jobs if self.values.is_current(key, token)}
        for key in unresolved:
            self.values.hide(key)
        if self.is_screen_installed("main"):
            self._secrets_changed(unresolved)
        self._update_counters()

    @work(thread=True, group="reveal-all", exit_on_error=False)
    def _resolve_many(self, jobs: list[tuple[EffectiveSecret, int]]) -> None:
        """Resolve through a bounded pool; results reach the UI in batches, not one by one."""
        worker = get_current_worker()
        done = 0
        with ThreadPoolExecutor(
            max_workers=self.settings.concurrency, thread_name_prefix="fnox-reveal"
        ) as pool:
            futures = {
                pool.submit(self._resolve_safely, secret): (secret, token) for secret, token in jobs
            }
            waiting = set(futures)
            while waiting:
                finished, waiting = wait(waiting, timeout=BATCH_SECONDS)
                if worker.is_cancelled:
                    pool.shutdown(wait=False, cancel_futures=True)
                    return
                if not finished:
                    continue
                batch = []
                for future in finished:
                    secret, token = futures[future]
                    value, error = future.result()
                    batch.append(Resolved(secret, token, value, error))
                done += len(batch)
                self.call_from_thread(self._apply_batch, worker, batch, done)

    def _apply_batch(self, worker: Worker[None], batch: list[Resolved], done: int) -> None:
        bulk = self._bulk.get(worker)
        if bulk is not None:
            bulk.done = done
        self._secrets_changed({result.secret.key for result in batch if self._record(result)})
        self._update_counters()

    def _secrets_changed(self, keys: set[SecretKey]) -> None:
        """Repaint the rows of these secrets, and the details if one is under the cursor."""
        if keys:
            self.main.values_changed(keys)

    def _spin(self) -> None:
        if not self.values.pending:
            return
        self.values.spinner_frame += 1
        self.main.refresh_values(self.values.pending.keys())

    def _expire_idle(self) -> None:
        if not self.plaintext.is_idle():
            return
        shown = len(self.plaintext) + self.values.derived_checks
        registry = self._provider_registry
        if not shown and not (registry is not None and registry.holds_referenced):
            return
        self.hide_all()
        if shown:
            minutes = self.settings.idle_seconds / 60
            self.notify(f"Revealed values hidden after {minutes:g} min without a key press")

    def hide_all(self) -> int:
        count = len(self.plaintext) + len(self.values.failures) + self.values.derived_checks
        for screen in self.screen_stack:  # a screen holding a secret of its own masks it
            hide = getattr(screen, "hide_secrets", None)
            if hide is not None:
                count += hide()
        self.workers.cancel_group(self, "reveal-all")
        self.workers.cancel_group(self, "reveal")
        self.values.clear()
        self._forget_derived()
        self._refresh_all_values()
        return count

    def _forget_derived(self) -> None:
        """Forget what was computed from referenced secrets' plaintexts along with the values:
        check results that used them, and the providers (settings, clients) built from them."""
        self.values.forget_checks(derived_only=True)
        self._forget_referenced_providers()

    def _forget_referenced_providers(self) -> None:
        if self._provider_registry is not None:
            self._provider_registry.forget_referenced()

    def _refresh_all_values(self) -> None:
        if self.is_screen_installed("main"):
            self.main.refresh_values()
            self.main.show_details()
        self._update_counters()

    # Copying --------------------------------------------------------------------------

    def copy_secret(self, secret: EffectiveSecret) -> None:
        """`c`: copy the value, resolving it first when it is not revealed yet."""
        value = self.plaintext.get(secret.key)
        if value is not None:
            self.copy_value(secret, value)
        else:
            self.request(secret, then="copy")

    def copy_value(self, secret: EffectiveSecret, value: str) -> None:
        try:
            result = self.clip.copy(value)
        except ClipboardError as error:
            self.notify(f"Could not copy {secret.name}: {error}", severity="error")
            return
        self.notify(f"{secret.name}: {result.message}", title="Clipboard")
        if result.timeout is not None:
            self.set_timer(result.timeout, self._clear_clipboard_if_due)

    def copy_text(self, what: str, text: str) -> None:
        """Copy text that is not a secret (an IAM policy): never cleared automatically."""
        try:
            result = self.plain_clip.copy(text)
        except ClipboardError as error:
            self.notify(f"Could not copy {what}: {error}", severity="error")
            return
        self.notify(
            f"Copied {what} ({'system clipboard' if result.method == 'system' else 'OSC 52'})"
        )

    def _clear_clipboard_if_due(self) -> None:
        if self.clip.clear_if_due() is ClearOutcome.CLEARED:
            self.notify("Clipboard cleared", timeout=3)

    def _write_osc52(self, sequence: str) -> None:
        """Send an OSC 52 sequence straight to the terminal.

        Textual's own ``copy_to_clipboard`` keeps the copied text on the app object; the
        plaintext must not linger, so the sequence goes to the driver directly.
        """
        driver = self._driver
        if driver is not None and self._drawing:
            driver.write(sequence)
            driver.flush()
        elif self._on_terminal:  # the driver has stopped: a clear on the way out still arrives
            write_to_terminal(sequence)

    # Provider checks ------------------------------------------------------------------

    def check_provider(self, provider: ProviderDef, profile: str | None = None) -> None:
        """`t`: check ``provider`` as seen from ``profile`` (default: its own, else the active
        profile), resolving what its configuration refers to as fnox would."""
        self.values.checks.pop(id(provider), None)
        self.notify(f"Checking provider {provider.name}…", timeout=2)
        self._check(provider, profile, self.values.check_epoch)

    @work(thread=True, group="check", exit_on_error=False)
    def _check(
        self, provider: ProviderDef, profile: str | None, epoch: int
    ) -> tuple[ProviderDef, CheckResult, int]:
        return provider, self.resolver.check(provider, profile), epoch

    def _checked(self, provider: ProviderDef, result: CheckResult, epoch: int) -> None:
        if epoch != self.values.check_epoch:
            return  # values were hidden or the files reloaded meanwhile: this answer is stale
        self.values.checks[id(provider)] = result
        self.main.tree.refresh_values()
        self.main.show_details()
        self._update_counters()

    def provider_badge(self, provider: ProviderDef) -> Text | None:
        result = self.values.checks.get(id(provider))
        if result is None:
            return None
        return literal(result.badge, style="green" if result.ok else "red")

    # Status ---------------------------------------------------------------------------

    def _update_counters(self) -> None:
        if not self.is_screen_installed("main"):
            return
        status = self.main.status_bar
        running = [bulk for bulk in self._bulk.values() if bulk.done < bulk.total]
        if running:
            status.progress = "Revealing " + ", ".join(
                f"{bulk.profile}: {bulk.done}/{bulk.total}" for bulk in running
            )
        else:
            status.progress = ""
        parts = []
        if len(self.plaintext):
            parts.append(f"{len(self.plaintext)} revealed")
        registry = self._provider_registry
        requests = registry.stats.kms_requests if registry is not None else 0
        cost = registry.stats.kms_cost_usd if registry is not None else 0.0
        parts.append(f"KMS requests {requests} (~${cost:.4f})")
        status.counters = " · ".join(parts)

    # Screenshots and exit: no plaintext leaves memory ---------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's screenshot command: revealed values are hidden first, then the shot taken.

        The shot is always taken after the next repaint, so a value hidden a moment earlier
        (by this call or any other) is never in it.
        """
        self._hide_for_screenshot()
        self.call_after_refresh(super().deliver_screenshot, filename, path, time_format)
        return None

    def save_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str:
        """As Textual's, with revealed values hidden; the file is written after a repaint."""
        self._hide_for_screenshot()
        path = path or "./"
        filename = filename or generate_datetime_filename(self.title, ".svg", time_format)
        self.call_after_refresh(super().save_screenshot, filename, path)
        return os.path.expanduser(os.path.join(path, filename))

    def _hide_for_screenshot(self) -> None:
        if self.hide_all():
            self.notify("Revealed values were hidden before taking the screenshot")

    def _fatal_error(self) -> None:
        """Like Textual's, but the traceback never shows local variables (they may be values)."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    async def action_quit(self) -> None:
        self.shut_down()

    def shut_down(self, return_code: int = 0) -> None:
        """Exit: the clipboard cleared while the terminal is still ours, values forgotten.

        For `q` and for a signal (see ``ui.runner``). Workers still blocked in a call are not
        waited for: the command line ends the process once the terminal is restored.
        """
        self.clip.clear_now_if_ours()
        self.values.clear()
        if self._provider_registry is not None:
            self._provider_registry.close()
        self.exit(return_code or None, return_code=return_code)

    # Actions shared with the command palette ------------------------------------------

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        self._on_main(self.main.action_filter)

    def action_problems(self) -> None:
        self._on_main(self.main.action_problems)

    async def action_toggle_matrix(self) -> None:
        if self.screen is self.main:
            await self.main.action_toggle_matrix()

    def action_jump_profile(self, profile: str) -> None:
        self._on_main(lambda: self.main.jump_to_profile(profile))

    def action_jump_secret(self, profile: str, name: str) -> None:
        def jump() -> None:
            if self.main.filter_query:
                self.main.action_clear_filter()
            self.call_after_refresh(self.main.jump_to_secret, (profile, name))

        self._on_main(jump)

    def action_rotate(self, provider: ProviderDef | None = None) -> None:
        """The key rotation walkthrough: of ``provider``, else of the one under the cursor."""
        if provider is None:
            self._on_main(self.main.action_rotate)
            return
        from fnox_tui.ui.screens.rotation import open_rotation  # boto3: not on the start-up path

        open_rotation(self, provider)

    def _offer_recovery(self) -> None:
        """A rotation interrupted in an earlier session is offered for recovery."""
        from fnox_tui.ui.screens.rotation.recovery import offer_recovery

        offer_recovery(self)

    def _on_main(self, action: Callable[[], Any]) -> None:
        if self.screen is self.main:
            action()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: names from files are never read as markup."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def action_help_quit(self) -> None:
        """ctrl+c: say which keys quit (Textual's own notice is markup, which notify refuses)."""
        keys = [
            key
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit")
        ]
        if keys:
            self.notify(f"Press {' or '.join(keys)} to quit the app", title="Do you want to quit?")

    @on(events.DeliveryComplete)
    def _screenshot_delivered(self, event: events.DeliveryComplete) -> None:
        """Textual's "saved screenshot" notice is markup too: say it in plain text instead."""
        if event.name == "screenshot":
            event.prevent_default()
            where = f" to {event.path}" if event.path is not None else ""
            self.notify(f"Saved screenshot{where}", title="Screenshot")

    def get_version(self) -> str:
        return __version__
