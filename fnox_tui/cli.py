"""The ``fnox-tui`` command line."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fnox_tui import __version__
from fnox_tui.core.clipboard import parse_timeout
from fnox_tui.core.errors import ConfigNotFoundError, ConfigReadError, ConfigSyntaxError
from fnox_tui.core.gcpause import end_start_up_pause, pause_for_start_up
from fnox_tui.core.limiter import DEFAULT_CONCURRENCY

EXIT_NO_CONFIG = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports ctrl+c
# After the app has exited, how long threads it started get to finish before the process
# ends without them (a KMS call to an endpoint that never answers, a read that never returns).
THREAD_GRACE_SECONDS = 0.25

NO_CONFIG_HELP = """\
fnox-tui: {reason}

fnox keeps secrets in a fnox.toml file that lives in your project and is committed to git.
Create one with `fnox init` (or write it by hand: a [providers] table naming how values are
encrypted or where they are stored, and a [secrets] table with one entry per secret), then run
fnox-tui from that directory or point it at a file with `fnox-tui -c path/to/fnox.toml`. To look
around first, `fnox-tui --demo` opens a sample workspace that needs no account or key.
"""


def _clipboard_seconds(text: str) -> float:
    try:
        seconds = parse_timeout(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return 0.0 if seconds is None else seconds


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 64:
        raise argparse.ArgumentTypeError("choose between 1 and 64")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("seconds cannot be negative")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fnox-tui",
        description="A terminal UI for the secrets fnox keeps in fnox.toml.",
    )
    parser.add_argument(
        "-c",
        "--config",
        metavar="PATH",
        help="load only this file, its imports and the global config "
        "(default: search fnox.toml files from here upward)",
    )
    parser.add_argument(
        "-P",
        "--profile",
        action="append",
        metavar="PROFILE",
        help="active profile (comma list allowed; default: $FNOX_PROFILE or 'default')",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a sample workspace with an embedded KMS emulator (no account needed)",
    )
    parser.add_argument(
        "--clipboard-timeout",
        type=_clipboard_seconds,
        metavar="SECONDS",
        help="clear a copied value from the clipboard after this long "
        "(default: $FNOX_TUI_CLIPBOARD_TIMEOUT or 45; 0 never clears)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_positive_seconds,
        metavar="SECONDS",
        help="forget revealed values after this long without a key press (default: 300)",
    )
    parser.add_argument(
        "--concurrency",
        type=_workers,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help="how many values V resolves at once at most (default: "
        f"{DEFAULT_CONCURRENCY}); fewer while AWS throttles",
    )
    parser.add_argument("--version", action="version", version=f"fnox-tui {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The command. Returns the exit status, or ends the process at once when threads the app
    started are still blocked once it has exited and cleaned up (terminal, clipboard, demo)."""
    threads_before = set(threading.enumerate())
    pause_for_start_up()  # until the first frame (the main screen ends it)
    try:
        status = _main(argv)
    except KeyboardInterrupt:  # ctrl+c before the app started or after it ended
        sys.stderr.write("fnox-tui: interrupted\n")
        status = EXIT_INTERRUPTED
    finally:
        end_start_up_pause()  # the app never painted (no file, an error before the screen)
    end_if_threads_linger(status, threads_before)
    return status


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    if args.demo:
        return _run_demo(args)
    return _run(args, Path.cwd(), args.config)


def end_if_threads_linger(
    status: int,
    threads_before: Iterable[threading.Thread],
    grace: float = THREAD_GRACE_SECONDS,
    end_process: Callable[[int], None] = os._exit,
) -> None:
    """End the process with ``status`` now if threads started since ``threads_before`` are
    still running after ``grace`` seconds; Python would otherwise wait for them at exit."""
    before = set(threads_before)
    try:
        deadline = time.monotonic() + grace
        for thread in threading.enumerate():
            if thread in before or thread.daemon or thread is threading.current_thread():
                continue
            thread.join(max(0.0, deadline - time.monotonic()))
        lingering = [
            thread
            for thread in threading.enumerate()
            if thread not in before and not thread.daemon and thread.is_alive()
        ]
    except KeyboardInterrupt:
        lingering, status = [threading.current_thread()], EXIT_INTERRUPTED
    if lingering:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        end_process(status)


def _run(args: argparse.Namespace, cwd: Path, config: str | None, welcome: str = "") -> int:
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.core.parse_ahead import parse_ahead

    source = WorkspaceSource(cwd=cwd, config=config, profiles=tuple(args.profile or ()))
    workspace = None
    error = None
    # Large files are parsed by a child process while this one imports the UI library.
    ahead = parse_ahead(source)
    try:
        if ahead is not None:
            import fnox_tui.ui.app  # noqa: F401
        workspace = source.load(parsed=None if ahead is None else ahead.take())
    except ConfigNotFoundError as missing:
        sys.stderr.write(NO_CONFIG_HELP.format(reason=missing))
        return EXIT_NO_CONFIG
    except (ConfigSyntaxError, ConfigReadError) as failure:
        error = failure
    finally:
        if ahead is not None:
            ahead.close()

    from fnox_tui.ui.app import AppSettings, FnoxTuiApp
    from fnox_tui.ui.runner import run_app

    settings = AppSettings(
        idle_seconds=args.idle_timeout if args.idle_timeout is not None else 300.0,
        clipboard_timeout=args.clipboard_timeout,
        concurrency=args.concurrency,
        welcome=welcome,
    )
    app = FnoxTuiApp(source, workspace=workspace, error=error, settings=settings)
    # However the app ends, a value we copied does not stay on the clipboard and the
    # terminal is left as it was (see ui.runner).
    return run_app(app)


def _run_demo(args: argparse.Namespace) -> int:
    from fnox_tui.core.demo import DemoEnvironment, DemoError

    sys.stderr.write("fnox-tui: starting the demo (a local KMS emulator and a sample file)…\n")
    try:
        with DemoEnvironment() as demo:
            return _run(args, demo.workspace, None, welcome=demo.banner)
    except DemoError as error:
        sys.stderr.write(f"fnox-tui: the demo could not start: {error}\n")
        return 1
