"""How long ago each affected value last changed, from ``git blame`` of its line.

One ``git blame --line-porcelain -L ...`` call per file covers all of that file's lines. A file
outside a git repository, untracked, or a machine without git simply has no ages.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

GIT_TIMEOUT_SECONDS = 15

Runner = Callable[..., subprocess.CompletedProcess[bytes]]


@dataclass(frozen=True, slots=True)
class LineAge:
    """Who last changed one line, and when. ``commit`` is "" for uncommitted changes."""

    line: int
    commit: str
    when: datetime | None
    summary: str = ""

    @property
    def uncommitted(self) -> bool:
        return not self.commit


def line_ages(
    lines: Mapping[Path, Iterable[int]],
    *,
    git: str = "git",
    runner: Runner = subprocess.run,
) -> dict[Path, dict[int, LineAge]]:
    """For each file, the age of each of ``lines`` (1-based) that git knows about."""
    result: dict[Path, dict[int, LineAge]] = {}
    for path, numbers in lines.items():
        wanted = sorted({n for n in numbers if n > 0})
        if wanted:
            result[path] = _blame(path, wanted, git, runner)
    return result


def _ranges(numbers: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ranges


def _blame(path: Path, numbers: list[int], git: str, runner: Runner) -> dict[int, LineAge]:
    command = [git, "-C", str(path.parent), "blame", "--line-porcelain"]
    for first, last in _ranges(numbers):
        command += ["-L", f"{first},{last}"]
    command += ["--", path.name]
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = runner(
            command,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            env=env,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if done.returncode != 0:
        return {}
    wanted = set(numbers)
    return {n: age for n, age in parse_line_porcelain(done.stdout).items() if n in wanted}


def parse_line_porcelain(output: bytes) -> dict[int, LineAge]:
    """``git blame --line-porcelain`` output -> final line number -> LineAge."""
    ages: dict[int, LineAge] = {}
    header: list[str] | None = None
    fields: dict[str, Any] = {}
    for raw in output.split(b"\n"):
        if raw.startswith(b"\t"):  # the line's content ends each group
            if header is not None:
                _add(ages, header, fields)
            header, fields = None, {}
            continue
        text = raw.decode("utf-8", "replace")
        if header is None:
            parts = text.split()
            if len(parts) >= 3 and len(parts[0]) in (40, 64):
                header = parts
            continue
        key, _, value = text.partition(" ")
        fields[key] = value
    return ages


def _add(ages: dict[int, LineAge], header: list[str], fields: dict[str, Any]) -> None:
    try:
        line = int(header[2])
    except ValueError:
        return
    commit = header[0]
    if set(commit) == {"0"}:
        ages[line] = LineAge(line, "", None, "not committed yet")
        return
    when = None
    stamp = fields.get("author-time")
    if isinstance(stamp, str) and stamp.isdigit():
        when = datetime.fromtimestamp(int(stamp), UTC)
    ages[line] = LineAge(line, commit, when, str(fields.get("summary", "")))


def describe_age(age: LineAge | None, now: datetime | None = None) -> str:
    """``"3 months ago"``, ``"uncommitted"``, or ``"unknown"`` (no git history)."""
    if age is None:
        return "unknown"
    if age.uncommitted or age.when is None:
        return "uncommitted"
    seconds = max(0.0, ((now or datetime.now(UTC)) - age.when).total_seconds())
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
