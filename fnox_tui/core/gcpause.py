"""Keep Python's cyclic garbage collector from stalling the app over a large workspace.

A workspace of hundreds of thousands of secrets is millions of objects that live until the
next reload. A full collection walks every one of them, with every thread stopped (half a
second and more), and while such a workspace is built, full collections run again and again
though it makes no garbage.

The settings are the process's: blocks on several threads at once (a reload while values
resolve) nest, and the collector is set back when the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

# From this many secrets (over all profiles) a workspace is set aside from collections.
LARGE_WORKSPACE = 20_000

_lock = threading.Lock()
_building = 0  # blocks in building_long_lived
_was_enabled = True
_resolving = 0  # blocks in no_full_collections
_threshold: tuple[int, int, int] = gc.get_threshold()
_start_up: AbstractContextManager[None] | None = None  # from process start to the first frame


@contextmanager
def building_long_lived() -> Iterator[None]:
    """No collections while the block makes objects that will live on."""
    global _building, _was_enabled
    with _lock:
        if _building == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _building += 1
    try:
        yield
    finally:
        with _lock:
            _building -= 1
            if _building == 0 and _was_enabled:
                gc.enable()


@contextmanager
def no_full_collections() -> Iterator[None]:
    """Only the young generations are collected while the block runs (it makes many objects
    that live on, so full collections would come often and take long)."""
    global _resolving, _threshold
    with _lock:
        if _resolving == 0:
            _threshold = gc.get_threshold()
            young, middle, old = _threshold
            gc.set_threshold(young, middle, max(old, 1_000_000))
        _resolving += 1
    try:
        yield
    finally:
        with _lock:
            _resolving -= 1
            if _resolving == 0:
                gc.set_threshold(*_threshold)


def set_aside_long_lived() -> None:
    """Leave everything alive now out of later full collections (``gc.freeze``).

    When something was set aside before (a reload), one full collection runs first, so what
    has become garbage since, such as the previous workspace, is freed rather than kept.
    """
    if gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def set_aside_new() -> None:
    """Add what is alive now to what is set aside, without a full collection first: garbage
    with reference cycles among it waits for the next set_aside_long_lived."""
    gc.freeze()


def pause_for_start_up() -> None:
    """No collections from here to :func:`end_start_up_pause` (the first frame): start-up
    makes objects that live on (modules, classes, the workspace, the widgets) and hardly any
    garbage, and the collections it would otherwise run cost it several percent."""
    global _start_up
    if _start_up is None:
        _start_up = building_long_lived()
        _start_up.__enter__()


def end_start_up_pause() -> None:
    """Set aside what start-up made (``gc.freeze``: later full collections skip it) and let
    the collector run again. Does nothing when no start-up pause is on."""
    global _start_up
    block, _start_up = _start_up, None
    if block is not None:
        set_aside_new()
        block.__exit__(None, None, None)
