"""Child process of bench_first_paint.py: start fnox-tui headless, report when the tree is painted.

Builds the app the way ``fnox-tui`` does (load the workspace, then ``FnoxTuiApp``), runs it with
``run_test`` and waits for the first frame in which the tree shows the workspace with the cursor
on the active profile, expanded. It then prints ``PAINTED {json}`` on stdout (the parent times
that line from its Popen), presses ``down`` to measure key-to-paint latency, and prints
``RESULT {json}`` before it exits.

Timestamps are ``time.monotonic()`` values, which on Linux share one clock across processes, so
the parent can place every stage relative to its Popen.

    python benchmarks/_paint_probe.py DIR [--moves 200] [--pilot-moves 50]
        [--profile-out FILE [--profile-phase startup|moves]]
"""

from __future__ import annotations

import time

T_START = time.monotonic()  # before anything else: the end of interpreter start-up

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from _ui_timing import PaintWatch, summary_ms  # noqa: E402

PAINT_TIMEOUT_SECONDS = 60.0


def emit(kind: str, payload: dict[str, Any]) -> None:
    # os.write: Textual may redirect sys.stdout while the app runs.
    os.write(1, f"{kind} {json.dumps(payload)}\n".encode())


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def run(args: argparse.Namespace) -> None:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp
    from fnox_tui.ui.widgets.secret_tree import ProfileNode, SecretTree

    t_imported = time.monotonic()
    watch = PaintWatch()
    watch.install(SecretTree)

    profiles = tuple(args.profile.split(",")) if args.profile else ()
    source = WorkspaceSource(cwd=Path(args.dir).resolve(), profiles=profiles)
    workspace = source.load()
    t_loaded = time.monotonic()
    app = FnoxTuiApp(source, workspace=workspace)
    active = workspace.active_profile

    def ready(tree: Any) -> bool:
        """The workspace is shown, the cursor on the active profile, which is expanded."""
        node = tree.cursor_node
        return (
            tree.workspace is not None
            and tree.last_line > 0
            and node is not None
            and isinstance(node.data, ProfileNode)
            and node.data.profile == active
            and node.is_expanded
            and len(node.children) > 0
        )

    watch.ready = ready
    async with app.run_test(size=(120, 36)) as pilot:
        t_running = time.monotonic()
        tree = app.main.tree
        deadline = time.monotonic() + PAINT_TIMEOUT_SECONDS
        while watch.ready_paint is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the tree was not painted within {PAINT_TIMEOUT_SECONDS} s")
            await pilot.pause()
        t_seen = time.monotonic()
        profiler = args.profiler
        if profiler is not None and args.profile_phase == "startup":
            profiler.disable()
        emit(
            "PAINTED",
            {
                "t_start": T_START,
                "t_imported": t_imported,
                "t_loaded": t_loaded,
                "t_running": t_running,
                "t_first_render": watch.first_render,
                "t_painted": watch.ready_paint,
                "t_seen": t_seen,
                "maxrss_mb": maxrss_mb(),
                "tree_lines": tree.last_line + 1,
                "profiles": len(workspace.profiles),
                "secrets": sum(len(view.secrets) for view in workspace.profiles.values()),
                "files": len(workspace.files),
                "problems": len(workspace.problems),
            },
        )

        if profiler is not None and args.profile_phase == "moves":
            profiler.enable()
        rebuilds_before = tree.rebuilds
        timings = [await watch.press(app, "down") for _ in range(args.moves)]
        if profiler is not None and args.profile_phase == "moves":
            profiler.disable()

        # The same through pilot.press, for comparison: it also waits for the process to look
        # idle (Textual's wait_for_idle sleeps 20 ms at least twice per key).
        pilot_times: list[float] = []
        for _ in range(args.pilot_moves):
            started = time.perf_counter()
            await pilot.press("down")
            pilot_times.append(time.perf_counter() - started)
        await pilot.pause()
        emit(
            "RESULT",
            {
                "key_to_paint": summary_ms([t.painted for t in timings]),
                "key_to_cursor": summary_ms([t.processed for t in timings]),
                "cpu_per_key": summary_ms([t.cpu for t in timings]),
                "pilot_press": summary_ms(pilot_times),
                "cursor_line": tree.cursor_line,
                "rebuilds_before": rebuilds_before,
                "rebuilds_after": tree.rebuilds,
                "renders": watch.renders,
                "maxrss_mb": maxrss_mb(),
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="fnox-tui first-paint probe")
    parser.add_argument("dir", help="directory holding fnox.toml")
    parser.add_argument("--profile", help="-P for fnox-tui (comma list)")
    parser.add_argument("--moves", type=int, default=200, help="down presses to time")
    parser.add_argument("--pilot-moves", type=int, default=0, help="pilot.press presses to time")
    parser.add_argument("--profile-out", help="write a cProfile of one phase here")
    parser.add_argument(
        "--profile-phase",
        choices=("startup", "moves"),
        default="startup",
        help="profile start-up to first paint, or the timed down presses",
    )
    args = parser.parse_args()
    args.profiler = None
    if args.profile_out:
        import cProfile

        args.profiler = cProfile.Profile()
        if args.profile_phase == "startup":
            args.profiler.enable()
    asyncio.run(run(args))
    if args.profiler is not None:
        args.profiler.dump_stats(args.profile_out)


if __name__ == "__main__":
    main()
