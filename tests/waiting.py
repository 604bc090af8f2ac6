"""Waiting in Pilot tests: for a condition, never for a fixed time.

``until`` lets the app run (``pilot.pause``) until ``condition()`` holds and fails with the
thing it waited for after ``seconds``: a loaded machine makes a test slower, never red. The
helpers of each test area call it with their own deadline.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot


async def until(
    pilot: Pilot[Any],
    condition: Callable[[], object],
    what: str = "",
    seconds: float = 60.0,
    *,
    poll: float = 0.02,
    each: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Wait until ``condition()`` holds; ``each`` is awaited between two looks."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        if each is not None:
            await each()
        await pilot.pause(poll)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker end, then the app process what they posted and paint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
