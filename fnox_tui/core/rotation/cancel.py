"""Cancellation: a flag polled between calls (a threading.Event or any callable)."""

from __future__ import annotations

import threading
from collections.abc import Callable

CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """Raised between two calls of a row once cancel was asked; the row goes back to pending."""


def as_check(cancel: threading.Event | CancelCheck | None) -> CancelCheck:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def raise_if(cancelled: CancelCheck) -> None:
    if cancelled():
        raise Cancelled
