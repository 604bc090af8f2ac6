"""Saving one edited secret in the 5,000-secret file: fnox-tui's editor against the alternatives.

    python benchmarks/bench_save.py [--runs 15] [--slow-runs 3]

For a top-level inline entry, a ``[secrets.X]`` table and an entry of profile ``p9``, it times
(median of ``--runs``) the whole save path from the confirmed change to the renamed file:
``plan_save`` (the span finder, the fragment edit and its checks) then ``save_plan`` (the
content check, temporary file, fsync, rename, directory fsync). It compares that with a full
tomlkit parse + edit + dump of the same file (then the same atomic save), and with
``fnox set NAME VALUE --provider plain`` on a copy of the file, in the same run. It also counts
the lines each one changed. The target is under 300 ms.
"""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

from _common import REPO, fnox_binary, hermetic_env, median, print_table, verdict
from gen_config import generate

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import tomlkit

from fnox_tui.core.atomic_save import FileWrite, save_atomically, text_sha256
from fnox_tui.core.changes import ChangeSet, UpdateSecret
from fnox_tui.core.identity import EntryId
from fnox_tui.core.save import plan_save, save_plan

TARGET_MS = 300.0


def changed_lines(old: str, new: str) -> int:
    """Lines removed plus lines added (no junk heuristic: blank lines match like any other)."""
    matcher = difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False)
    return sum(
        (i2 - i1) + (j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )


def timed(runs: int, once: Callable[[int], None]) -> list[float]:
    samples = []
    for run in range(runs):
        start = time.perf_counter()
        once(run)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def new_value(run: int) -> str:
    return f"QmVuY2htYXJrIHJ1biB7cnVufQ{run:06d}=="


def bench_ours(path: Path, entry: EntryId, runs: int) -> tuple[list[float], list[float], int]:
    """Total and edit-only times, and the lines the last save changed."""
    edits: list[float] = []
    texts = {"text": path.read_bytes().decode("utf-8"), "before": ""}

    def once(run: int) -> None:
        changes = ChangeSet().stage(UpdateSecret(entry, {"value": new_value(run)}))
        start = time.perf_counter()
        plan = plan_save(changes, {path: texts["text"]})
        edits.append((time.perf_counter() - start) * 1000)
        save_plan(plan)
        texts["before"], texts["text"] = texts["text"], plan.files[0].new_text

    totals = timed(runs, once)
    return totals, edits, changed_lines(texts["before"], texts["text"])


def bench_tomlkit(path: Path, entry: EntryId, runs: int) -> tuple[list[float], int]:
    texts = {"text": path.read_bytes().decode("utf-8"), "before": ""}

    def once(run: int) -> None:
        text = texts["text"]
        document = tomlkit.parse(text)
        table = document
        for part in entry.key_path:
            table = table[part]
        table["value"] = new_value(run)
        new_text = document.as_string()
        save_atomically([FileWrite(path, text_sha256(text), new_text)])
        texts["before"], texts["text"] = text, new_text

    return timed(runs, once), changed_lines(texts["before"], texts["text"])


def bench_fnox_set(path: Path, entry: EntryId, runs: int) -> tuple[list[float], int]:
    fnox = str(fnox_binary())
    home = path.parent.parent / "home"
    env = hermetic_env(home)
    profile = ["-P", entry.table_profile] if entry.table_profile else []
    texts = {"before": "", "text": path.read_text()}

    def once(run: int) -> None:
        command = [fnox, "--no-color", *profile, "set", entry.name, new_value(run)]
        subprocess.run(
            [*command, "--provider", "plain"],
            cwd=path.parent, env=env, check=True, capture_output=True,
        )  # fmt: skip

    samples = timed(runs, once)
    texts["before"], texts["text"] = texts["text"], path.read_text()
    return samples, changed_lines(texts["before"], texts["text"])


def pick_entries(path: Path) -> list[tuple[str, EntryId]]:
    data = tomllib.loads(path.read_text())
    text = path.read_text()
    top = list(data["secrets"])
    inline = next(n for n in top[len(top) // 2 :] if f"[secrets.{n}]" not in text)
    table = next(n for n in top if f"[secrets.{n}]" in text)
    profile = list(data["profiles"]["p9"]["secrets"])[-1]
    return [
        ("inline, top level", EntryId.secret(path, inline)),
        ("[secrets.X] table", EntryId.secret(path, table)),
        ("inline, profile p9", EntryId.secret(path, profile, "p9")),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--slow-runs", type=int, default=3, help="runs of the full tomlkit save")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        stats = generate(root / "ours")
        generate(root / "kit")
        generate(root / "fnox")
        ours_path, kit_path, fnox_path = (root / n / "fnox.toml" for n in ("ours", "kit", "fnox"))
        print(f"{stats.path.name}: {stats.bytes / 1e6:.2f} MB, {stats.entries} entries")
        rows = []
        ok = True
        for label, entry in pick_entries(ours_path):
            totals, edits, lines = bench_ours(ours_path, entry, args.runs)
            kit_entry = EntryId(kit_path, entry.table, entry.name)
            kit, kit_lines = bench_tomlkit(kit_path, kit_entry, args.slow_runs)
            fnox_entry = EntryId(fnox_path, entry.table, entry.name)
            fnox, fnox_lines = bench_fnox_set(fnox_path, fnox_entry, args.runs)
            ok = ok and median(totals) < TARGET_MS
            rows.append(
                (
                    label,
                    f"{median(totals):.0f} ({min(totals):.0f}-{max(totals):.0f})",
                    f"{median(edits):.0f}",
                    f"{median(kit):.0f}",
                    f"{median(fnox):.0f}",
                    f"{median(kit) / median(totals):.1f}x",
                    f"{median(fnox) / median(totals):.1f}x",
                    f"{lines}/{kit_lines}/{fnox_lines}",
                )
            )
        print_table(
            f"Save one edited secret (ms, median of {args.runs}; tomlkit: {args.slow_runs})",
            [
                "entry",
                "fnox-tui total",
                "of it: edit",
                "full tomlkit",
                "fnox set",
                "vs tomlkit",
                "vs fnox",
                "diff lines (ours/tomlkit/fnox)",
            ],
            rows,
        )
        print(f"target < {TARGET_MS:.0f} ms from confirm to renamed file: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
