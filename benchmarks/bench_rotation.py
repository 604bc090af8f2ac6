"""Key rotation of N aws-kms secrets: fnox-tui's engine against ``fnox reencrypt -f``.

Starts ``moto_server`` and ``latency_proxy.py`` in front of it (20 ms per request by default),
creates the old key, N secrets encrypted under it (fnox.toml, provider ``endpoint`` = the
proxy) and a new key, then measures, alternately, --repeat times each:

  (a) ``fnox reencrypt -f`` on a fresh copy of the file: a Decrypt and an Encrypt per secret
      with the current key, no verification (what fnox offers; it cannot change the key);
  (b) fnox-tui's engine on the same file, in this process: load + plan + journal +
      ``Rotation.run`` (ReEncrypt to the new key, then a verifying Decrypt with the new key,
      per secret). All N new ciphertexts are then checked against the plaintexts (not timed).

Then (c), --ui-repeat times: the same rotation through the walkthrough screen in a headless app
(paste the new key, plan, re-encrypt and verify), which re-encrypts in its worker process
(``core.rotation.process_runner``; --ui-in-process: on threads of the app, as before;
--ui-compare: both, alternately), with a key sent to the screen every --move-interval seconds
while it re-encrypts (down/up in its table), each timed from the key to the moment the screen
processed it and to the next paint of the table; with the CPU the app, the worker and
moto_server spent per request meanwhile.

It then profiles the client side of (b): CPU per KMS request (and moto_server's), and with
cProfile where botocore spends it. Figures are printed, with the load average; nothing is
asserted. Every side talks to the same moto_server through the same proxy.

    python benchmarks/bench_rotation.py [--secrets 1000] [--delay-ms 20] [--repeat 3]
        [--concurrency 32] [--profile-top 25] [--move-interval 0.05] [--no-ui]
        [--ui-repeat 1] [--ui-compare | --ui-in-process] [--ui-only] [--profile-only]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

from _common import REPO, fnox_binary, hermetic_env, median, percentile, print_table, verdict
from _ui_timing import Heartbeat, KeyTiming, PaintWatch, post_key
from bench_reveal_all import (
    AWS_ENV,
    AWS_ENV_REMOVE,
    Fixture,
    kms_client,
    make_fixture,
    start_moto,
    start_proxy,
    stop,
)
from latency_proxy import fetch_stats

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_SPEEDUP = 8.0
TARGET_KEY_MS = 50.0  # the screen answers a key within this while it re-encrypts
FNOX_TIMEOUT_SECONDS = 900
UI_TIMEOUT_SECONDS = 600.0


@dataclass(slots=True)
class EngineRun:
    seconds: float
    requests: int
    cpu_seconds: float
    output: Any = None
    moto_cpu: float = 0.0  # moto_server's CPU seconds during the run
    proxy_cpu: float = 0.0


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_copy(fixture: Fixture, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(fixture.workdir / "fnox.toml", target / "fnox.toml")
    return target


@dataclass(slots=True)
class UiRun:
    seconds: float  # from n (start re-encrypting) until every row is done and verified
    requests: int
    first_row: float = 0.0  # from n to the first row done (the step changes, threads start)
    keys: list[KeyTiming] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)  # event-loop heartbeat gaps
    output: Any = None
    runner: str = ""  # "worker process" or "in process"
    app_cpu: float = 0.0  # the app process's CPU seconds during the run (all its threads)
    worker_cpu: float = 0.0  # the worker process's CPU seconds during the run
    moto_cpu: float = 0.0


_TABLE_WATCH = PaintWatch()


async def run_walkthrough(
    proxy_url: str,
    workdir: Path,
    new_arn: str,
    concurrency: int | None,
    move_interval: float,
    *,
    isolate: bool = True,
    moto_pid: int = 0,
) -> UiRun:
    """(c): the rotation through the walkthrough of a headless app, keys sent meanwhile."""
    from textual.widgets import Input

    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import FnoxTuiApp
    from fnox_tui.ui.screens.rotation import open_rotation
    from fnox_tui.ui.screens.rotation.session import Options
    from fnox_tui.ui.screens.rotation.steps import Step
    from fnox_tui.ui.widgets.row_table import RowTable

    _TABLE_WATCH.install(RowTable, "watch_cursor")
    source = WorkspaceSource(cwd=workdir)
    app = FnoxTuiApp(source, workspace=source.load())
    async with app.run_test(size=(120, 36)) as pilot:

        async def until(condition: Any, what: str) -> None:
            deadline = time.perf_counter() + UI_TIMEOUT_SECONDS
            while not condition():
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"the walkthrough: no {what}")
                await asyncio.sleep(0.005)

        provider = next(p for p in app.workspace.providers if p.name == "kms")
        screen = open_rotation(app, provider, Options(concurrency=concurrency, isolate=isolate))
        assert screen is not None
        await until(lambda: screen.session is not None and screen.session.loaded, "step 1")
        await pilot.press("n")
        field_ = screen.query_one("#key-input", Input)
        field_.focus()
        field_.value = new_arn
        await pilot.press("enter")
        await until(lambda: not screen.busy and screen.session.target is not None, "new key")
        await pilot.press("n")  # the plan
        assert screen.step is Step.PLAN
        await app.workers.wait_for_complete()
        runner = screen.session.engine().runner
        worker_pid = getattr(runner, "pid", None)
        fetch_stats(proxy_url, reset=True)
        heartbeat = Heartbeat()
        heartbeat.start()
        app_cpu = time.process_time()
        worker_cpu = process_cpu(worker_pid) if worker_pid else 0.0
        moto_cpu = process_cpu(moto_pid) if moto_pid else 0.0
        started = time.perf_counter()
        post_key(app, "n")  # start re-encrypting
        await until(lambda: screen.session.running and screen.session.progress()[0] > 0, "start")
        first_row = time.perf_counter() - started
        done = asyncio.Event()
        keys: list[KeyTiming] = []
        mover = asyncio.create_task(_keep_moving(app, done, move_interval, keys))
        try:
            await until(lambda: not screen.busy and screen.session.complete, "end")
            elapsed = time.perf_counter() - started
            app_cpu = time.process_time() - app_cpu
            worker_cpu = (process_cpu(worker_pid) - worker_cpu) if worker_pid else 0.0
            moto_cpu = (process_cpu(moto_pid) - moto_cpu) if moto_pid else 0.0
        finally:
            done.set()
            await mover
            await heartbeat.stop()
        requests = fetch_stats(proxy_url).get("requests", 0)
        output = screen.session.rotation.output()
        screen.session.abandon()  # nothing written; the journal goes
    return UiRun(
        elapsed,
        requests,
        first_row,
        keys,
        heartbeat.gaps,
        output,
        runner="worker process" if worker_pid else "in process",
        app_cpu=app_cpu,
        worker_cpu=worker_cpu,
        moto_cpu=moto_cpu,
    )


async def _keep_moving(
    app: Any, done: asyncio.Event, interval: float, out: list[KeyTiming]
) -> None:
    keys = cycle(("down", "up"))
    next_at = time.perf_counter()
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            out.append(await _TABLE_WATCH.press(app, next(keys), timeout=5.0))
        next_at += interval
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), max(0.0, next_at - time.perf_counter()))


def run_fnox_reencrypt(
    fnox: str, proxy_url: str, workdir: Path, env: dict[str, str]
) -> tuple[float, int]:
    before = (workdir / "fnox.toml").read_text()
    fetch_stats(proxy_url, reset=True)
    started = time.perf_counter()
    result = subprocess.run(
        [fnox, "--no-color", "reencrypt", "-f"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=FNOX_TIMEOUT_SECONDS,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"fnox reencrypt failed ({result.returncode}):\n{result.stderr[-2000:]}")
    if (workdir / "fnox.toml").read_text() == before:
        raise AssertionError("fnox reencrypt left the file unchanged")
    return elapsed, fetch_stats(proxy_url).get("requests", 0)


def _plan(workdir: Path) -> Any:
    from fnox_tui.core.identity import EntryId
    from fnox_tui.core.loader import FileCache, load_workspace
    from fnox_tui.core.rotation.plan import plan_rotation

    cache = FileCache()
    workspace = load_workspace(workdir, cache=cache)
    provider = EntryId(workdir / "fnox.toml", ("providers",), "kms")
    return plan_rotation(workspace, provider, cache.files)


def run_engine(proxy_url: str, workdir: Path, new_arn: str, concurrency: int) -> EngineRun:
    from fnox_tui.core.providers.registry import ProviderRegistry
    from fnox_tui.core.rotation.execute import Rotation
    from fnox_tui.core.rotation.journal import Journal
    from fnox_tui.core.rotation.targets import KmsTarget

    registry = ProviderRegistry()
    fetch_stats(proxy_url, reset=True)
    cpu = time.process_time()
    started = time.perf_counter()
    plan = _plan(workdir)
    target = KmsTarget(new_arn, new_arn)
    journal = Journal.start(plan, target)  # as the walkthrough runs it: resumable
    rotation = Rotation(plan, target, registry.context, concurrency=concurrency, journal=journal)
    summary = rotation.run()
    elapsed = time.perf_counter() - started
    cpu_used = time.process_time() - cpu
    if not summary.complete or rotation.unverified():
        first = rotation.failed()[0].error if rotation.failed() else None
        raise AssertionError(f"engine: {summary.failed} failed, e.g. {first}")
    output = rotation.output()
    journal.discard()
    rotation.close()
    registry.close()
    return EngineRun(elapsed, fetch_stats(proxy_url).get("requests", 0), cpu_used, output)


def profile_calls(
    proxy_url: str, workdir: Path, new_arn: str, rows: int, moto_pid: int = 0
) -> dict[str, Any]:
    """Rotate values one after another on this thread: ``rows`` without a profiler (the
    client's CPU per request, no thread switching), then ``rows`` more under cProfile (a
    profiler sees one thread only) to show where that CPU goes."""
    from fnox_tui.core.providers.registry import ProviderRegistry
    from fnox_tui.core.rotation.execute import make_rotator
    from fnox_tui.core.rotation.targets import KmsTarget

    registry = ProviderRegistry()
    plan = _plan(workdir)
    rotator = make_rotator(plan, KmsTarget(new_arn, new_arn), registry.context)
    rotator.rotate(plan.rows[0], plan.route, lambda: False)  # the client is built: not timed
    plain, profiled = plan.rows[1 : 1 + rows], plan.rows[1 + rows : 1 + 2 * rows]
    fetch_stats(proxy_url, reset=True)
    moto_cpu = process_cpu(moto_pid) if moto_pid else 0.0
    cpu = time.thread_time()
    for row in plain:
        rotator.rotate(row, plan.route, lambda: False)
    cpu = time.thread_time() - cpu
    moto_cpu = (process_cpu(moto_pid) - moto_cpu) if moto_pid else 0.0
    plain_requests = fetch_stats(proxy_url).get("requests", 0)
    fetch_stats(proxy_url, reset=True)
    profile = cProfile.Profile(time.thread_time)  # CPU time, not the wait for the network
    profile.enable()
    for row in profiled:
        rotator.rotate(row, plan.route, lambda: False)
    profile.disable()
    profiled_requests = fetch_stats(proxy_url).get("requests", 0)
    rotator.close()
    registry.close()
    return {
        "cpu_per_request": cpu / max(1, plain_requests),
        "moto_per_request": moto_cpu / max(1, plain_requests),
        "plain_requests": plain_requests,
        "profile": profile,
        "profiled_requests": profiled_requests,
    }


def check_output(moto_url: str, fixture: Fixture, new_arn: str, output: Any) -> int:
    """Every new ciphertext decrypts under the new key to its plaintext (straight to moto)."""
    client = kms_client(moto_url)
    values = {entry.name: slots["value"] for entry, slots in output.values.items()}
    if set(values) != set(fixture.plaintexts):
        raise AssertionError("the engine's output does not cover every secret")

    def check(name: str) -> bool:
        blob = base64.b64decode(values[name])
        plain = client.decrypt(KeyId=new_arn, CiphertextBlob=blob)["Plaintext"].decode()
        return plain == fixture.plaintexts[name]

    with ThreadPoolExecutor(8) as pool:
        wrong = [name for name, ok in zip(values, pool.map(check, values), strict=True) if not ok]
    if wrong:
        raise AssertionError(f"{len(wrong)} rotated values are wrong, e.g. {wrong[:3]}")
    return len(values)


def botocore_profile(profile: cProfile.Profile, requests: int, top: int) -> str:
    """The functions where the client spends its CPU, per KMS request."""
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("tottime")
    rows = []
    for (filename, line, name), (_, calls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((tottime, cumtime, calls, f"{_short(filename)}:{line}({name})"))
    rows.sort(reverse=True)
    total = sum(row[0] for row in rows)
    by_package: dict[str, float] = {}
    for tottime, _, _, where in rows:
        package = where.split("/", 1)[0] if "/" in where else where.split(":", 1)[0]
        by_package[package] = by_package.get(package, 0.0) + tottime
    lines = [
        f"profiled CPU (all threads that ran under cProfile): {total:.2f} s, "
        f"{total / max(1, requests) * 1000:.2f} ms per request",
        "by package (tottime, ms per request):",
    ]
    for package, seconds in sorted(by_package.items(), key=lambda item: -item[1])[:10]:
        lines.append(f"  {package:<28} {seconds / max(1, requests) * 1000:7.3f}")
    lines.append(f"top {top} functions by tottime (ms per request, cumulative ms per request):")
    for tottime, cumtime, calls, where in rows[:top]:
        lines.append(
            f"  {tottime / max(1, requests) * 1000:7.3f} {cumtime / max(1, requests) * 1000:8.3f}"
            f"  {calls:>8}  {where}"
        )
    return "\n".join(lines)


def print_walkthrough(runs: list[UiRun], fnox_time: float | None, args: argparse.Namespace) -> None:
    """(c)'s figures for one kind of runner, pooled over its runs."""

    def ms(samples: list[float]) -> list[str]:
        if not samples:
            return ["0", "-", "-", "-"]
        return [
            str(len(samples)),
            f"{median(samples) * 1000:.1f} ms",
            f"{percentile(samples, 0.95) * 1000:.1f} ms",
            f"{max(samples) * 1000:.1f} ms",
        ]

    ui = runs[0]
    seconds = median([run.seconds for run in runs])
    requests = sum(run.requests for run in runs)
    per = 1000 / max(1, requests)
    first_row = median([run.first_row for run in runs])
    ratio = f"; fnox reencrypt / walkthrough: {fnox_time / seconds:.1f}x" if fnox_time else ""
    print(
        f"\n(c) the walkthrough (headless app, {args.ui_concurrency or 16} workers, "
        f"{ui.runner}), {len(runs)} run(s): re-encrypt + verify "
        f"{seconds:.2f} s (runs: {' '.join(f'{run.seconds:.2f}' for run in runs)}), "
        f"{ui.requests} KMS requests each{ratio}; from n to the first value done "
        f"(the step changes, the workers start): {first_row * 1000:.0f} ms\n"
        f"    CPU per KMS request during (c): the app process "
        f"{sum(r.app_cpu for r in runs) * per:.2f} ms, the worker process "
        f"{sum(r.worker_cpu for r in runs) * per:.2f} ms, moto_server "
        f"{sum(r.moto_cpu for r in runs) * per:.2f} ms"
    )
    processed = [key.processed for run in runs for key in run.keys]
    painted = [key.painted for run in runs for key in run.keys]
    print_table(
        f"Keys sent to the screen while it re-encrypts (one every {args.move_interval:g} s), "
        f"{ui.runner}",
        ["", "keys", "median", "p95", "max"],
        [
            ["key -> processed (table cursor moved)", *ms(processed)],
            ["key -> painted (next frame of the table)", *ms(painted)],
            ["event-loop stalls (5 ms heartbeat gaps)", *ms([g for r in runs for g in r.gaps])],
        ],
    )
    worsts = [max(key.processed for key in run.keys) * 1000 for run in runs if run.keys]
    worst = max(worsts) if worsts else float("inf")
    print(
        f"every key processed within {TARGET_KEY_MS:g} ms: worst {worst:.1f} ms "
        f"(per run: {' '.join(f'{w:.1f}' for w in worsts)})  {verdict(worst <= TARGET_KEY_MS)}"
    )


def _short(filename: str) -> str:
    for marker in ("site-packages/", "lib/python3"):
        if marker in filename:
            tail = filename.split(marker, 1)[1]
            return tail if marker == "site-packages/" else "stdlib/" + tail.split("/", 1)[-1]
    if "fnox_tui/" in filename:
        return "fnox_tui/" + filename.split("fnox_tui/", 1)[1]
    return filename


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", type=int, default=1000)
    parser.add_argument("--delay-ms", type=float, default=20.0, help="latency added per request")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side")
    parser.add_argument("--concurrency", type=int, default=32, help="the engine's workers")
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--profile-rows", type=int, default=100, help="values rotated serially")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--move-interval", type=float, default=0.05, help="(c): s between keys")
    parser.add_argument("--no-ui", action="store_true", help="skip (c), the walkthrough")
    parser.add_argument(
        "--profile-only", action="store_true", help="only the serial client profile"
    )
    parser.add_argument("--ui-only", action="store_true", help="only (c) (and the profile)")
    parser.add_argument("--ui-repeat", type=int, default=1, help="runs of (c)")
    parser.add_argument(
        "--ui-compare",
        action="store_true",
        help="(c) alternately with the worker process and on threads of the app",
    )
    parser.add_argument(
        "--ui-in-process",
        action="store_true",
        help="(c) re-encrypts on threads of the app, not in its worker process",
    )
    parser.add_argument(
        "--ui-concurrency", type=int, default=None, help="(c)'s workers (the walkthrough's: 16)"
    )
    args = parser.parse_args()
    uis: dict[str, list[UiRun]] = {}
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="fnox-tui-rotation-") as tmp:
        base = Path(tmp)
        fnox = str(fnox_binary())
        moto, moto_url = start_moto(base / "moto.log")
        proxy = None
        try:
            proxy, proxy_url = start_proxy(moto_url, args.delay_ms)
            aws = {**AWS_ENV, "AWS_ENDPOINT_URL": proxy_url}
            fnox_env = hermetic_env(base / "home", aws)
            for name in AWS_ENV_REMOVE:
                os.environ.pop(name, None)
            os.environ.update({k: fnox_env[k] for k in ("HOME", "FNOX_CONFIG_DIR")})
            os.environ.update(aws)

            t0 = time.perf_counter()
            fixture = make_fixture(moto_url, proxy_url, base / "fixture", args.secrets, args.seed)
            new_arn = kms_client(moto_url).create_key(Description="fnox-tui bench new")[
                "KeyMetadata"
            ]["Arn"]
            print(
                f"set-up: moto at {moto_url}, proxy at {proxy_url} (+{args.delay_ms:g} ms), "
                f"{args.secrets} secrets in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
            fnox_runs: list[tuple[float, int]] = []
            engine_runs: list[EngineRun] = []
            checked = 0
            for index in range(0 if args.profile_only or args.ui_only else args.repeat):
                workdir = fresh_copy(fixture, base / "fnox-run")
                fnox_runs.append(run_fnox_reencrypt(fnox, proxy_url, workdir, fnox_env))
                workdir = fresh_copy(fixture, base / "engine-run")
                moto_cpu, proxy_cpu = process_cpu(moto.pid), process_cpu(proxy.pid)
                engine_runs.append(run_engine(proxy_url, workdir, new_arn, args.concurrency))
                engine_runs[-1].moto_cpu = process_cpu(moto.pid) - moto_cpu
                engine_runs[-1].proxy_cpu = process_cpu(proxy.pid) - proxy_cpu
                checked = check_output(moto_url, fixture, new_arn, engine_runs[-1].output)
                print(
                    f"round {index + 1}/{args.repeat}: fnox reencrypt {fnox_runs[-1][0]:.2f} s, "
                    f"fnox-tui rotation {engine_runs[-1].seconds:.2f} s",
                    file=sys.stderr,
                )
            kinds = [not args.ui_in_process]
            if args.ui_compare:
                kinds = [True, False]
            for index in range(0 if args.no_ui or args.profile_only else args.ui_repeat):
                for isolate in kinds:
                    workdir = fresh_copy(fixture, base / "walkthrough")
                    ui = asyncio.run(
                        run_walkthrough(
                            proxy_url,
                            workdir,
                            new_arn,
                            args.ui_concurrency,
                            args.move_interval,
                            isolate=isolate,
                            moto_pid=moto.pid,
                        )
                    )
                    check_output(moto_url, fixture, new_arn, ui.output)
                    ui.output = None
                    uis.setdefault(ui.runner, []).append(ui)
                    print(
                        f"walkthrough {index + 1}/{args.ui_repeat} ({ui.runner}): "
                        f"{ui.seconds:.2f} s, worst key "
                        f"{max((k.processed for k in ui.keys), default=0) * 1000:.1f} ms",
                        file=sys.stderr,
                    )
            workdir = fresh_copy(fixture, base / "engine-profiled")
            rows = 0 if args.ui_only else args.profile_rows
            serial = profile_calls(proxy_url, workdir, new_arn, rows, moto.pid)
        finally:
            if proxy is not None:
                stop(proxy)
            stop(moto)

    if not args.ui_only:
        print(
            f"serial, one thread, no profiler: {serial['cpu_per_request'] * 1000:.2f} ms of client "
            f"CPU per KMS request ({serial['plain_requests']} requests); moto_server "
            f"{serial['moto_per_request'] * 1000:.2f} ms of CPU per request"
        )
        print(f"\nUnder cProfile ({serial['profiled_requests']} requests, serial):")
        print(botocore_profile(serial["profile"], serial["profiled_requests"], args.profile_top))
    if args.profile_only:
        return 0
    load_after = os.getloadavg()
    print(
        "load average (1, 5, 15 min) before: "
        + ", ".join(f"{v:.2f}" for v in load_before)
        + "; after: "
        + ", ".join(f"{v:.2f}" for v in load_after)
    )
    if args.ui_only:
        for runs in uis.values():
            print_walkthrough(runs, None, args)
        return 0

    fnox_time = median([seconds for seconds, _ in fnox_runs])
    engine_time = median([run.seconds for run in engine_runs])
    speedup = fnox_time / engine_time
    cpu_per_request = median([run.cpu_seconds / max(1, run.requests) for run in engine_runs])

    def runs_text(values: list[float]) -> str:
        return " ".join(f"{value:.2f}" for value in values)

    print_table(
        f"Rotation: {args.secrets} aws-kms secrets, moto_server behind a proxy adding "
        f"{args.delay_ms:g} ms per request",
        ["", "median", "runs (s)", "KMS requests"],
        [
            ["(a) fnox reencrypt -f (current key, no verification)", f"{fnox_time:.2f} s",
             runs_text([s for s, _ in fnox_runs]), "/".join(str(n) for _, n in fnox_runs)],
            [f"(b) fnox-tui rotation, ReEncrypt + verify ({args.concurrency} workers)",
             f"{engine_time:.2f} s", runs_text([r.seconds for r in engine_runs]),
             "/".join(str(r.requests) for r in engine_runs)],
        ],
    )  # fmt: skip
    print(
        f"fnox reencrypt / fnox-tui: {speedup:.1f}x  (target >= {TARGET_SPEEDUP:g}x)  "
        f"{verdict(speedup >= TARGET_SPEEDUP)}"
    )
    print(f"values checked: all {checked} rotated values decrypt under the new key, each run")
    for runs in uis.values():
        print_walkthrough(runs, fnox_time, args)
    print(
        f"client CPU (process_time, all threads) per KMS request in (b): "
        f"{cpu_per_request * 1000:.2f} ms; {args.secrets * 2} requests -> "
        f"{cpu_per_request * args.secrets * 2:.2f} s of CPU in {engine_time:.2f} s"
    )

    def per_request(seconds: list[float]) -> float:
        return median(
            [cpu / max(1, run.requests) for cpu, run in zip(seconds, engine_runs, strict=True)]
        )

    moto_per_request = per_request([run.moto_cpu for run in engine_runs])
    proxy_per_request = per_request([run.proxy_cpu for run in engine_runs])
    requests = args.secrets * 2
    cores = os.cpu_count() or 1
    total = (cpu_per_request + moto_per_request + proxy_per_request) * requests
    floor = max(total / cores, moto_per_request * requests)
    print(
        f"moto_server CPU per request in (b): {moto_per_request * 1000:.2f} ms, the proxy's "
        f"{proxy_per_request * 1000:.2f} ms"
    )
    print(
        f"CPU floor of (b): {total:.2f} s of CPU in all on {cores} cores, moto alone "
        f"{moto_per_request * requests:.2f} s on one -> at best {floor:.2f} s on an idle "
        f"machine, fnox / fnox-tui <= {fnox_time / floor:.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
