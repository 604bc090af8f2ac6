"""Let the UI thread have the interpreter sooner while many threads work (`V`).

CPython hands the interpreter lock from a busy thread to a waiting one every "switch
interval" (5 ms by default). While `V` keeps dozens of threads parsing answers and signing
requests, a key waits for its turn behind several of them: 5 ms each. A shorter interval
while they run keeps keys answered; the cost is a little more switching.

The setting is the process's: blocks on several threads at once nest, and the interval is set
back when the last one ends.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BUSY_SWITCH_INTERVAL = 0.001  # seconds

_lock = threading.Lock()
_depth = 0
_previous = sys.getswitchinterval()


@contextmanager
def quick_switching(interval: float = BUSY_SWITCH_INTERVAL) -> Iterator[None]:
    """The interpreter switches threads at most every ``interval`` seconds in the block."""
    global _depth, _previous
    with _lock:
        if _depth == 0:
            _previous = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _previous))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.setswitchinterval(_previous)
