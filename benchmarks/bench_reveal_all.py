"""Reveal-all throughput against KMS with network latency: serial boto3, fnox, fnox-tui's `V`.

Starts ``moto_server`` on 127.0.0.1 and ``latency_proxy.py`` in front of it (20 ms per request
by default), creates a KMS key, writes a fnox.toml with 500 ``aws-kms`` secrets encrypted under
it (the provider's ``endpoint`` is the proxy; ``AWS_ENDPOINT_URL`` says the same), then measures:

  (a) serial: one boto3 client, ``Decrypt`` for the 500 in sequence;
  (b) ``fnox export -f json`` on the file (its output must hold the 500 plaintexts);
  (c) fnox-tui: an in-process headless app, cursor on the ``default`` profile, ``V``, until
      ``len(app.plaintext) == 500`` (values spot-checked against the plaintexts);
  (d) during (c): ``down``/``up`` every 50 ms, each timed from posting the key to the cursor
      moving and to the tree being painted, plus a 5 ms heartbeat for event-loop stalls.

As a user sees it, in a real pseudo-terminal (``--pty``, the default; ``--no-pty`` skips it):

  (e) ``fnox export -f json`` in a pty, from its start to its exit;
  (f) ``fnox-tui`` in a pty at the default settings: the first secret name on screen, a
      pause of PAUSE_BEFORE_V as a person takes, then ``V``, timed from the key to the status
      line saying ``N revealed``; and the same with ``--concurrency 8`` (the former default).

fnox and fnox-tui run alternately, --repeat times each (median reported). The proxy and moto
run in their own processes so they do not share fnox-tui's GIL.

    python benchmarks/bench_reveal_all.py [--secrets 500] [--delay-ms 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import socket
import string
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from typing import Any

from _common import fnox_binary, hermetic_env, median, percentile, print_table, verdict
from _pty import PtyRun
from _ui_timing import Heartbeat, KeyTiming, PaintWatch, post_key
from gen_config import KINDS, SERVICES, toml_string
from latency_proxy import fetch_stats, wait_for_port

HERE = Path(__file__).resolve().parent
REGION = "us-east-1"
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
# Anything that would point boto3 somewhere else than the proxy or at real credentials.
AWS_ENV_REMOVE = (
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_KMS", "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)  # fmt: skip
TARGET_TUI_OVER_FNOX = 1.5
TARGET_SPEEDUP_OVER_SERIAL = 6.0
REVEAL_TIMEOUT_SECONDS = 120.0
PAUSE_BEFORE_V = 1.0


@dataclass(slots=True)
class Fixture:
    key_arn: str
    plaintexts: dict[str, str]  # name -> plaintext
    blobs: dict[str, bytes]  # name -> CiphertextBlob
    workdir: Path


@dataclass(slots=True)
class TuiRun:
    seconds: float
    requests: int
    keys: list[KeyTiming] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)
    worst_gaps: list[tuple[float, float]] = field(default_factory=list)  # (gap, s after V)
    checked: int = 0


# Processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    moto = Path(sys.executable).with_name("moto_server")
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT
        )
    wait_for_port("127.0.0.1", port, timeout=30)
    return proc, f"http://127.0.0.1:{port}"


def start_proxy(target: str, delay_ms: float) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        # Many connections at once, as a real endpoint takes: each fnox-tui run keeps up to 32
        # alive (its pool) until the proxy's idle timeout, and runs follow each other closely.
        [
            sys.executable,
            str(HERE / "latency_proxy.py"),
            target,
            f"--delay-ms={delay_ms}",
            "--max-connections=1024",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().split()
    if len(line) != 2 or line[0] != "LISTENING":
        proc.kill()
        raise RuntimeError(f"latency proxy did not start: {line!r}")
    return proc, line[1]


def stop(proc: subprocess.Popen[Any]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# The fixture ----------------------------------------------------------------------------


def kms_client(endpoint: str, max_pool: int = 10) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "kms",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(max_pool_connections=max_pool, retries={"mode": "standard"}),
    )


def make_fixture(moto_url: str, proxy_url: str, workdir: Path, count: int, seed: int) -> Fixture:
    """A key (created through the proxy) and ``count`` secrets encrypted under it."""
    rng = random.Random(seed)
    key_arn = kms_client(proxy_url).create_key(Description="fnox-tui bench")["KeyMetadata"]["Arn"]
    alphabet = string.ascii_letters + string.digits + "-_"
    plaintexts: dict[str, str] = {}
    while len(plaintexts) < count:
        name = f"{rng.choice(SERVICES)}_{rng.choice(KINDS)}_{len(plaintexts):03d}"
        plaintexts[name] = "".join(rng.choices(alphabet, k=rng.randint(16, 64)))
    # Encrypting is set-up, not measured: straight to moto, eight at a time.
    client = kms_client(moto_url)
    with ThreadPoolExecutor(8) as pool:
        blobs = dict(
            zip(
                plaintexts,
                pool.map(
                    lambda text: client.encrypt(KeyId=key_arn, Plaintext=text.encode())[
                        "CiphertextBlob"
                    ],
                    plaintexts.values(),
                ),
                strict=True,
            )
        )
    provider = {"type": "aws-kms", "key_id": key_arn, "region": REGION, "endpoint": proxy_url}
    lines = [
        "root = true",
        "",
        "[providers]",
        "kms = { " + ", ".join(f"{k} = {toml_string(v)}" for k, v in provider.items()) + " }",
        "",
        "[secrets]",
    ]
    for name, blob in blobs.items():
        value = base64.b64encode(blob).decode("ascii")
        lines.append(f'{name} = {{ provider = "kms", value = {toml_string(value)} }}')
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "fnox.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Fixture(key_arn, plaintexts, blobs, workdir)


# (a) serial -----------------------------------------------------------------------------


def run_serial(proxy_url: str, fixture: Fixture) -> tuple[float, int]:
    client = kms_client(proxy_url)
    fetch_stats(proxy_url, reset=True)
    started = time.perf_counter()
    for name, blob in fixture.blobs.items():
        plaintext = client.decrypt(KeyId=fixture.key_arn, CiphertextBlob=blob)["Plaintext"]
        if plaintext.decode() != fixture.plaintexts[name]:
            raise AssertionError(f"serial Decrypt of {name} returned the wrong plaintext")
    elapsed = time.perf_counter() - started
    return elapsed, fetch_stats(proxy_url).get("requests", 0)


# (b) fnox -------------------------------------------------------------------------------


def run_fnox(fnox: str, proxy_url: str, fixture: Fixture, env: dict[str, str]) -> tuple[float, int]:
    fetch_stats(proxy_url, reset=True)
    started = time.perf_counter()
    result = subprocess.run(
        [fnox, "--no-color", "export", "-f", "json"],
        cwd=fixture.workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=REVEAL_TIMEOUT_SECONDS,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"fnox export failed ({result.returncode}):\n{result.stderr[-2000:]}")
    data = json.loads(result.stdout)
    values = data.get("secrets", data)
    wrong = [name for name, text in fixture.plaintexts.items() if values.get(name) != text]
    if len(values) != len(fixture.plaintexts) or wrong:
        raise AssertionError(
            f"fnox export gave {len(values)} values, {len(wrong)} wrong (e.g. {wrong[:3]})"
        )
    return elapsed, fetch_stats(proxy_url).get("requests", 0)


# (c) + (d) fnox-tui ---------------------------------------------------------------------

_WATCH = PaintWatch()
_WATCH_INSTALLED = False


async def run_tui(
    proxy_url: str,
    fixture: Fixture,
    move_interval: float | None,
    spot_checks: int,
    concurrency: int | None = None,
) -> TuiRun:
    """Open the app on ``fixture.workdir``, press V on the default profile, wait for all values.

    Contract used (fnox-tui): ``app.main.tree.jump_to_profile(name)`` puts the cursor on a
    profile; ``V`` there reveals every secret of that profile at once (no dialog);
    ``app.plaintext`` (a PlaintextStore: ``len``, ``get(key)``, the key of a secret being
    ``app.workspace.profiles[profile].secret(name).key``) holds the values;
    ``app.values.failures`` (if present) holds the secrets that failed.
    """
    global _WATCH_INSTALLED
    from fnox_tui.core.loader import WorkspaceSource
    from fnox_tui.ui.app import AppSettings, FnoxTuiApp
    from fnox_tui.ui.widgets.secret_tree import ProfileNode, SecretTree

    if not _WATCH_INSTALLED:
        _WATCH.install(SecretTree)
        _WATCH_INSTALLED = True
    total = len(fixture.plaintexts)
    source = WorkspaceSource(cwd=fixture.workdir)
    settings = AppSettings() if concurrency is None else AppSettings(concurrency=concurrency)
    app = FnoxTuiApp(source, workspace=source.load(), settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        tree = app.main.tree
        while tree.workspace is None or tree.last_line <= 0:
            await pilot.pause()
        tree.jump_to_profile("default")
        await pilot.pause()
        node = tree.cursor_node
        if node is None or not isinstance(node.data, ProfileNode):
            raise AssertionError("the cursor is not on the default profile")
        if not hasattr(app, "plaintext"):
            raise NotImplementedError("app.plaintext is missing: V is not implemented yet")

        # As a person would, press V a moment after the screen appears: by then fnox-tui has
        # set up its AWS client in the background (it does so 0.1 s after its first frame).
        await asyncio.sleep(PAUSE_BEFORE_V)
        await app.workers.wait_for_complete()
        fetch_stats(proxy_url, reset=True)
        heartbeat = Heartbeat()
        heartbeat.start()
        done = asyncio.Event()
        keys: list[KeyTiming] = []
        started = time.perf_counter()
        post_key(app, "V")
        if move_interval is not None:
            # Browse among the secrets while they resolve (down/up between the 2nd and 3rd
            # secret). Moving onto the profile row itself repaints every visible row, since
            # Textual's row cache keys each row by its parent's state too.
            tree.move_cursor(tree.get_node_at_line(tree.cursor_line + 2))
        mover = (
            asyncio.create_task(_keep_moving(app, done, move_interval, keys))
            if move_interval is not None
            else None
        )
        failures: dict[Any, Any] = getattr(getattr(app, "values", None), "failures", {})
        try:
            while len(app.plaintext) < total:
                if failures:
                    first = next(iter(failures.items()))
                    raise AssertionError(f"{len(failures)} secret(s) failed, e.g. {first}")
                if time.perf_counter() - started > REVEAL_TIMEOUT_SECONDS:
                    raise TimeoutError(
                        f"only {len(app.plaintext)}/{total} values after "
                        f"{REVEAL_TIMEOUT_SECONDS:.0f} s (did V start a reveal?)"
                    )
                await asyncio.sleep(0.002)
            elapsed = time.perf_counter() - started
        finally:
            done.set()
            if mover is not None:
                await mover
            await heartbeat.stop()
        requests = fetch_stats(proxy_url).get("requests", 0)

        names = list(fixture.plaintexts)
        sample = random.Random(len(names)).sample(names, min(spot_checks, len(names)))
        view = app.workspace.profiles["default"]
        for name in sample:
            secret = view.secret(name)
            revealed = app.plaintext.get(secret.key) if secret is not None else None
            if revealed != fixture.plaintexts[name]:
                raise AssertionError(f"fnox-tui revealed a wrong value for {name}")
    worst = heartbeat.worst(started)
    return TuiRun(elapsed, requests, keys, heartbeat.gaps, worst, len(sample))


async def _keep_moving(
    app: Any, done: asyncio.Event, interval: float, out: list[KeyTiming]
) -> None:
    """down/up every ``interval`` seconds until ``done``; each key timed to its paint."""
    keys = cycle(("down", "up"))
    next_at = time.perf_counter()
    while not done.is_set():
        out.append(await _WATCH.press(app, next(keys)))
        next_at += interval
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), max(0.0, next_at - time.perf_counter()))


# (e) + (f) in a pty ---------------------------------------------------------------------


def run_fnox_pty(fnox: str, fixture: Fixture, env: dict[str, str]) -> float:
    """``fnox export -f json`` in a pty: seconds from its start to its exit."""
    with PtyRun([fnox, "--no-color", "export", "-f", "json"], cwd=fixture.workdir, env=env) as run:
        status, seconds = run.wait_exit(REVEAL_TIMEOUT_SECONDS)
    if status != 0:
        raise RuntimeError(f"fnox export failed in the pty ({status}): {run.screen()}")
    return seconds


def run_tui_pty(fixture: Fixture, env: dict[str, str], extra: list[str]) -> tuple[float, float]:
    """fnox-tui in a pty: seconds to the first name on screen, and from ``V`` to the status
    line saying every value is revealed."""
    total = len(fixture.plaintexts)
    first = next(iter(fixture.plaintexts))
    argv = [sys.executable, "-m", "fnox_tui", *extra]
    with PtyRun(argv, cwd=fixture.workdir, env=env) as run:
        painted = run.wait_for(first.encode())
        run.drain(PAUSE_BEFORE_V)  # as a person would; fnox-tui sets up its AWS client meanwhile
        pressed = time.monotonic()
        run.send(b"V")
        revealed = run.wait_for(f"{total} revealed".encode(), REVEAL_TIMEOUT_SECONDS, pressed)
    return painted, revealed


# Report ---------------------------------------------------------------------------------


def ms_row(label: str, samples: list[float]) -> list[str]:
    if not samples:
        return [label, "0", "-", "-", "-"]
    return [
        label,
        str(len(samples)),
        f"{median(samples) * 1000:.1f} ms",
        f"{percentile(samples, 0.95) * 1000:.1f} ms",
        f"{max(samples) * 1000:.1f} ms",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secrets", type=int, default=500)
    parser.add_argument("--delay-ms", type=float, default=20.0, help="latency added per request")
    parser.add_argument("--repeat", type=int, default=3, help="fnox and fnox-tui runs each")
    parser.add_argument("--move-ms", type=float, default=50.0, help="cursor key interval")
    parser.add_argument("--spot-checks", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--concurrency", type=int, help="fnox-tui's --concurrency in (c) and (d) (default: its own)"
    )
    parser.add_argument(
        "--pty",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time fnox export and fnox-tui's V in a real pty (as a user sees them)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fnox-tui-reveal-") as tmp:
        base = Path(tmp)
        home = base / "home"
        fnox = str(fnox_binary())
        moto, moto_url = start_moto(base / "moto.log")
        proxy = None
        try:
            proxy, proxy_url = start_proxy(moto_url, args.delay_ms)
            aws = {**AWS_ENV, "AWS_ENDPOINT_URL": proxy_url}
            fnox_env = hermetic_env(home, aws)
            # fnox-tui runs in this process: give it the same environment.
            for name in AWS_ENV_REMOVE:
                os.environ.pop(name, None)
            os.environ.update({k: fnox_env[k] for k in ("HOME", "FNOX_CONFIG_DIR")})
            os.environ.update(aws)

            t0 = time.perf_counter()
            fixture = make_fixture(moto_url, proxy_url, base / "workspace", args.secrets, args.seed)
            print(
                f"set-up: moto at {moto_url}, proxy at {proxy_url} (+{args.delay_ms:g} ms), "
                f"{args.secrets} secrets encrypted in {time.perf_counter() - t0:.1f} s",
                file=sys.stderr,
            )
            serial, serial_requests = run_serial(proxy_url, fixture)
            print(f"serial: {serial:.2f} s", file=sys.stderr)
            fnox_runs: list[tuple[float, int]] = []
            tui_runs: list[TuiRun] = []
            busy_runs: list[TuiRun] = []
            pty_env = {**fnox_env, "PYTHONPATH": str(HERE.parent)}
            pty_rows: dict[str, list[float]] = {}
            if args.pty:
                for index in range(args.repeat):
                    pty_rows.setdefault("(e) fnox export -f json, in a pty", []).append(
                        run_fnox_pty(fnox, fixture, pty_env)
                    )
                    for label, extra in (
                        ("(f) fnox-tui V, default settings, in a pty", []),
                        ("(f) fnox-tui V, --concurrency 8, in a pty", ["--concurrency", "8"]),
                    ):
                        _, revealed = run_tui_pty(fixture, pty_env, extra)
                        pty_rows.setdefault(label, []).append(revealed)
                    print(
                        f"pty round {index + 1}/{args.repeat}: "
                        + ", ".join(f"{values[-1]:.2f}" for values in pty_rows.values()),
                        file=sys.stderr,
                    )
            for index in range(args.repeat):
                fnox_runs.append(run_fnox(fnox, proxy_url, fixture, fnox_env))
                tui_runs.append(
                    asyncio.run(
                        run_tui(proxy_url, fixture, None, args.spot_checks, args.concurrency)
                    )
                )
                busy_runs.append(
                    asyncio.run(
                        run_tui(
                            proxy_url,
                            fixture,
                            args.move_ms / 1000,
                            args.spot_checks,
                            args.concurrency,
                        )
                    )
                )
                print(
                    f"round {index + 1}/{args.repeat}: fnox {fnox_runs[-1][0]:.2f} s, "
                    f"fnox-tui {tui_runs[-1].seconds:.2f} s, "
                    f"with keys {busy_runs[-1].seconds:.2f} s",
                    file=sys.stderr,
                )
        finally:
            if proxy is not None:
                stop(proxy)
            stop(moto)

    fnox_time = median([seconds for seconds, _ in fnox_runs])
    tui_time = median([run.seconds for run in tui_runs])
    busy_time = median([run.seconds for run in busy_runs])
    ratio = tui_time / fnox_time
    speedup = serial / tui_time

    def runs_text(values: list[float]) -> str:
        return " ".join(f"{value:.2f}" for value in values)

    print_table(
        f"Reveal all: {args.secrets} aws-kms secrets, moto_server behind a proxy adding "
        f"{args.delay_ms:g} ms per request",
        ["", "median", "runs (s)", "KMS requests"],
        [
            ["(a) serial boto3 Decrypt loop", f"{serial:.2f} s", runs_text([serial]),
             str(serial_requests)],
            ["(b) fnox export -f json", f"{fnox_time:.2f} s",
             runs_text([s for s, _ in fnox_runs]), "/".join(str(n) for _, n in fnox_runs)],
            ["(c) fnox-tui V (in-process, headless)", f"{tui_time:.2f} s",
             runs_text([r.seconds for r in tui_runs]), "/".join(str(r.requests) for r in tui_runs)],
            [f"(d) the same, keys every {args.move_ms:g} ms", f"{busy_time:.2f} s",
             runs_text([r.seconds for r in busy_runs]),
             "/".join(str(r.requests) for r in busy_runs)],
        ],
    )  # fmt: skip
    if pty_rows:
        fnox_pty = median(pty_rows["(e) fnox export -f json, in a pty"])
        print_table(
            f"In a pty, as a user sees it: V until the status line says {args.secrets} revealed "
            "(fnox-tui), start to exit (fnox export)",
            ["", "median", "runs (s)", "vs fnox export"],
            [[label, f"{median(values):.2f} s", runs_text(values),
              f"{median(values) / fnox_pty:.2f}x"] for label, values in pty_rows.items()],
        )  # fmt: skip
        default_ok = median(pty_rows["(f) fnox-tui V, default settings, in a pty"]) <= fnox_pty
        print(f"fnox-tui V at the default settings <= fnox export: {verdict(default_ok)}")
    ratio_ok = ratio <= TARGET_TUI_OVER_FNOX
    speedup_ok = speedup >= TARGET_SPEEDUP_OVER_SERIAL
    print(
        f"fnox-tui / fnox:   {ratio:.2f}x  (target <= {TARGET_TUI_OVER_FNOX}x)  {verdict(ratio_ok)}"
    )
    print(
        f"serial / fnox-tui: {speedup:.1f}x  (target >= {TARGET_SPEEDUP_OVER_SERIAL:g}x)  "
        f"{verdict(speedup_ok)}"
    )
    print(
        f"with keys pressed: fnox-tui / fnox {busy_time / fnox_time:.2f}x, "
        f"serial / fnox-tui {serial / busy_time:.1f}x"
    )
    print(
        f"values checked: fnox all {args.secrets} per run; fnox-tui {tui_runs[0].checked} "
        "spot checks per run, all equal to the plaintexts"
    )

    keys = [timing for run in busy_runs for timing in run.keys]
    gaps = [gap for run in busy_runs for gap in run.gaps]
    print_table(
        f"(d) UI while fnox-tui reveals: down/up every {args.move_ms:g} ms, all {args.repeat} runs",
        ["", "n", "median", "p95", "max"],
        [
            ms_row("key posted -> cursor moved (processed)", [k.processed for k in keys]),
            ms_row("key posted -> tree painted", [k.painted for k in keys]),
            ms_row("event-loop gap (5 ms heartbeat)", gaps),
        ],
    )
    quiet_gaps = [gap for run in tui_runs for gap in run.gaps]
    print(
        "event-loop gap without keys (c): "
        f"median {median(quiet_gaps) * 1000:.1f} ms, max {max(quiet_gaps) * 1000:.1f} ms"
    )
    for index, run in enumerate(busy_runs, start=1):
        worst = ", ".join(f"{gap * 1000:.0f} ms at +{at:.2f} s" for gap, at in run.worst_gaps)
        print(f"run {index}: longest event-loop gaps (time after V): {worst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
