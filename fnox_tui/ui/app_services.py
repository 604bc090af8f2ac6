"""What the forms ask of the app, in one place: run a job on the app, read and stage changes.

Workers belong to the node that starts them, and a form may close before its job ends, so a
form's encryption runs on the app (the controller's ``run_job``); its answer reaches the
callbacks the form gave, on the UI thread, unless the job was cancelled meanwhile. Staged
changes go to the app only through :func:`stage` (a
:class:`~fnox_tui.ui.messages.StageChanges` request).

The forms know the app only through the :class:`Host` protocol here: a screen other than the
main one never imports the app, the controller or the main screen (an import-linter contract).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker

from fnox_tui.core.changes import Change, ChangeSet
from fnox_tui.core.loader import WorkspaceSource
from fnox_tui.core.model import EffectiveSecret, Workspace
from fnox_tui.core.plaintext import PlaintextStore
from fnox_tui.core.staging import Staging
from fnox_tui.ui.messages import StageChanges

if TYPE_CHECKING:
    from fnox_tui.core.resolver import SecretResolver
    from fnox_tui.core.save_verify import ExpectedValue

T = TypeVar("T")

ENCRYPT = "encrypt"  # the worker group of the forms' jobs (exclusive: one at a time)


class Controls(Protocol):
    """The controller, as the forms use it."""

    plaintext: PlaintextStore
    staging: Staging

    @property
    def resolver(self) -> SecretResolver: ...

    def run_job(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None] | None = None,
        *,
        group: str = ...,
        exclusive: bool = ...,
    ) -> Worker[Any]: ...

    def subscribe(self, node: MessagePump) -> None: ...

    def unsubscribe(self, node: MessagePump) -> None: ...


class Host(Protocol):
    """The app, as the forms use it (``FnoxTuiApp`` is one)."""

    controller: Controls
    source: WorkspaceSource

    @property
    def workspace(self) -> Workspace | None: ...

    def post_message(self, message: Message) -> bool: ...


def host(app: App[Any]) -> Host:
    return cast(Host, app)


def run_job(
    app: App[Any],
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    *,
    group: str = ENCRYPT,
    exclusive: bool = True,
) -> Worker[T]:
    """Run ``work`` in a thread worker of the app; ``done(result)`` or ``failed(error)`` then
    run on the UI thread (nothing when the worker was cancelled: another job of the same
    exclusive group, or the form gone)."""
    return host(app).controller.run_job(work, done, failed, group=group, exclusive=exclusive)


def staged_changes(app: App[Any]) -> ChangeSet:
    """Everything staged so far, oldest first."""
    return host(app).controller.staging.changeset


def stage(
    app: App[Any],
    changes: Sequence[Change],
    description: str = "",
    expected: Sequence[ExpectedValue] = (),
) -> None:
    """Ask the app to stage ``changes`` as one step (checked against the staged ones first);
    ``expected``: what each value entered must decrypt to once saved."""
    app.post_message(StageChanges(changes, description, expected))


def resolver(app: App[Any]) -> SecretResolver:
    """The resolver of the loaded workspace (call it from the worker thread: it may import
    boto3 the first time)."""
    return host(app).controller.resolver


def revealed(app: App[Any], secret: EffectiveSecret) -> str | None:
    """The secret's value if it is revealed now (never resolved just for a form)."""
    return host(app).controller.plaintext.get(secret.key)


def subscribe(app: App[Any], node: MessagePump) -> None:
    """Let ``node`` hear the controller's notifications (ValuesChanged...)."""
    host(app).controller.subscribe(node)


def unsubscribe(app: App[Any], node: MessagePump) -> None:
    host(app).controller.unsubscribe(node)


def environ(app: App[Any]) -> dict[str, str]:
    """The environment fnox-tui resolves with (the process's unless the source gives one)."""
    import os

    given = host(app).source.environ
    return dict(os.environ if given is None else given)
