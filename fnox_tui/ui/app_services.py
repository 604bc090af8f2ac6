"""What the forms ask of the app, in one place: run a job on the app, read and stage changes.

Workers belong to the node that starts them, and a form may close before its job ends, so a
form's encryption runs on the app; its answer reaches the callbacks the form gave, on the UI
thread, unless the job was cancelled meanwhile. Staged changes go to the app only through
:func:`stage` (a :class:`~fnox_tui.ui.messages.StageChanges` request).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from textual.worker import Worker, get_current_worker

from fnox_tui.core.changes import Change, ChangeSet
from fnox_tui.core.model import EffectiveSecret
from fnox_tui.ui.messages import StageChanges

if TYPE_CHECKING:
    from fnox_tui.core.resolver import SecretResolver
    from fnox_tui.ui.app import FnoxTuiApp

T = TypeVar("T")

ENCRYPT = "encrypt"  # the worker group of the forms' jobs (exclusive: one at a time)


def run_job(
    app: FnoxTuiApp,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    *,
    group: str = ENCRYPT,
    exclusive: bool = True,
) -> Worker[None]:
    """Run ``work`` in a thread worker of the app; ``done(result)`` or ``failed(error)`` then
    run on the UI thread, unless the worker was cancelled (another job of the same exclusive
    group, or the form gone)."""

    def body() -> None:
        worker = get_current_worker()
        try:
            result = work()
        except Exception as error:
            if not worker.is_cancelled:
                app.call_from_thread(failed, error)
            return
        if not worker.is_cancelled:
            app.call_from_thread(done, result)

    return app.run_worker(body, group=group, thread=True, exclusive=exclusive, exit_on_error=False)


def staged_changes(app: FnoxTuiApp) -> ChangeSet:
    """Everything staged so far, oldest first."""
    return app.staged


def stage(app: FnoxTuiApp, changes: Sequence[Change], description: str = "") -> None:
    """Ask the app to stage ``changes`` as one step (checked against the staged ones first)."""
    app.post_message(StageChanges(changes, description))


def resolver(app: FnoxTuiApp) -> SecretResolver:
    """The resolver of the loaded workspace (call it from the worker thread: it may import
    boto3 the first time)."""
    return app.resolver


def revealed(app: FnoxTuiApp, secret: EffectiveSecret) -> str | None:
    """The secret's value if it is revealed now (never resolved just for a form)."""
    return app.plaintext.get(secret.key)
