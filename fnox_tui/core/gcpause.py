"""Keep Python's cyclic garbage collector from stalling the app over a large workspace.

A workspace of hundreds of thousands of secrets is millions of objects that live until the
next reload. A full collection walks every one of them, with every thread stopped (half a
second and more), and while such a workspace is built, full collections run again and again
though it makes no garbage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# From this many secrets (over all profiles) a workspace is set aside from collections.
LARGE_WORKSPACE = 20_000


@contextmanager
def building_long_lived() -> Iterator[None]:
    """No collections while the block makes objects that will live on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def no_full_collections() -> Iterator[None]:
    """Only the young generations are collected while the block runs (it makes many objects
    that live on, so full collections would come often and take long)."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, 1_000_000))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


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
