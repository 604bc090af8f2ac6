"""Key-to-paint timing for a running (headless) fnox-tui app.

``pilot.press`` is no latency probe: it returns only after Textual's ``wait_for_idle``, which
sleeps 20 ms at least twice and, while worker threads burn CPU, up to a second. Instead a key is
posted the way the terminal driver posts it, and two moments are taken from the tree itself:
when ``cursor_line`` changed (the key was processed) and when the tree was next rendered after
that (the frame that shows it was painted). ``PaintWatch`` wraps ``render_lines`` and
``watch_cursor_line`` on the tree class to see them; it changes nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from dataclasses import dataclass
from typing import Any

from _common import percentile


@dataclass(frozen=True, slots=True)
class KeyTiming:
    processed: float  # seconds from posting the key to cursor_line changing
    painted: float  # seconds from posting the key to the next render of the tree
    cpu: float  # process CPU seconds over the same span (all threads)


class PaintWatch:
    """Sees every render of a Tree class and every cursor move."""

    def __init__(self) -> None:
        self.renders = 0
        self.first_render: float | None = None  # time.monotonic()
        self.ready_paint: float | None = None  # first render where ``ready(tree)`` held
        self.ready: Any = None  # callable(tree) -> bool
        self._moved: float | None = None  # perf_counter of the last cursor move
        self._waiting: asyncio.Event | None = None

    def install(self, tree_class: Any, cursor_watcher: str = "watch_cursor_line") -> None:
        """Wrap ``tree_class``'s ``render_lines`` and its cursor watcher (``watch_cursor_line``
        for a Tree, ``watch_cursor_coordinate`` for a DataTable)."""
        watch = self
        render_lines = tree_class.render_lines
        watch_cursor_line = getattr(tree_class, cursor_watcher)

        def rendered(tree: Any, crop: Any) -> Any:
            strips = render_lines(tree, crop)
            watch._on_render(tree)
            return strips

        def moved(tree: Any, previous_line: int, line: int) -> None:
            watch._moved = time.perf_counter()
            watch_cursor_line(tree, previous_line, line)

        tree_class.render_lines = rendered
        setattr(tree_class, cursor_watcher, moved)

    def _on_render(self, tree: Any) -> None:
        now = time.monotonic()
        self.renders += 1
        if self.first_render is None:
            self.first_render = now
        if self.ready_paint is None and self.ready is not None and self.ready(tree):
            self.ready_paint = now
        if self._waiting is not None and self._moved is not None:
            self._waiting.set()

    async def press(self, app: Any, key: str, timeout: float = 10.0) -> KeyTiming:
        """Post ``key`` (one that moves the tree's cursor) and wait until it is painted."""
        self._moved = None
        self._waiting = event = asyncio.Event()
        started, cpu_started = time.perf_counter(), time.process_time()
        post_key(app, key)
        try:
            await asyncio.wait_for(event.wait(), timeout)
        finally:
            self._waiting = None
        painted = time.perf_counter()
        moved = self._moved if self._moved is not None else painted
        return KeyTiming(moved - started, painted - started, time.process_time() - cpu_started)


def post_key(app: Any, key: str) -> None:
    """Send a key event to the app as its driver would (what ``pilot.press`` does, unwaited)."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


def summary_ms(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile(samples, 0.95) * 1000,
        "max_ms": max(samples) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
    }


class Heartbeat:
    """Measures event-loop stalls: how late a 5 ms sleep wakes up."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.gaps: list[float] = []
        self.at: list[float] = []  # perf_counter when each gap ended
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(self.period)
            now = time.perf_counter()
            self.gaps.append(now - last)
            self.at.append(now)
            last = now

    def worst(self, since: float, count: int = 3) -> list[tuple[float, float]]:
        """The ``count`` longest gaps as (gap, seconds after ``since`` it ended), longest first."""
        return sorted(
            ((g, t - since) for g, t in zip(self.gaps, self.at, strict=True)), reverse=True
        )[:count]

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
