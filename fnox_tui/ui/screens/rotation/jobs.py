"""Work for the walkthrough runs in threads that belong to the app (group ``rotation``).

Workers belong to the node that starts them; a rotation must not stop because its screen was
popped, so every job is a worker of the app. Its answer reaches the screen on the UI thread
through ``call_from_thread``; the screen ignores answers that arrive after it went away.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from textual.worker import Worker

from fnox_tui.core.errors import FnoxTuiError
from fnox_tui.core.providers.base import ProviderError

GROUP = "rotation"
T = TypeVar("T")


def explain(error: BaseException) -> str:
    """A failure in a sentence: our own errors say what happened; anything else only its type
    (its text could hold anything)."""
    if isinstance(error, ProviderError):
        return f"{error.message} {error.hint}".strip()
    if isinstance(error, FnoxTuiError):
        return str(error)
    return f"fnox-tui failed unexpectedly ({type(error).__name__}); nothing was written."


def run_job(
    app: Any,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    *,
    name: str = "",
) -> Worker[None]:
    """Run ``work`` in a thread worker of ``app``; ``done(result)`` or ``failed(error)`` then
    runs on the UI thread."""

    def job() -> None:
        try:
            result = work()
        except Exception as error:  # handed to the screen, which explains it
            _deliver(app, failed, error)
            return
        _deliver(app, done, result)

    return app.run_worker(job, name=name, group=GROUP, thread=True, exit_on_error=False)


def _deliver(app: Any, callback: Callable[[Any], None], value: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the app has stopped: nobody to tell
        app.call_from_thread(callback, value)
