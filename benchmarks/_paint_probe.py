"""Child process of bench_first_paint.py: start fnox-tui headless, report when the tree is painted.

Builds the app the way ``fnox-tui`` does (load the workspace, then ``FnoxTuiApp``), runs it with
``run_test`` and waits for the first frame in which the tree shows the workspace with the cursor
on the active profile, expanded. It then prints ``PAINTED {json}`` on stdout (the parent times
that line from its Popen), presses ``down`` to measure key-to-paint latency, and prints
``RESULT {json}`` before it exits.

Timestamps are ``time.monotonic()`` values, which on Linux share one clock across processes, so
the parent can place every stage relative to its Popen.

With ``--reveal-all`` it then presses ``V`` on the active profile and, while the values
resolve, times keys: ``down``/``up`` every 100 ms (key to processed, key to painted) and ``?``
every second (key to the help screen being shown; ``escape`` closes it again). It prints
``REVEAL {json}`` once every value has resolved.

    python benchmarks/_paint_probe.py DIR [--moves 200] [--pilot-moves 50] [--reveal-all]
        [--profile-out FILE [--profile-phase startup|moves|reveal]]
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

from _ui_timing import Heartbeat, PaintWatch, post_key, summary_ms  # noqa: E402

PAINT_TIMEOUT_SECONDS = 120.0
REVEAL_TIMEOUT_SECONDS = 600.0
MOVE_INTERVAL = 0.1
HELP_INTERVAL = 1.0


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
        if args.reveal_all:
            if profiler is not None and args.profile_phase == "reveal":
                profiler.enable()
            emit("REVEAL", await reveal_all(app, watch, active))
            if profiler is not None and args.profile_phase == "reveal":
                profiler.disable()


async def reveal_all(app: Any, watch: PaintWatch, profile: str) -> dict[str, Any]:
    """``V`` on ``profile``; keys timed while its values resolve."""
    from fnox_tui.ui.screens.help import HelpScreen

    tree = app.main.tree
    tree.jump_to_profile(profile)
    while tree.cursor_node is None or tree.cursor_node.data.__class__.__name__ != "ProfileNode":
        await asyncio.sleep(0.01)
    total = len(app.workspace.profiles[profile].secrets)
    heartbeat = Heartbeat()
    heartbeat.start()
    moves: list[Any] = []
    helps: list[float] = []
    started = time.perf_counter()
    post_key(app, "V")
    # Browse among the secrets, off the profile row (see bench_reveal_all.py).
    await asyncio.sleep(MOVE_INTERVAL)
    post_key(app, "down")
    post_key(app, "down")
    keys = ("down", "up")
    next_help = time.perf_counter() + HELP_INTERVAL
    count = 0

    def resolved() -> int:
        return len(app.plaintext) + len(app.values.failures)

    while resolved() < total:
        if time.perf_counter() - started > REVEAL_TIMEOUT_SECONDS:
            raise TimeoutError(f"only {resolved()}/{total} values after {REVEAL_TIMEOUT_SECONDS} s")
        if time.perf_counter() >= next_help:
            asked = time.perf_counter()
            post_key(app, "question_mark")
            while not isinstance(app.screen, HelpScreen):
                await asyncio.sleep(0.001)
            helps.append(time.perf_counter() - asked)
            post_key(app, "escape")
            while isinstance(app.screen, HelpScreen):
                await asyncio.sleep(0.001)
            next_help = time.perf_counter() + HELP_INTERVAL
        else:
            moves.append(await watch.press(app, keys[count % 2]))
            count += 1
        await asyncio.sleep(MOVE_INTERVAL)
    elapsed = time.perf_counter() - started
    await heartbeat.stop()
    return {
        "secrets": total,
        "seconds": elapsed,
        "failed": len(app.values.failures),
        "key_to_paint": summary_ms([t.painted for t in moves]) if moves else None,
        "key_to_cursor": summary_ms([t.processed for t in moves]) if moves else None,
        "help_shown": summary_ms(helps) if helps else None,
        "loop_stall": summary_ms(heartbeat.gaps) if heartbeat.gaps else None,
        "worst_stalls": heartbeat.worst(started),
        "maxrss_mb": maxrss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="fnox-tui first-paint probe")
    parser.add_argument("dir", help="directory holding fnox.toml")
    parser.add_argument("--profile", help="-P for fnox-tui (comma list)")
    parser.add_argument("--moves", type=int, default=200, help="down presses to time")
    parser.add_argument("--pilot-moves", type=int, default=0, help="pilot.press presses to time")
    parser.add_argument("--profile-out", help="write a cProfile of one phase here")
    parser.add_argument(
        "--reveal-all", action="store_true", help="then V, with keys timed while values resolve"
    )
    parser.add_argument(
        "--profile-phase",
        choices=("startup", "moves", "reveal"),
        default="startup",
        help="profile start-up to first paint, the timed down presses, or the reveal",
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
